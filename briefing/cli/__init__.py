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

    from briefing.domain.errors import BriefingError
    from briefing.services import BriefingService

# Every command's module; one that fails to import fails the command line naming it (a broken
# install), instead of its subcommand silently vanishing from the tree.
COMMAND_MODULES = ("reports", "findings", "sources", "db", "server", "charts", "export", "check", "diff")


class CommandModuleError(Exception):
    """A module of the command line failed to import."""

    def __init__(self, module: str) -> None:
        self.module = module
        super().__init__(module)


def build_parser() -> argparse.ArgumentParser:
    import argparse
    import importlib

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
    for name in COMMAND_MODULES:
        module = f"briefing.cli.{name}"
        try:
            mod = importlib.import_module(module)
        except ImportError as exc:
            raise CommandModuleError(module) from exc
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

    argv = list(sys.argv[1:] if argv is None else argv)
    context = "briefing " + " ".join(argv)
    try:
        parser = parser or build_parser()
    except CommandModuleError as exc:
        from briefing.errorlog import record

        log = record(exc, context)
        where = f"; details in {log}" if log else ""
        print(f"briefing: the command module {exc.module} failed to import; reinstall Briefing "
              f"(./scripts/setup){where}", file=sys.stderr)
        return 1
    args = parser.parse_args(_hoist_db(argv))
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

            service = open_service(args.db, lasting=True)
            if args.report is not None:  # refused with the valid keys listed; remembered as the last used
                service.use_report(args.report)
        code = func(args, service)
        sys.stdout.flush()  # here, so a closed pipe is met inside this try, not at exit
        return code
    except BriefingError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `briefing findings list | head`: the reader has all it wants. Point stdout at /dev/null so
        # the interpreter's last flush does not complain either; 141 is a shell's "killed by SIGPIPE".
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 141
    except Exception as exc:  # the CLI promises one or two lines, never a traceback
        if os.environ.get("BRIEFING_DEBUG"):
            raise
        problem = _storage_problem(exc, args.db, service)
        if problem is not None:
            print(f"briefing: {problem}", file=sys.stderr)
            return 2
        from briefing.errorlog import unexpected_message

        for line in unexpected_message(exc, context).splitlines():
            print(f"briefing: {line}", file=sys.stderr)
        return 1
    finally:
        if service is not None:
            service.close()


def _storage_problem(exc: Exception, db: str | None, service: BriefingService | None) -> BriefingError | None:
    """A database failure met after opening (a write to a read-only file, a lock held too long)."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return None
    from briefing.store.engine import resolve_url
    from briefing.store.problems import explain

    url = service.db.url if service is not None else resolve_url(db)
    return explain(exc, url)


def confirm(question: str, assume_yes: bool) -> bool:
    if assume_yes:
        return True
    if not sys.stdin or not sys.stdin.isatty():
        print(f"briefing: {question} Refusing without --yes (no terminal to ask).", file=sys.stderr)
        return False
    import select

    # Not input(): it discards an error raised while flushing its prompt, KeyboardInterrupt included, so a
    # Ctrl+C landing while the question was being written was lost and the command waited for an answer.
    print(f"{question} [y/N] ", end="", flush=True)
    while not select.select([sys.stdin], [], [], 0.5)[0]:
        pass  # a Ctrl+C landing just before the wait still stops the command (within half a second)
    return sys.stdin.readline().strip().lower() in ("y", "yes")  # "" at end of input: no
