"""What an audience's briefing shows: the slugs of its findings and the keys of its charts."""

from __future__ import annotations

from collections.abc import Sequence

from briefing.domain.model import Audience, Finding
from briefing.domain.selection import select
from briefing.domain.templates import validate_template


def briefing_contents(audience: Audience, findings: Sequence[Finding]) -> tuple[list[str], list[str]]:
    """(finding slugs, chart keys) in briefing order, as compose() would place them; the checks
    on export report only what these name."""
    template = validate_template(audience.template)
    slugs = [f.slug for f in select(template, findings).findings]
    charts = list(dict.fromkeys(key for spec in template.all_sections() for key in spec.charts))
    return slugs, charts


def briefed_findings(audiences: Sequence[Audience], findings: Sequence[Finding]) -> dict[str, list[str]]:
    """Each audience's finding slugs (for the checks' superseded and missing-wording rules); a
    template compose refuses is left out (it cannot be exported; its own check names it)."""
    from briefing.domain.errors import ValidationError

    out: dict[str, list[str]] = {}
    for audience in audiences:
        try:
            out[audience.key] = [f.slug for f in select(validate_template(audience.template), findings).findings]
        except ValidationError:
            continue
    return out
