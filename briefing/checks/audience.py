"""The checks that concern one audience's briefing: its findings, its charts and its own template."""

from __future__ import annotations

from collections.abc import Collection

from briefing.checks.engine import Library, Problem, check_chart, check_finding, check_template


def check_briefing(library: Library, audience: str, findings: Collection[str],
                   charts: Collection[str]) -> list[Problem]:
    """Problems a reader of `audience`'s briefing would meet: those of the findings (by slug) and
    charts (by key) it shows, and of its template. A finding's wordings for other audiences are
    not printed in this briefing, so their problems belong to those audiences' exports."""
    own = {"title", "statement", f"wordings.{audience}"}
    problems: list[Problem] = []
    for f in library.findings:
        if f.slug in findings:
            problems += [p for p in check_finding(f) if p.field in own]
    for spec in library.charts:
        if spec.key in charts:
            problems += check_chart(spec, library.findings)
    for a in library.audiences:
        if a.key == audience:
            problems += check_template(a, library)
    return problems
