"""`briefing export` and `briefing audiences list`: audience briefings as PDF, Word or Markdown files."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from briefing.domain.charts import ChartSpec
from briefing.domain.errors import NotFoundError
from briefing.domain.model import Audience, Finding


class ExportService(Protocol):
    """What these commands need from the services (compose reads the same methods)."""

    def get_audience(self, key: str) -> Audience: ...
    def list_audiences(self) -> list[Audience]: ...
    def list_findings(self) -> list[Finding]: ...
    def count_findings(self) -> int: ...
    def list_charts(self, audience: str | None = None) -> list[ChartSpec]: ...
    def report(self) -> dict[str, Any]: ...


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from briefing.writers import FORMATS

    p = subparsers.add_parser("export", help="write an audience's briefing as PDF, Word or Markdown")
    p.add_argument("--audience", metavar="KEY", required=True,
                   help="the audience (see `briefing audiences list`); several as a,b or `all`")
    # Formats are checked by the command, not by argparse `choices`, so a wrong one gets the same
    # one-line error (and exit code 2) as a wrong audience.
    p.add_argument("--format", metavar="FORMAT", default="pdf", dest="fmt",
                   help=f"{' | '.join(FORMATS)} (default pdf); several as pdf,docx")
    # A string, not a Path: Path() would drop the trailing "/" that says "a folder".
    p.add_argument("--output", "-o", metavar="PATH",
                   help="file to write (default: briefing-<audience>-<YYYY-MM-DD>.<ext> here); "
                        "a folder (an existing one, or any path ending in /, created if missing) to "
                        "write into under that name; with several audiences or formats, a folder")
    p.add_argument("--author", default="", help="author on the cover and in the file's properties "
                                                "(default: the report's author)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the path written")
    p.add_argument("--strict", action="store_true",
                   help="refuse to write anything when the evidence checks find a problem in the "
                        "briefing (exit status 1); without it, problems are printed as warnings")
    p.set_defaults(func=cmd_export)

    a = subparsers.add_parser("audiences", help="the audiences briefings can be written for")
    sub = a.add_subparsers(dest="audiences_action", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="list audience keys and names")
    ls.set_defaults(func=cmd_audiences_list)


def default_output(audience: str, fmt: str, today: date | None = None) -> Path:
    from briefing.writers import writer_info

    day = (today or date.today()).isoformat()
    return Path(f"briefing-{audience}-{day}.{writer_info(fmt).extension}")


def cmd_export(args: argparse.Namespace, service: ExportService) -> int:
    """One briefing, or a batch: each audience is composed once and written in every format asked."""
    from briefing.writers import FORMATS

    keys = [a.key for a in service.list_audiences()]
    audiences = keys if args.audience == "all" else _split(args.audience)
    fmts = _split(args.fmt)
    for key in audiences:
        if key not in keys:
            return _fail(f"no audience “{key}”; choose one of {', '.join(keys) or '(none defined)'}")
    for fmt in fmts:
        if fmt not in FORMATS:
            return _fail(f"no format “{fmt}”; choose one of {', '.join(FORMATS)}")
    if not audiences or not fmts:
        return _fail("name at least one audience and one format")

    from briefing.compose import compose
    from briefing.fileio import names_folder, output_path
    from briefing.writers import WriteOptions, export
    from briefing.writers.safe import check_target

    batch = len(audiences) * len(fmts) > 1
    folder: Path | None = None
    if batch and args.output is not None:
        if not names_folder(args.output):
            return _fail(f"with several audiences or formats, --output must be an existing folder or a "
                         f"path ending in / (a folder to create); {args.output} is neither")
        folder = output_path(args.output, "_").parent
    jobs = []
    for key in audiences:
        for fmt in fmts:
            if batch:
                path = (folder or Path(".")) / default_output(key, fmt).name
            elif args.output is not None:
                path = output_path(args.output, default_output(key, fmt).name)
            else:
                path = default_output(key, fmt)
            jobs.append((key, fmt, check_target(path)))  # a bad folder fails now, before any drawing
    service = ReadOnce(service)  # the checks and compose read the same findings and charts
    problems = audience_problems(service, audiences)
    if problems and args.strict:
        return _refuse(problems)
    if problems and not args.quiet:
        _warn(problems)
    composed: dict[str, Any] = {}
    for key, fmt, path in jobs:
        try:
            doc = composed.get(key) or composed.setdefault(key, compose(service, key, author=args.author))
        except NotFoundError:
            return _fail(f"no audience “{key}”; choose one of {', '.join(keys)}")
        result = export(doc, fmt, path, WriteOptions(), None)
        print(result.path)
        if not args.quiet:
            for warning in result.warnings:
                print(f"warning: {warning}", file=sys.stderr)
    return 0


class ReadOnce:
    """An ExportService whose reads are made once: one export command changes nothing in between."""

    def __init__(self, service: ExportService) -> None:
        self._service = service
        self._kept: dict[tuple[str, str | None], Any] = {}

    def _once(self, name: str, arg: str | None = None) -> Any:
        key = (name, arg)
        if key not in self._kept:
            method = getattr(self._service, name)
            self._kept[key] = method() if arg is None else method(arg)
        return self._kept[key]

    def get_audience(self, key: str) -> Audience:
        audience: Audience = self._once("get_audience", key)
        return audience

    def list_audiences(self) -> list[Audience]:
        return list(self._once("list_audiences"))

    def list_findings(self) -> list[Finding]:
        return list(self._once("list_findings"))

    def count_findings(self) -> int:
        return int(self._once("count_findings"))

    def list_charts(self, audience: str | None = None) -> list[ChartSpec]:
        return list(self._once("list_charts", audience))

    def report(self) -> dict[str, Any]:
        return dict(self._once("report"))

    def __getattr__(self, name: str) -> Any:
        # What compose asks only of a service that has it (edition_changes), unkept.
        return getattr(self._service, name)


def audience_problems(service: ExportService, audiences: list[str]) -> dict[str, list[Any]]:
    """The evidence checks that concern each audience's briefing (its findings, charts and
    template), by audience key; audiences whose briefing checks clean are left out."""
    from briefing.checks import Library
    from briefing.checks.audience import check_briefings
    from briefing.compose.scope import briefing_contents

    findings = service.list_findings()
    by_key = {a.key: a for a in service.list_audiences()}
    library = Library(findings=findings, charts=service.list_charts(), audiences=list(by_key.values()))
    found = check_briefings(library, {key: briefing_contents(by_key[key], findings) for key in audiences})
    return {key: problems for key, problems in found.items() if problems}


def _count(problems: dict[str, list[Any]]) -> str:
    n = sum(len(found) for found in problems.values())
    noun = "problem" if n == 1 else "problems"
    if len(problems) == 1:
        return f"{n} {noun} in the {next(iter(problems))} briefing"
    where = ", ".join(f"{key} ({len(found)})" for key, found in problems.items())
    return f"{n} {noun} in the briefings for {where}"


def _warn(problems: dict[str, list[Any]]) -> None:
    for found in problems.values():
        for p in found:
            print(f"warning: {p.line()}", file=sys.stderr)
    print(f"warning: {_count(problems)}; exported anyway (--strict refuses; `briefing check` "
          "lists the whole library)", file=sys.stderr)


def _refuse(problems: dict[str, list[Any]]) -> int:
    for found in problems.values():
        for p in found:
            print(f"briefing export: {p.line()}", file=sys.stderr)
    print(f"briefing export: --strict: {_count(problems)}; nothing was written", file=sys.stderr)
    return 1


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def cmd_audiences_list(args: argparse.Namespace, service: ExportService) -> int:
    audiences = service.list_audiences()
    width = max((len(a.key) for a in audiences), default=0)
    for a in audiences:
        print(f"{a.key:<{width}}  {a.name}")
    return 0


def _fail(message: str) -> int:
    print(f"briefing export: {message}", file=sys.stderr)
    return 2


__all__: Sequence[str] = ("add_parser", "cmd_audiences_list", "cmd_export", "default_output")
