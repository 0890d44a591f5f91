"""The CLI end to end, in a subprocess on a temporary database: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def run(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRIEFING_DB": str(db)}
    env.pop("BRIEFING_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args], capture_output=True, text=True, env=env, input=stdin,
        timeout=120,
    )


def test_first_run_seeds_and_lists_the_chips_section(seeded_db: Path) -> None:
    r = run(seeded_db, "findings", "list", "--section", "chips")
    assert r.returncode == 0, r.stderr
    assert "Ascend" in r.stdout and "600,000 chips" in r.stdout


def test_a_fresh_database_is_created_and_seeded(tmp_path: Path) -> None:
    db = tmp_path / "new" / "fresh.sqlite3"
    r = run(db, "db", "path")
    assert r.returncode == 0 and r.stdout.strip() == str(db)
    r = run(db, "findings", "list", "--json")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) > 50 and db.exists()


def test_show_the_openrouter_finding(seeded_db: Path) -> None:
    r = run(seeded_db, "findings", "list", "--search", "OpenRouter week", "--json")
    slug = next(f["slug"] for f in json.loads(r.stdout)
                if any(m["series"] == "openrouter-weekly-tokens" for m in f["metrics"]))
    r = run(seeded_db, "findings", "show", slug)
    assert r.returncode == 0, r.stderr
    assert "5.16 trillion tokens" in r.stdout and "2.7 trillion tokens" in r.stdout
    assert "OpenRouter" in r.stdout.split("Sources:")[1]


def test_add_edit_delete(seeded_db: Path) -> None:
    r = run(seeded_db, "findings", "add", "--title", "CLI finding", "--statement", "Said on the CLI.",
            "--section", "cost", "--kind", "estimate", "--source", "rand-2026",
            "--metric", "label=Price;value=$0.028;entity=DeepSeek")
    if r.returncode != 0 and "rand-2026" in r.stderr:
        key = sqlite3.connect(seeded_db).execute("select key from sources where publisher like 'RAND%'").fetchone()[0]
        r = run(seeded_db, "findings", "add", "--title", "CLI finding", "--statement", "Said on the CLI.",
                "--section", "cost", "--kind", "estimate", "--source", key,
                "--metric", "label=Price;value=$0.028;entity=DeepSeek")
    assert r.returncode == 0, r.stderr
    row = sqlite3.connect(seeded_db).execute(
        "select m.value, m.unit from metrics m join findings f on f.id=m.finding_id where f.slug='cli-finding'"
    ).fetchone()
    assert row == ("0.028", "USD")
    r = run(seeded_db, "findings", "edit", "cli-finding", "--title", "CLI finding, edited", "--wording", "asia=Hi Asia")
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(seeded_db)
    assert con.execute("select title, version from findings where slug='cli-finding'").fetchone() == (
        "CLI finding, edited", 2)
    assert con.execute("select text from wordings where audience_key='asia' and finding_id="
                       "(select id from findings where slug='cli-finding')").fetchone() == ("Hi Asia",)
    r = run(seeded_db, "findings", "delete", "cli-finding")
    assert r.returncode != 0 and "--yes" in r.stderr  # no terminal to ask: refuses
    r = run(seeded_db, "findings", "delete", "cli-finding", "--yes")
    assert r.returncode == 0
    count = "select count(*) from findings where slug='cli-finding'"
    assert sqlite3.connect(seeded_db).execute(count).fetchone() == (0,)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("findings", "add", "--title", "x", "--statement", "y", "--section", "cost", "--metric", "label=a;value=nan"),
         "metrics.0.value"),
        (("findings", "show", "no-such-finding"), "No finding"),
        (("findings", "edit", "1", "--as-of", "March"), "as_of"),
        (("findings", "import", "/nonexistent/file.json"), "does not exist"),
        (("findings", "add", "--title", "x"), "statement"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(seeded_db: Path, args: tuple[str, ...], needle: str) -> None:
    r = run(seeded_db, *args)
    assert r.returncode != 0
    assert needle in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_export_import_and_backup(seeded_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    assert run(seeded_db, "findings", "export", str(out)).returncode == 0
    other = tmp_path / "other.sqlite3"
    # A reset without --seed also drops the audiences the export's wordings name (and stays empty:
    # issue 13), so the import goes into a freshly seeded database, where it updates every finding.
    assert run(other, "db", "path").returncode == 0
    r = run(other, "findings", "import", str(out))
    assert r.returncode == 0, r.stderr
    n = sqlite3.connect(seeded_db).execute("select count(*) from findings").fetchone()[0]
    assert sqlite3.connect(other).execute("select count(*) from findings").fetchone()[0] == n
    backup = tmp_path / "b.sqlite3"
    assert run(seeded_db, "db", "backup", str(backup)).returncode == 0
    assert sqlite3.connect(backup).execute("select count(*) from findings").fetchone()[0] == n


def test_reset_seed_restores_after_asking(seeded_db: Path) -> None:
    con = sqlite3.connect(seeded_db)
    n = con.execute("select count(*) from findings").fetchone()[0]
    slug = con.execute("select slug from findings where id=1").fetchone()[0]
    con.close()
    assert run(seeded_db, "findings", "delete", "1", "--yes").returncode == 0
    assert run(seeded_db, "db", "reset", "--seed").returncode != 0  # refuses without a terminal
    con = sqlite3.connect(seeded_db)
    assert con.execute("select count(*) from findings").fetchone()[0] == n - 1  # the refusal changed nothing
    con.close()
    r = run(seeded_db, "db", "reset", "--seed", "--yes")
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(seeded_db)
    assert con.execute("select count(*) from findings").fetchone()[0] == n
    assert con.execute("select count(*) from findings where slug=?", (slug,)).fetchone() == (1,)
    assert f"{n} finding(s) now" in r.stdout


def test_charts_new_edit_show_delete_from_a_script(seeded_db: Path, tmp_path: Path) -> None:
    import json

    from pptx import Presentation
    from pypdf import PdfReader

    a, b = "over-90pct-chinese-enterprises-use-open-source#0", "a16z-80pct-us-startups-use-chinese-base-models#0"
    # One share as a timeline: refused in one line, naming the field, and nothing saved.
    r = run(seeded_db, "charts", "new", "--title", "One share", "--kind", "timeline",
            "--metric", "openrouter-chinese-models-61pct-of-top-ten#0")
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert r.stderr.startswith("briefing charts: kind: a timeline chart does not fit this data")
    assert run(seeded_db, "charts", "show", "one-share").returncode == 2

    # No kind given: the first that fits (two shares of one unit: a bar).
    r = run(seeded_db, "charts", "new", "--title", "Open models in use", "--metric", a, "--metric", b,
            "--subtitle", "Share of organisations", "--note", "Survey answers.", "--highlight", "US startups",
            "--labels", "entity")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[:2] == ["open-models-in-use", "bar"]
    r = run(seeded_db, "charts", "edit", "open-models-in-use", "--kind", "share", "--size", "4:3",
            "--number-format", "percent")
    assert r.returncode == 0, r.stderr
    shown = json.loads(run(seeded_db, "charts", "show", "open-models-in-use").stdout)
    assert shown["kind"] == "share" and shown["size"] == "4:3" and shown["subtitle"] == "Share of organisations"
    assert shown["options"] == {"highlight": "US startups", "category": "entity"}
    assert "line" in shown["does_not_fit"] and "bar" in shown["fits"]  # two values, no series of two
    r = run(seeded_db, "charts", "edit", "open-models-in-use", "--kind", "line")
    assert r.returncode == 2 and "kind: a line chart does not fit" in r.stderr

    out = tmp_path / "out"
    for fmt in ("png", "pdf"):
        r = run(seeded_db, "charts", "render", "--chart", "open-models-in-use", "--format", fmt, "--out", str(out))
        assert r.returncode == 0, r.stderr
    assert (out / "open-models-in-use.png").read_bytes().startswith(b"\x89PNG")
    text = PdfReader(out / "open-models-in-use.pdf").pages[0].extract_text()
    assert "Open models in use" in text and "US startups" in text
    r = run(seeded_db, "charts", "deck", "--chart", "open-models-in-use", "--out", str(tmp_path / "d.pptx"))
    assert r.returncode == 0, r.stderr
    slides = Presentation(str(tmp_path / "d.pptx")).slides
    assert len(slides) == 2 and slides[0].slide_layout.name == "Title Slide"  # the cover, then the chart
    assert any(s.has_chart for s in slides[1].shapes)

    r = run(seeded_db, "charts", "delete", "open-models-in-use")
    assert r.returncode == 0 and run(seeded_db, "charts", "show", "open-models-in-use").returncode == 2
