"""What an editor's read of every page of every audience found, each kept from coming back.

Tables: a short table is never split so that a row or two sits alone overleaf under a repeated
header (Asia's "Cost per query in numbers" left its last row on the next page).
"""

from __future__ import annotations

import io
import itertools
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from briefing.compose import compose
from briefing.document import Document, Table
from briefing.writers import WriteOptions, write
from briefing.writers.placeholder import placeholder_chart

AUDIENCES = ("full", "asia", "west", "investors")
OPTIONS = WriteOptions(render_chart=placeholder_chart)


@pytest.fixture(scope="module")
def docs(module_service: Any) -> dict[str, Document]:
    return {key: compose(module_service, key, author="A. Consultant", today=date(2026, 4, 20)) for key in AUDIENCES}


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


def test_a_key_figure_tile_names_its_period_once() -> None:
    """A tile prints its period under the label; a label ending in that period read "…, 2026 / 2026"."""
    from test_charts_support import seed_charts, seed_findings

    from briefing.charts import resolve_chart_data
    from briefing.charts.fmt import category_names, period_text
    from briefing.charts.kinds.common import labels_option

    checked = 0
    for spec in seed_charts():
        if spec.kind.value != "key_figures":
            continue
        points = list(resolve_chart_data(spec, seed_findings()).points)
        names = category_names(points, str(spec.option("category", "label")), labels_option(spec))
        for p, name in zip(points, names):
            when = period_text(p.period)
            checked += 1
            assert not (when and name.rstrip(".").endswith(when)), (spec.key, name, when)
    assert checked >= 8


def test_a_milestone_says_its_name_once() -> None:
    """"DeepSeek V4: DeepSeek V4 launched" in the PDF's timeline and the deck's table."""
    from test_charts_support import seed_charts, seed_findings

    from briefing.charts import resolve_chart_data
    from briefing.charts.shapes import items

    texts = []
    for spec in seed_charts():
        if spec.kind.value == "timeline":
            placed, _ = items(spec, list(resolve_chart_data(spec, seed_findings()).points))
            texts += [it.name + (f": {it.detail}" if it.detail else "") for it in placed]
    assert "DeepSeek V4: launched" in texts and "MiniMax: Listed on the Hong Kong Stock Exchange" in texts
    for text in texts:
        words = text.replace(":", "").split()
        pairs = list(itertools.pairwise(words))
        assert len(pairs) == len(set(pairs)), text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_short_table_sits_whole_on_one_page_in_word(docs: dict[str, Document], tmp_path: Path) -> None:
    """The same table in the .docx as LibreOffice lays it out (Asia's last row went overleaf there too)."""
    import subprocess

    doc = docs["asia"]
    src = tmp_path / "asia.docx"
    src.write_bytes(write(doc, "docx", OPTIONS).data)
    subprocess.run([shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   capture_output=True, timeout=180, check=True)
    pages = [squash(p.extract_text()) for p in PdfReader(tmp_path / "asia.pdf").pages]
    short = [t for t in tables(doc) if len(t.rows) <= 8]
    assert short
    for t in short:
        assert rows_overleaf(pages, t) == [], t.caption


@pytest.mark.parametrize("key", ["full", "asia", "west", "investors"])
def test_figure_captions_are_set_as_the_text_is(docs: dict[str, Document], key: str) -> None:
    """A caption read "China's daily AI token use…" under text that says "China’s"."""
    from briefing.document import Figure

    figures = [b for s in docs[key].sections for b in s.blocks if isinstance(b, Figure)]
    assert figures
    for fig in figures:
        assert "'" not in fig.caption + fig.subtitle and '"' not in fig.caption + fig.subtitle, fig.caption


def test_a_figures_note_is_its_own_sentence_after_the_source(docs: dict[str, Document]) -> None:
    """The source line read "…, April 2026 [1] Note: Start of 2024…"."""
    from briefing.document import Figure

    lines = [b.source for s in docs["full"].sections for b in s.blocks if isinstance(b, Figure) and "Note:" in b.source]
    assert lines
    for line in lines:
        assert "]. Note: " in line or line.startswith("Note: ") or ". Note: " in line, line
