"""What an editor's read of every page of every audience found, each kept from coming back.

Tables: a short table is never split so that a row or two sits alone overleaf under a repeated
header (Asia's "Cost per query in numbers" left its last row on the next page).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.compose import compose
from briefing.document import Document, Table
from briefing.writers import WriteOptions, write
from briefing.writers.placeholder import placeholder_chart

AUDIENCES = ("full", "asia", "west", "investors")
OPTIONS = WriteOptions(render_chart=placeholder_chart)


@pytest.fixture(scope="module")
def docs(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Document]]:
    from briefing.services import open_service

    path = tmp_path_factory.mktemp("page-read") / "briefing.sqlite3"
    shutil.copyfile(seeded_template, path)
    svc = open_service(path)
    yield {key: compose(svc, key, author="A. Consultant", today=date(2026, 4, 20)) for key in AUDIENCES}
    svc.close()


def squash(text: str) -> str:
    return " ".join(text.split())


def tables(doc: Document) -> list[Table]:
    return [b for s in doc.sections for b in s.blocks if isinstance(b, Table)]


def rows_overleaf(pages: list[str], table: Table) -> list[str]:
    """The rows whose label is not on the page that prints the table's caption (a label's first
    three words, which a cell never wraps apart)."""
    [at] = [i for i, text in enumerate(pages) if f"Table {table.number}:" in text]
    return [row[0].plain for row in table.rows if " ".join(row[0].plain.split()[:3]) not in pages[at]]


@pytest.mark.parametrize("key", AUDIENCES)
def test_a_short_table_sits_whole_on_one_page(docs: dict[str, Document], key: str) -> None:
    doc = docs[key]
    reader = PdfReader(io.BytesIO(write(doc, "pdf", OPTIONS).data))
    pages = [squash(p.extract_text()) for p in reader.pages]
    short = [t for t in tables(doc) if len(t.rows) <= 8]
    assert short, "the seed's audiences each carry a short table"
    for t in short:
        assert rows_overleaf(pages, t) == [], t.caption
