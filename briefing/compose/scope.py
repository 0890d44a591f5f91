"""What a briefing or a deck shows: its findings and charts (for the checks on export), and a deck's manifest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from briefing.domain.charts import ChartSpec
from briefing.domain.manifest import Manifest, build_manifest
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


def deck_manifest(report: Mapping[str, object], audience: Audience | None,
                  items: Sequence[tuple[ChartSpec, object]], findings: Sequence[Finding]) -> Manifest:
    """The manifest of a slide deck: its charts, the findings they draw, and the checks that fail
    on them (a deck prints no finding's text, so only the charts' own checks and the numbers'
    findings count)."""
    from briefing import __version__
    from briefing.checks import check_chart, check_finding

    slugs = dict.fromkeys(str(getattr(p, "finding", "")) for _, data in items
                          for p in getattr(data, "points", ()) or ())
    drawn = [f for f in findings if f.slug in slugs]
    problems = [p for spec, _ in items for p in check_chart(spec, findings)]
    problems += [p for f in drawn for p in check_finding(f) if not p.field.startswith("wordings.")]
    made = build_manifest(kind="deck", report=report, audience=audience, findings=drawn, charts=items,
                          problems=problems, app_version=__version__)
    return replace(made, template_hash="")  # a deck shows no template text: its changes do not concern it
