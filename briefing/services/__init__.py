"""The services front ends call: open a database (migrated, seeded when empty) and work on it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from briefing.domain.errors import BriefingError, StorageError
from briefing.services.service import BriefingService, ImportSummary

if TYPE_CHECKING:
    from sqlalchemy.engine import URL


def open_service(db: URL | str | os.PathLike[str] | None = None, *, seed: bool = True,
                 lasting: bool = False) -> BriefingService:
    """Opens (creating and migrating as needed) the database; the first open of an empty one seeds it.

    A database that cannot be used (damaged, from a newer Briefing, read-only and in need of a
    migration; in memory when `lasting`, as for a command) raises `StorageError` naming the file;
    the library's error is its cause."""
    from briefing.services.seeding import seed_database
    from briefing.store.engine import Database
    from briefing.store.problems import explain
    from briefing.store.seed import needs_seed

    url = database_url(db)
    if lasting and url.get_backend_name() == "sqlite" and (url.database or ":memory:") == ":memory:":
        # Every command, and the app's export process, would each see a different empty database.
        raise StorageError(f"“{url.render_as_string()}” is a database in memory that vanishes when Briefing "
                           "stops; give a file path with --db or BRIEFING_DB")
    database = None
    try:
        database = Database(url)
        service = BriefingService(database)
        if seed and needs_seed(database):
            seed_database(service)
    except BriefingError:
        if database is not None:
            database.dispose()
        raise
    except Exception as exc:
        if database is not None:
            database.dispose()
        problem = explain(exc, url)
        if problem is None:
            raise
        raise problem from exc
    return service


def database_url(db: URL | str | os.PathLike[str] | None = None) -> URL:
    """Where the database is (`--db`, else BRIEFING_DB, else the user data folder, made if missing);
    a data folder that cannot be made is a `StorageError` naming it."""
    from briefing.store.engine import resolve_url

    try:
        return resolve_url(db)
    except OSError as exc:
        where = exc.filename or "the user data folder"
        raise StorageError(f"cannot create the data folder {where} ({(exc.strerror or 'error').lower()}); "
                           "choose a database with --db or BRIEFING_DB") from exc


def copy_library(source: URL | str | os.PathLike[str],
                 target: URL | str | os.PathLike[str]) -> tuple[dict[str, int], str]:
    """Copies a whole library (`briefing db copy`) into an empty database, all or nothing, verified
    by counts and content hashes: (rows per table, one hash over all). Both are migrated first."""
    from briefing.store.copy import copy_database
    from briefing.store.engine import Database

    src = Database(database_url(source))
    try:
        dst = Database(database_url(target))
        try:
            report = copy_database(src, dst)
        finally:
            dst.dispose()
    finally:
        src.dispose()
    return report.counts, report.digest


def team_url(host: str, port: int, database: str, user: str) -> str:
    """A PostgreSQL URL from the Connect dialog's fields, never with a password; a field that
    cannot make one is a `ValidationError` naming it."""
    from sqlalchemy.engine import URL

    from briefing.domain.errors import FieldError, ValidationError

    problems = [FieldError(name, f"the {label} is needed") for name, label, value in
                (("host", "server", host), ("database", "database name", database), ("user", "user name", user))
                if not value.strip()]
    if problems:
        raise ValidationError(problems)
    return URL.create("postgresql+psycopg", username=user.strip(), host=host.strip(), port=port,
                      database=database.strip()).render_as_string(hide_password=False)


def split_password(url: str) -> tuple[str, str]:
    """(the URL without its password, the password or ""): what may be stored, and what may not."""
    from sqlalchemy.engine import make_url

    from briefing.domain.errors import FieldError, ValidationError

    try:
        parsed = make_url(url.strip())
    except Exception as exc:  # SQLAlchemy's ArgumentError and ValueError alike
        raise ValidationError(FieldError("url", "not a database URL (postgresql+psycopg://user@host:port/"
                                                "database)")) from exc
    password = str(parsed.password or "")
    return parsed.set(password=None).render_as_string(hide_password=False), password


def with_password(url: str, password: str) -> str:
    """The URL to connect with (kept in memory only)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=password or None).render_as_string(hide_password=False)


def check_database(url: str) -> None:
    """Connects once and disconnects: a refusal (wrong password, server down, no such database) is
    a one-line `DatabaseError` naming the server, never the password."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from briefing.domain.errors import DatabaseError
    from briefing.store.engine import Database, describe, failure_reason
    from briefing.store.problems import explain

    target = database_url(url)
    database = None
    try:
        database = Database(target, migrate=False)  # a test, not an open: nothing is migrated
        with database.connection() as conn:
            conn.execute(text("SELECT 1"))
    except BriefingError:
        raise
    except DBAPIError as exc:
        # Refused before any schema is read (a wrong password, say): the server's one line, scrubbed.
        raise DatabaseError(describe(target), failure_reason(target, exc)) from None
    except Exception as exc:
        problem = explain(exc, target)
        if problem is None:
            raise
        raise problem from exc
    finally:
        if database is not None:
            database.dispose()


__all__ = ["BriefingService", "ImportSummary", "check_database", "copy_library", "database_url", "open_service",
           "split_password", "team_url", "with_password"]
