"""A report's own colours (issue 14, item 5: "none of the seed report's ... colours"): stored with the
report, seeded from its report.yaml, editable on the command line, and used by every writer. The
second sample report's PDF, Word file, chart PNGs and deck carry its own colours and none of the
seed report's, read back from the files themselves."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from colour_scan import ooxml_colours, pdf_colours, png_colours

from briefing.cli import main
from briefing.domain.colours import Colours, clean_colours
from briefing.domain.errors import ValidationError
from briefing.paths import SEED_DATA
from briefing.services.seeding import seed_database
from briefing.store.seed import load_report
from briefing.theme import default_theme, report_theme

EXAMPLE = SEED_DATA / "examples" / "harbor-water"


def _colours_of(info: dict) -> set[str]:
    """A report's colours as they can reach a file: palette, accents, and the accents darkened for text.
    Black is left out: it is every document's default and no report's signature."""
    c = clean_colours(info["colours"])
    theme = report_theme(c)
    out = set(c.palette) | {v for _, v in c.accents} | {theme.text_accent(k) for k, _ in c.accents}
    return out - {"#000000"}


SEED = _colours_of(load_report())
OWN = _colours_of(load_report(EXAMPLE))


@pytest.fixture
def library(service):  # type: ignore[no-untyped-def]
    seed_database(service, root=EXAMPLE)
    return service


def test_the_two_reports_share_no_colour() -> None:
    assert SEED and OWN and SEED.isdisjoint(OWN)


def test_colours_are_stored_with_the_report(library) -> None:  # type: ignore[no-untyped-def]
    key = load_report(EXAMPLE)["key"]
    harbor = library.get_report(key)
    assert harbor.colours.accent_map == {"board": "#1F6F8B", "residents": "#8E44AD", "default": "#1F6F8B"}
    conn = sqlite3.connect(library.db.url.database)
    [stored] = conn.execute("SELECT colours FROM reports WHERE key = ?", (key,)).fetchone()
    conn.close()
    assert "#8E44AD" in stored and "#0072B2" not in stored
    # A new edition keeps them; a delete and restore brings them back.
    library.new_edition(key, key="harbor-water-2026", edition="2026")
    assert library.get_report("harbor-water-2026").colours == harbor.colours
    snapshot = library.delete_report("harbor-water-2026")
    assert library.restore_report(snapshot).colours == harbor.colours


def test_the_second_report_exports_in_its_own_colours_only(
        library, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    db = str(library.db.url.database)
    key = load_report(EXAMPLE)["key"]
    out = tmp_path / "out"
    assert main(["--db", db, "--report", key, "export", "--audience", "all", "--format", "pdf,docx",
                 "--output", f"{out}/", "--quiet"]) == 0, capsys.readouterr().err
    assert main(["--db", db, "--report", key, "charts", "render", "--out", str(out / "png")]) == 0
    assert main(["--db", db, "--report", key, "charts", "deck", "--audience", "board",
                 "--out", str(out / "board.pptx")]) == 0, capsys.readouterr().err
    found: dict[str, set[str]] = {}
    for path in sorted(out.rglob("*")):
        if path.suffix == ".pdf":
            found[path.name] = pdf_colours(path)
        elif path.suffix in (".docx", ".pptx"):
            found[path.name] = ooxml_colours(path)
        elif path.suffix == ".png":
            found[path.name] = png_colours(path)
    assert len(found) == 2 + 2 + 3 + 1
    for name, colours in found.items():
        assert colours & SEED == set(), (name, colours & SEED)
        assert colours & OWN, name
    board = found[next(n for n in found if n.startswith("briefing-board") and n.endswith(".pdf"))]
    residents = found[next(n for n in found if n.startswith("briefing-residents") and n.endswith(".pdf"))]
    assert "#1F6F8B" in board and "#8E44AD" in residents  # each audience's own accent on its cover band
    assert "#1F6F8B" in found["board.pptx"] and "#1F6F8B" in found["reservoir-draw.png"]


def test_the_seed_report_still_exports_in_its_colours(
        library, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    # The scan sees the seed's colours where they belong, so an empty intersection above means something.
    db = str(library.db.url.database)
    out = tmp_path / "seed.pdf"
    assert main(["--db", db, "export", "--audience", "asia", "--format", "pdf", "--output", str(out),
                 "--quiet"]) == 0, capsys.readouterr().err
    colours = pdf_colours(out)
    assert default_theme().text_accent("asia") in colours and colours & OWN == set()


def test_colours_are_edited_on_the_command_line_and_bad_ones_named(
        library, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    db = str(library.db.url.database)
    key = load_report(EXAMPLE)["key"]
    assert main(["--db", db, "reports", "edit", key, "--accent", "board=#2a6f4e", "--palette", "#2A6F4E,#8E44AD"]) == 0
    report = library.get_report(key)
    assert report.colours.palette == ("#2A6F4E", "#8E44AD")
    assert report.colours.accent_map["board"] == "#2A6F4E" and report.colours.accent_map["residents"] == "#8E44AD"
    capsys.readouterr()
    for args, field, words in (
            (["--accent", "board=#12"], "colours.accents.board", "is not a colour"),
            (["--palette", "#2A6F4E,teal"], "colours.palette.1", "is not a colour"),
            (["--accent", "residents=#F0E442"], "colours.accents.residents", "too light"),
            (["--accent", "board"], "colours.accents", "AUDIENCE=#RRGGBB")):
        code = main(["--db", db, "reports", "edit", key, *args])
        err = capsys.readouterr().err
        assert code != 0 and field in err and words in err, (args, err)
    assert library.get_report(key).colours == report.colours  # nothing half-saved
    assert main(["--db", db, "reports", "edit", key, "--house-colours"]) == 0
    assert not library.get_report(key).colours
    assert main(["--db", db, "reports", "new", "tide", "--title", "Tide Tables", "--section", "a=A",
                 "--accent", "standard=#2a6f4e"]) == 0
    assert library.get_report("tide").colours.accent_map == {"standard": "#2A6F4E"}


def test_clean_colours_names_every_bad_entry() -> None:
    with pytest.raises(ValidationError) as info:
        clean_colours({"palette": ["#ffffff", "nope", "#FFFFFF"], "accents": {"Bad Key": "#000000", "a": "#EEEEEE"},
                       "fonts": 1})
    fields = {e.field for e in info.value.errors}
    assert fields == {"colours", "colours.palette.1", "colours.palette.2", "colours.accents", "colours.accents.a"}
    assert clean_colours({"palette": "1f6f8b, #8e44ad"}) == Colours(("#1F6F8B", "#8E44AD"))


def test_db_copy_carries_the_colours(library, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from briefing.services import copy_library, open_service

    key = load_report(EXAMPLE)["key"]
    copy_library(library.db.url.database, tmp_path / "copy.sqlite3")
    copied = open_service(tmp_path / "copy.sqlite3")
    try:
        assert copied.get_report(key).colours == library.get_report(key).colours
        assert copied.get_report(key).colours.accent_map["residents"] == "#8E44AD"
    finally:
        copied.close()
