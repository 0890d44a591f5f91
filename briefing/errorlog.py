"""The error log: the full trace of a failure goes to a file under the user's state folder, while the
user reads one or two lines that name the file (the one error policy of the CLI and the app)."""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

LOG_NAME = "briefing.log"
# One rotation keeps the log bounded: a user sends the file with a report, not a history.
MAX_BYTES = 1_000_000


def log_path() -> Path:
    """`$XDG_STATE_HOME/Briefing/log/briefing.log` on Linux (platformdirs' user log folder)."""
    from platformdirs import user_log_path

    from briefing.paths import APP_AUTHOR, APP_NAME

    return user_log_path(APP_NAME, APP_AUTHOR) / LOG_NAME


def record(exc: BaseException, context: str) -> Path | None:
    """Appends `context` and the trace of `exc` to the log; the log's path, or None if it cannot be written."""
    try:
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_BYTES:
            os.replace(path, path.with_name(LOG_NAME + ".1"))
        trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        stamp = time.strftime("%Y-%m-%d %H:%M:%S %z")
        with open(path, "a", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(f"---- {stamp} pid {os.getpid()} python {sys.version.split()[0]}\n{context}\n{trace}\n")
        return path
    except Exception:  # noqa: BLE001 - failing to log must never hide the error being reported
        return None


def unexpected_message(exc: BaseException, context: str) -> str:
    """Two lines for a failure nobody planned for: what happened (the exception's kind only, never
    its text, which may hold SQL or user data) and where the details are."""
    path = record(exc, context)
    first = f"an unexpected internal error ({type(exc).__name__}) stopped this; it is a defect in Briefing."
    if path is None:
        return first + "\nthe details could not be logged; run again with BRIEFING_DEBUG=1 to see them."
    return first + f"\nthe details are in {path}; please send that file with a report."
