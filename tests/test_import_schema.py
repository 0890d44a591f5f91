"""Import files are checked against one schema (JSON paths in every message), CSV cells are safe to open
in a spreadsheet, and `--dry-run` shows what an import would change without writing."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from briefing.domain.errors import ValidationError
from briefing.domain.model import FindingDraft
from briefing.services import open_service

FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3 is cheap", "@SUM(A1:A2)", "'=already quoted", "''=twice"]


def test_csv_export_neutralises_formulas_and_import_restores_them(empty_service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for i, text in enumerate(FORMULAS):
        empty_service.create_finding(FindingDraft(title=text, statement=text + " statement", section="cost",
                                                  slug=f"f{i}"))
    path = tmp_path / "out.csv"
    empty_service.export_findings(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    for row in rows:
        for column, cell in row.items():
            assert not cell[:1] in ("=", "+", "-", "@", "\t", "\r"), (column, cell)
    assert rows[0]["title"] == "'=cmd|' /C calc'!A0"
    # Our own CSV comes back with the original text, including text that began with an apostrophe.
    other = open_service(tmp_path / "other.sqlite3", seed=False)
    try:
        other.import_findings(path)
        assert [f.title for f in other.list_findings()] == FORMULAS
        assert [f.statement for f in other.list_findings()] == [t + " statement" for t in FORMULAS]
    finally:
        other.close()
