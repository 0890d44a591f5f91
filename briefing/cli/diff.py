"""`briefing diff FILE [FILE2]`: what changed since a briefing or deck was sent; exit 0 unchanged, 1 changed."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from briefing.domain.errors import BriefingError
from briefing.domain.manifest import Manifest, ManifestDiff


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diff",
        help="what changed since a briefing (PDF, Word, Markdown) or deck was sent",
        description="Read the manifest Briefing put in FILE and list, against the database now, the "
        "findings added, removed and changed (with old and new numbers), the charts changed and the "
        "checks that newly fail. With FILE2, compare the two files instead. Exit status 0 when "
        "nothing changed, 1 when something did, 2 when a file cannot be compared.",
    )
    p.add_argument("file", metavar="FILE", help="a file exported by Briefing")
    p.add_argument("file2", metavar="FILE2", nargs="?", help="a later file to compare FILE with")
    p.add_argument("--json", action="store_true", help="print the differences as JSON")
    p.set_defaults(func=cmd_diff)


def cmd_diff(args: argparse.Namespace, service: Any) -> int:
    from briefing.compose.sent import compare_with_now
    from briefing.domain.manifest import diff_manifests

    try:
        old = _read(args.file)
        if args.file2 is not None:
            diff = diff_manifests(old, _read(args.file2))
            against = Path(args.file2).name
        else:
            chosen = args.report is not None
            # The file names its report: compare with that one, without making it the default.
            if (not chosen and old.report_key and old.report_key != service.report().get("key")
                    and old.report_key in {r.key for r in service.list_reports()}):
                service.use_report(old.report_key, remember=False)
            diff = compare_with_now(service, old, any_report=chosen)
            against = "the database now"
    except BriefingError as exc:
        print(f"briefing diff: {exc}", file=sys.stderr)
        return 2
    if args.json:
        json.dump({"file": args.file, "against": args.file2, **diff.to_dict()}, sys.stdout, ensure_ascii=False,
                  indent=2)
        sys.stdout.write("\n")
    else:
        print(_heading(Path(args.file).name, old, against))
        for line in diff.lines():
            print(line)
        print(_summary(diff))
    return 0 if diff.empty else 1


def _read(name: str) -> Manifest:
    from briefing.writers.manifest import read_manifest

    path = Path(name)
    try:
        return read_manifest(path)
    except FileNotFoundError:
        raise BriefingError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise BriefingError(f"{name} is a folder, not a file") from None
    except OSError as exc:
        raise BriefingError(f"{name} cannot be read ({exc.strerror or exc})") from None


def _heading(name: str, old: Manifest, against: str) -> str:
    what = f"audience {old.audience_key}" if old.kind == "briefing" else "slide deck"
    edition = f", {old.edition}" if old.edition else ""
    made = old.generated or "at an unknown time"
    return f"{name} ({what}, report {old.report_key}{edition}, made {made}) against {against}:"


def _summary(diff: ManifestDiff) -> str:
    if diff.empty:
        return "No changes."
    findings = f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed findings"
    charts = len(diff.charts_added) + len(diff.charts_removed) + len(diff.charts_changed)
    checks = len(diff.new_problems)
    return (f"{findings}; {charts} chart{'s' if charts != 1 else ''} changed; "
            f"{checks} check{'s' if checks != 1 else ''} newly failing.")
