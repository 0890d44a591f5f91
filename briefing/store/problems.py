"""What a database failure means to a user: library errors (SQLite, SQLAlchemy, Alembic, the OS)
turned into a `StorageError` that names the file and says what to do, never the library's text."""

from __future__ import annotations

import re

from sqlalchemy.engine import URL

from briefing.domain.errors import StorageError


def describe(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return url.database or "the in-memory database"
    return url.render_as_string(hide_password=True)


def explain(exc: BaseException, url: URL) -> StorageError | None:
    """The user's reading of `exc` met while using the database at `url`; None when it is not a
    storage problem (a defect, logged as one)."""
    where = describe(url)
    text = str(getattr(exc, "orig", None) or exc)
    low = text.lower()
    future = re.search(r"can't locate revision identified by '([^']*)'", text, re.IGNORECASE)
    if future:
        return StorageError(
            f"{where} was written by a newer version of Briefing (schema {future[1]}); "
            "update Briefing to open it, or choose another database with --db"
        )
    if "file is not a database" in low or "malformed" in low:
        return StorageError(
            f"{where} is not a Briefing database or is damaged; restore it from a backup "
            "(`briefing db backup` makes one) or choose another file with --db"
        )
    if "readonly" in low or "read-only" in low:
        return StorageError(
            f"{where} is read-only (the file or its folder is not writable); change its permissions "
            "or work on a copy (`briefing db backup COPY`)"
        )
    if "database is locked" in low or "database is busy" in low:
        return StorageError(f"{where} is busy: another program holds its write lock; try again when it is done")
    if "disk is full" in low or "disk full" in low:
        return StorageError(f"the disk holding {where} is full; free some space and try again")
    if "unable to open database file" in low or "disk i/o error" in low:
        return StorageError(
            f"cannot open {where}: check that its folder exists and that you may read and write there"
        )
    if isinstance(exc, PermissionError):
        return StorageError(f"cannot use {where}: permission denied on {exc.filename or 'its folder'}")
    if isinstance(exc, OSError) and exc.strerror:
        return StorageError(f"cannot use {where}: {exc.strerror.lower()} ({exc.filename or 'its folder'})")
    return None
