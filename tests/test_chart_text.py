"""A U+FEFF or other invisible format character in a chart's text (issue 13, item 6)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.domain.text import clean_text

BOM = "\ufeff"


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRIEFING_SERVER": "off", "BRIEFING_DB": str(db)}
    env.pop("BRIEFING_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "briefing", *args], check=False, capture_output=True, text=True,
                          env=env, timeout=600)


@pytest.mark.parametrize("invisible", ["\ufeff", "\u200b", "\u2060", "\u2063", "\u180e", "\ufff9"])
def test_clean_text_drops_invisible_format_characters(invisible: str) -> None:
    assert clean_text(f"{invisible}China{invisible}’s tokens{invisible}", "title") == "China’s tokens"
    assert clean_text(f"a{invisible}\nb", "statement", multiline=True) == "a\nb"


def test_clean_text_keeps_the_format_characters_that_mean_something() -> None:
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"  # ZWJ joins an emoji sequence
    persian = "می\u200cخواهم"  # ZWNJ is part of Persian spelling
    assert clean_text(family, "title") == family
    assert clean_text(persian, "title") == persian
    assert clean_text("hyphen\u00adation", "statement", multiline=True) == "hyphen\u00adation"  # soft hyphen


def test_a_chart_saved_with_a_bom_is_stored_without_it(service) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    spec = service.get_chart("training-cost")
    saved = service.save_chart(dataclasses.replace(spec, title=BOM + spec.title, note=spec.note + BOM))
    assert BOM not in saved.title and BOM not in saved.note
    assert BOM not in service.get_chart("training-cost").title


def test_a_bom_already_stored_does_not_abort_the_chart_pack_or_the_briefing(seeded_db: Path, tmp_path: Path) -> None:
    # Text saved by an earlier version, before the boundary dropped it: drawing must cope too.
    con = sqlite3.connect(seeded_db)
    con.execute("UPDATE charts SET title = char(65279) || title, "
                "spec = json_set(spec, '$.title', char(65279) || json_extract(spec, '$.title'), "
                "'$.subtitle', json_extract(spec, '$.subtitle') || char(65279))")
    con.execute("UPDATE metrics SET label = char(65279) || label || char(8203), entity = entity || char(65279)")
    con.execute("UPDATE findings SET title = title || char(65279)")
    con.commit()
    charts = con.execute("select count(*) from charts").fetchone()[0]
    con.close()
    out = tmp_path / "pack"
    r = _cli(seeded_db, "charts", "render", "--audience", "full", "--format", "pdf", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "drawing failed" not in r.stderr.lower(), r.stderr
    assert len(list(out.glob("*.pdf"))) == charts
    from pypdf import PdfReader

    text = PdfReader(out / "training-cost.pdf").pages[0].extract_text()
    assert "DeepSeek" in text and BOM not in text
    r = _cli(seeded_db, "export", "--audience", "full", "--format", "pdf", "-o", str(tmp_path / "b.pdf"))
    assert r.returncode == 0, r.stderr
    assert "could not be drawn" not in r.stderr and "drawing failed" not in r.stderr.lower(), r.stderr
    r = _cli(seeded_db, "charts", "deck", "--audience", "full", "--out", str(tmp_path / "deck.pptx"))
    assert r.returncode == 0 and "drawing failed" not in r.stderr.lower(), r.stderr
