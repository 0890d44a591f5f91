"""Audience templates -> Document: which findings, in what order, in whose words, with which charts."""

from briefing.compose.compose import ChartTools, ComposeService, compose, compose_from
from briefing.domain.selection import Selection, select, select_findings
from briefing.domain.templates import Template, validate_template

__all__ = [
    "ChartTools",
    "ComposeService",
    "Selection",
    "Template",
    "compose",
    "compose_from",
    "select",
    "select_findings",
    "validate_template",
]
