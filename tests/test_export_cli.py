"""`briefing export` and `briefing audiences list`, in process over a seeded database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from briefing.cli import main
from briefing.cli.export import default_output


@pytest.fixture
def db(seeded_db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return seeded_db


def test_audiences_list(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db), "audiences", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == ["full", "asia", "west", "investors"]
    assert "Investors and operators" in out[-1]


def test_export_markdown_to_the_default_name(db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--db", str(db), "export", "--audience", "west", "--format", "md", "--author", "Me"]) == 0
    captured = capsys.readouterr()
    path = Path(captured.out.strip())
    assert path.name == f"briefing-west-{date.today().isoformat()}.md" and path.exists()
    assert "warning: Markdown cannot hold charts" in captured.err
    assert "**Author:** Me" in path.read_text(encoding="utf-8")


def test_unknown_audience_and_format(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db), "export", "--audience", "martians", "--format", "pdf"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "martians" in err and "full, asia, west, investors" in err
    assert main(["--db", str(db), "export", "--audience", "asia", "--format", "odt"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "odt" in err and "pdf, docx, md" in err


def test_missing_folder(db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "nope" / "b.pdf"
    assert main(["--db", str(db), "export", "--audience", "asia", "--output", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(target.parent) in err


def test_default_output_name() -> None:
    assert default_output("asia", "docx", date(2026, 4, 20)) == Path("briefing-asia-2026-04-20.docx")


def test_a_batch_writes_every_audience_in_every_format(db: Path, capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    out = tmp_path / "pack"
    out.mkdir()
    assert main(["--db", str(db), "export", "--audience", "all", "--format", "md,pdf", "--output", str(out), "-q"]) == 0
    written = sorted(p.name for p in out.iterdir())
    today = date.today().isoformat()
    assert written == sorted(f"briefing-{a}-{today}.{ext}" for a in ("full", "asia", "west", "investors")
                             for ext in ("md", "pdf"))
    assert capsys.readouterr().out.count("\n") == 8
    asia = (out / f"briefing-asia-{today}.md").read_text(encoding="utf-8")
    assert "Asia" in asia


def test_a_batch_needs_a_folder_and_valid_names(db: Path, capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    assert main(["--db", str(db), "export", "--audience", "asia,west", "--format", "md",
                 "--output", str(tmp_path / "x.md")]) == 2
    assert "must be an existing folder" in capsys.readouterr().err
    assert main(["--db", str(db), "export", "--audience", "asia,mars", "--format", "md",
                 "--output", str(tmp_path)]) == 2
    assert "mars" in capsys.readouterr().err
    assert not any(tmp_path.glob("briefing-*"))
