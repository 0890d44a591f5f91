"""A second report of a different shape (data/examples/harbor-water: other subject, three sections,
two audiences, three charts) lives beside the seed report in one database, and both export every
audience through the same code; the second report's outputs carry none of the seed's headings,
section titles, audience names or report title."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as WordDocument
from pptx import Presentation
from pypdf import PdfReader

from briefing.cli import main
from briefing.paths import SEED_DATA
from briefing.services.seeding import seed_database
from briefing.store.seed import load_report, load_seed

EXAMPLE = SEED_DATA / "examples" / "harbor-water"


@pytest.fixture
def library(service):  # type: ignore[no-untyped-def]
    seed_database(service, root=EXAMPLE)
    return service


def _seed_words() -> list[str]:
    seed = load_seed()
    return ([s["title"] for s in seed["report"]["sections"]] + [seed["report"]["title"]]
            + [a["name"] for a in seed["audiences"]])


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _docx_text(path: Path) -> str:
    doc = WordDocument(str(path))
    return "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        cell.text for table in doc.tables for row in table.rows for cell in row.cells)


def test_the_second_report_has_its_own_shape(library) -> None:  # type: ignore[no-untyped-def]
    seed_key = library.get_report().key
    library.use_report(load_report(EXAMPLE)["key"])
    assert len(library.list_findings()) >= 12
    assert [s.key for s in library.sections()] == ["supply", "quality", "finances"]
    assert [a.key for a in library.list_audiences()] == ["board", "residents"]
    assert len(library.list_charts()) == 3
    assert {s.key for s in library.sections()}.isdisjoint(s.key for s in library.get_report(seed_key).sections)
    library.use_report(seed_key)
    assert library.count_findings() == 103


def test_both_reports_export_every_audience_and_the_second_carries_nothing_of_the_seed(
        library, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    db = str(library.db.url.database)
    example = load_report(EXAMPLE)
    for report in (example["key"], library.get_report().key):
        out = tmp_path / report
        out.mkdir()
        code = main(["--db", db, "--report", report, "export", "--audience", "all", "--format", "pdf,docx,md",
                     "--output", str(out), "--quiet"])
        assert code == 0, capsys.readouterr().err
    example_dir = tmp_path / example["key"]
    for audience in ("board", "residents"):
        [pdf] = example_dir.glob(f"briefing-{audience}-*.pdf")
        [docx] = example_dir.glob(f"briefing-{audience}-*.docx")
        [md] = example_dir.glob(f"briefing-{audience}-*.md")
        texts = {"pdf": _pdf_text(pdf), "docx": _docx_text(docx), "md": md.read_text(encoding="utf-8")}
        for fmt, text in texts.items():
            assert "Where the Water Comes From" in text or "Your Bill" in text, fmt
            assert "What Comes Out of the Tap" in text, fmt
            leaked = [w for w in _seed_words() if w in text]
            assert leaked == [], (audience, fmt, leaked)
    board = _pdf_text(next(example_dir.glob("briefing-board-*.pdf")))
    assert "FIGURES FOR THE BOARD" in board.upper() and "61 million" in board
    seed_dir = tmp_path / library.get_report().key
    assert len(list(seed_dir.glob("*.pdf"))) == len(list(seed_dir.glob("*.docx"))) == 4

    deck = tmp_path / "board.pptx"
    code = main(["--db", db, "--report", example["key"], "charts", "deck", "--audience", "board", "--out", str(deck)])
    assert code == 0, capsys.readouterr().err
    slides = Presentation(str(deck)).slides
    text = "\n".join(shape.text_frame.text for slide in slides for shape in slide.shapes if shape.has_text_frame)
    assert len(slides) == 4 and "The old port district still leaks the most" in text
    assert [w for w in _seed_words() if w in text] == []
