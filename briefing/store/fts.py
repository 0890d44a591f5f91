"""Keeps the FTS5 index in step with findings, and turns a user's query into a safe MATCH expression."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

_TOKEN = re.compile(r"\w+", re.UNICODE)


def index_finding(session: Session, finding_id: int, title: str, statement: str, tags: list[str]) -> None:
    session.execute(text("DELETE FROM findings_fts WHERE rowid = :id"), {"id": finding_id})
    session.execute(
        text("INSERT INTO findings_fts(rowid, title, statement, tags) VALUES (:id, :t, :s, :g)"),
        {"id": finding_id, "t": title, "s": statement, "g": " ".join(tags)},
    )


def unindex_finding(session: Session, finding_id: int) -> None:
    session.execute(text("DELETE FROM findings_fts WHERE rowid = :id"), {"id": finding_id})


def match_expression(query: str) -> str | None:
    """Every word must match, each as a prefix; user text never reaches FTS syntax unquoted."""
    words = _TOKEN.findall(query)
    if not words:
        return None
    return " AND ".join('"' + w.replace('"', '""') + '"*' for w in words)
