"""The command line: one argparse tree over the services; every error is one line, never a traceback."""

from __future__ import annotations

import os
import sys

from briefing import __version__

# Every command imports briefing.cli.client first, and with it this package: keep its import light.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="briefing",
        description="Briefing: keep a report's findings, export audience briefings and slide-ready charts. "
        "Run with no arguments (or with only --db PATH) to open the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="database file or SQLAlchemy URL (default: $BRIEFING_DB, else the user data folder)",
    )
    parser.add_argument(
        "--report",
        metavar="KEY",
        help="the report to work on (default: the only one, else the last one used); "
        "see `briefing reports list`",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from briefing.cli import db as db_cmd, findings, reports, server, sources

    reports.add_parser(sub)
    findings.add_parser(sub)
    sources.add_parser(sub)
    db_cmd.add_parser(sub)
    server.add_parser(sub)
    for module in ("briefing.cli.charts", "briefing.cli.export", "briefing.cli.check"):
        try:
            mod = __import__(module, fromlist=["add_parser"])
        except ImportError:
            continue
        mod.add_parser(sub)
    return parser


_GLOBAL = ("--db", "--report")


def _hoist_db(argv: list[str]) -> list[str]:
    """Accept `--db PATH` and `--report KEY` anywhere on the line, as users type them, not only
    before the command."""
    out: list[str] = []
    front: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in _GLOBAL and i + 1 < len(argv):
            front += [arg, argv[i + 1]]
            i += 2
            continue
        if arg.startswith(tuple(f"{g}=" for g in _GLOBAL)):
            front.append(arg)
        else:
            out.append(arg)
        i += 1
    return front + out


def main(argv: list[str] | None = None, *, parser: argparse.ArgumentParser | None = None) -> int:
    """Run one command. `parser` lets a caller that runs many (briefing.cli.serve) build the tree once."""
    from briefing.domain.errors import BriefingError

    parser = parser or build_parser()
    args = parser.parse_args(_hoist_db(list(sys.argv[1:] if argv is None else argv)))
    if args.command is None:
        parser.print_help()
        return 0
    func: Callable[..., int] | None = getattr(args, "func", None)
    if func is None:
        parser.parse_args([args.command, "--help"])
        return 2
    service = None
    try:
        if getattr(args, "needs_service", True):
            from briefing.services import open_service

            service = open_service(args.db)
            if args.report is not None:  # refused with the valid keys listed; remembered as the last used
                service.use_report(args.report)
        return func(args, service)
    except BriefingError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI promises one line, never a traceback
        if os.environ.get("BRIEFING_DEBUG"):
            raise
        print(f"briefing: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if service is not None:
            service.close()


def confirm(question: str, assume_yes: bool) -> bool:
    if assume_yes:
        return True
    if not sys.stdin or not sys.stdin.isatty():
        print(f"briefing: {question} Refusing without --yes (no terminal to ask).", file=sys.stderr)
        return False
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in ("y", "yes")
