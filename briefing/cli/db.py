"""`briefing db path|reset|backup|copy`: where the database is, restoring the seed, safe backups, and
moving a whole library between databases (SQLite <-> PostgreSQL)."""

from __future__ import annotations

import argparse

from briefing.services import BriefingService


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="database location, reset and backup")
    dsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    path = dsub.add_parser("path", help="print the database location")
    path.set_defaults(func=cmd_path, needs_service=False)
    reset = dsub.add_parser("reset", help="delete every record; with --seed restore the report's content")
    reset.add_argument("--seed", action="store_true", help="re-seed from the bundled report data")
    reset.add_argument("--yes", action="store_true", help="do not ask")
    reset.set_defaults(func=cmd_reset)
    backup = dsub.add_parser("backup", help="write a consistent copy with SQLite's backup API")
    backup.add_argument("file", help="the copy to write, or a folder (ending in /) to write "
                                     "briefing-backup-<date>.sqlite3 in")
    backup.set_defaults(func=cmd_backup)
    copy = dsub.add_parser("copy", help="copy the whole library into an empty database (SQLite or "
                           "PostgreSQL), all or nothing, verified by counts and content hashes")
    copy.add_argument("--from", dest="source", metavar="URL",
                      help="database to copy (default: --db, $BRIEFING_DB, else the user data folder)")
    copy.add_argument("--to", dest="target", metavar="URL", required=True, help="empty database to fill")
    copy.set_defaults(func=cmd_copy, needs_service=False)


def cmd_path(args: argparse.Namespace, svc: BriefingService | None) -> int:
    from briefing.services import database_url

    url = database_url(args.db)
    print(url.database if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=True))
    return 0


def cmd_reset(args: argparse.Namespace, svc: BriefingService) -> int:
    from briefing.cli import confirm

    what = "restore the seed report" if args.seed else "leave it empty"
    if not confirm(f"Delete every finding, source, audience and chart in this database and {what}?", args.yes):
        return 1
    svc.reset(seed=args.seed)
    print(f"Database reset; {svc.count_findings()} finding(s) now.")
    return 0


def cmd_backup(args: argparse.Namespace, svc: BriefingService) -> int:
    from datetime import date

    from briefing.fileio import output_path

    target = output_path(args.file, f"briefing-backup-{date.today().isoformat()}.sqlite3")
    if not target.parent.is_dir():
        from briefing.domain.errors import FieldError, ValidationError

        raise ValidationError(FieldError("file", f"folder {target.parent} does not exist"))
    svc.backup(target)
    print(f"Backed up to {target}.")
    return 0


def cmd_copy(args: argparse.Namespace, svc: BriefingService | None) -> int:
    from briefing.services import copy_library, database_url

    source = args.source or args.db
    if database_url(source) == database_url(args.target):
        from briefing.domain.errors import FieldError, ValidationError

        raise ValidationError(FieldError("to", "is the database being copied"))
    counts, digest = copy_library(source or database_url(None), args.target)
    rows = ", ".join(f"{n} {name}" for name, n in counts.items())
    print(f"Copied and verified {sum(counts.values())} rows ({rows}); content hash {digest[:16]}.")
    return 0
