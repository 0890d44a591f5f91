"""`briefing check`: run the evidence checks over the whole library; exit 0 clean, 1 with problems."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Protocol

from briefing.checks import Library, Problem, run_checks
from briefing.domain.charts import ChartSpec
from briefing.domain.model import Audience, Finding, Report


class CheckService(Protocol):
    """What the command reads from the services."""

    def list_findings(self) -> list[Finding]: ...

    def list_charts(self, audience: str | None = None) -> list[ChartSpec]: ...

    def list_audiences(self) -> list[Audience]: ...

    def get_report(self, key: str | None = None) -> Report: ...


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="check that every number in the findings, charts and templates is backed by the data",
        description="Check the library: numbers in text backed by metrics, derived claims (multiples, "
        "percentages, durations) recomputed, charts honest, audience wordings faithful to the statement. "
        "Exit status 0 when clean, 1 when there are problems.",
    )
    p.add_argument("--json", action="store_true", help="print the problems as JSON")
    p.set_defaults(func=cmd_check)


def gather(svc: CheckService) -> Library:
    from briefing.compose.scope import briefed_findings

    findings, audiences = svc.list_findings(), svc.list_audiences()
    return Library(findings=findings, charts=svc.list_charts(), audiences=audiences, report=svc.get_report(),
                   briefings=briefed_findings(audiences, findings))


def cmd_check(args: argparse.Namespace, svc: CheckService) -> int:
    library = gather(svc)
    problems = run_checks(library)
    counts = {"findings": len(library.findings), "charts": len(library.charts),
              "templates": len(library.audiences)}
    if args.json:
        json.dump({"checked": counts, "problems": [p.to_dict() for p in problems]}, sys.stdout,
                  ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for p in problems:
            print(p.line())
        print(_summary(problems, counts))
    return 1 if problems else 0


def _summary(problems: list[Problem], counts: dict[str, int]) -> str:
    checked = f"{counts['findings']} findings, {counts['charts']} charts, {counts['templates']} audience templates"
    if not problems:
        return f"No problems in {checked}."
    subjects = len({(p.kind, p.subject) for p in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    return f"{len(problems)} {noun} in {subjects} of {checked}."
