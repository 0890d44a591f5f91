"""The checks that concern one audience's briefing: its findings, its charts and its own template."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from briefing.checks.engine import (
    Library,
    Problem,
    check_briefed,
    check_chart,
    check_finding,
    check_fresh,
    check_template,
)


def check_briefing(library: Library, audience: str, findings: Collection[str],
                   charts: Collection[str]) -> list[Problem]:
    """Problems a reader of `audience`'s briefing would meet: those of the findings (by slug) and
    charts (by key) it shows, and of its template. Runs only those checks (export calls it)."""
    return check_briefings(library, {audience: (findings, charts)})[audience]


def check_briefings(library: Library,
                    briefings: Mapping[str, tuple[Collection[str], Collection[str]]]) -> dict[str, list[Problem]]:
    """check_briefing for several audiences (audience key -> (finding slugs, chart keys)); a finding
    or chart shared by several briefings is checked once."""
    briefings = {key: (frozenset(found), frozenset(shown)) for key, (found, shown) in briefings.items()}
    slugs = {slug for found, _ in briefings.values() for slug in found}
    keys = {key for _, shown in briefings.values() for key in shown}
    problems: list[Problem] = []
    for f in library.findings:
        if f.slug in slugs:
            problems += check_finding(f)
            problems += check_fresh(f, library.report)
    for spec in library.charts:
        if spec.key in keys:
            problems += check_chart(spec, library.findings)
    for a in library.audiences:
        if a.key in briefings:
            problems += check_template(a, library)
    problems += check_briefed(library, {key: found for key, (found, _) in briefings.items()})
    return {key: [p for p in problems if in_briefing(p, key, found, shown)]
            for key, (found, shown) in briefings.items()}


def in_briefing(problem: Problem, audience: str, findings: Collection[str], charts: Collection[str]) -> bool:
    """Whether `problem` shows in `audience`'s briefing. A finding's wordings for other audiences
    are not printed in it, so their problems belong to those audiences' exports."""
    if problem.kind == "finding":
        return problem.subject in findings and (
            not problem.field.startswith("wordings.") or problem.field == f"wordings.{audience}")
    if problem.kind == "chart":
        return problem.subject in charts
    return problem.kind == "template" and problem.subject == audience
