"""Issue 15's chart leftovers, read from the drawn output: a line over years reported on one date keeps
its years, a timeline item says its name once, a value keeps the source's qualifier ("over 100K"),
and a source known through the report says so ("cited in Digital in Asia, April 2026")."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation
from test_charts_support import finding, seed_charts, seed_findings

from briefing.charts import ChartKind, ChartSpec, MetricRef, render_chart, resolve_chart_data, write_deck
from briefing.charts.cache import cache_key
from briefing.charts.data import ChartData, point_date, source_line
from briefing.charts.fmt import year_fraction
from briefing.charts.kinds.line import _x
from briefing.charts.shapes import items
from briefing.charts.sizes import chart_size
from briefing.domain.model import Finding, Source
from briefing.domain.text import typographic
from briefing.paths import SEED_DATA
from briefing.theme import load_theme

HARBOR = SEED_DATA / "examples" / "harbor-water"
VIA_LINE = "Source: OpenRouter, 2026, cited in Digital in Asia, April 2026"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))


def svg_texts(svg: bytes) -> list[tuple[str, float, float]]:
    """Every text the SVG draws, with where it starts: matplotlib writes glyphs as paths, each text
    in a group that opens with the text as a comment and is then moved into place."""
    out = []
    body = svg.decode("utf-8")
    for m in re.finditer(r"<!-- (.*?) -->", body):
        move = re.search(r'translate\(([-\d.]+) ([-\d.]+)\)', body[m.end():m.end() + 600])
        assert move, m[1]
        out.append((m[1], float(move[1]), float(move[2])))
    return out


def _spec(key: str, root: Path = SEED_DATA) -> ChartSpec:
    return next(s for s in seed_charts(root) if s.key == key)


def _deck_texts(spec: ChartSpec, data: ChartData, path: Path) -> list[str]:
    write_deck([(spec, data)], path)
    slide = Presentation(str(path)).slides[0]
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    for shape in slide.shapes:
        if shape.has_table:
            texts += [c.text_frame.text for row in shape.table.rows for c in row.cells]
    return texts


# ---- 1. A line over years reported on one date


def test_a_line_over_years_reported_on_one_date_spreads_them_over_its_years_in_the_svg() -> None:
    """harbor-water's reservoir draw: 2021, 2023 and 2025 reported on 31 December 2025. The PNG, SVG
    and PDF drew all three at the as-of date (one x, one "2026" tick); they sit at their years, left
    to right, as on the deck's date axis."""
    spec = _spec("reservoir-draw", HARBOR)
    data = resolve_chart_data(spec, seed_findings(HARBOR))
    assert len({p.as_of for p in data.points}) == 1
    texts = svg_texts(render_chart(spec, data, fmt="svg", size="column", use_cache=False).data)
    at = {t: x for t, x, _ in texts}
    assert at["68M"] < at["65M"] < at["61M"]
    assert at["65M"] - at["68M"] > 50 and at["61M"] - at["65M"] > 50  # pt apart, not one stack
    ticks = [t for t, _, _ in texts if re.fullmatch(r"20\d\d", t)]
    assert ticks[0] == "2021" and ticks[-1] == "2025" and "2026" not in ticks
    # Each value sits over its own year's tick.
    tick_x = {t: x for t, x, _ in texts if t in ticks}
    assert tick_x["2021"] < at["68M"] < tick_x["2022"] < at["65M"] < tick_x["2024"] < at["61M"]


def test_the_line_and_the_deck_date_points_by_one_rule() -> None:
    """The period first, else the as-of date, in the PNG's x and the deck's categories alike."""
    f = finding("mixed", ("Q4", "1", "", None, "A", "2027-Q4", "2025-06-01"),
                ("Dated", "2", "", None, "A", "", "2026-03-15"),
                ("Half", "3", "", None, "A", "2028-H2", None))
    expected = [date(2027, 10, 1), date(2026, 3, 15), date(2028, 7, 1)]
    spec = ChartSpec(key="mixed", kind=ChartKind.LINE, title="Mixed",
                     metrics=tuple(MetricRef("mixed", i) for i in range(3)))
    points = list(resolve_chart_data(spec, [f]).points)
    assert [point_date(p) for p in points] == sorted(expected)  # ordered by when they hold
    assert [_x(p) for p in points] == [year_fraction(d) for d in sorted(expected)]


# ---- 2. A timeline item says its name once


def test_a_timeline_item_named_by_entity_does_not_repeat_the_name_in_png_svg_or_deck(tmp_path: Path) -> None:
    spec = _spec("china-ai-milestones")
    data = resolve_chart_data(spec, seed_findings())
    found, _ = items(spec, list(data.points))
    kimi = next(it for it in found if it.name.startswith("Kimi"))
    assert (kimi.name, kimi.detail) == ("Kimi K2.5 (Moonshot AI)", "revealed")
    for it in found:
        assert it.name.split(" (")[0].casefold() not in it.detail.casefold(), it
    for size in ("column", "16:9"):
        drawn = " | ".join(t for t, _, _ in svg_texts(render_chart(spec, data, fmt="svg", size=size,
                                                                   use_cache=False).data))
        assert drawn.count("Kimi K2.5") == 1, drawn
        assert drawn.count("DeepSeek V4") == 1 and drawn.count("MiniMax M2.5") == 1, drawn
    rows = _deck_texts(spec, data, tmp_path / "deck.pptx")
    assert "Kimi K2.5 (Moonshot AI) — revealed" in rows
    assert not [r for r in rows if r.count("Kimi K2.5") > 1]


# ---- 3. A value keeps its qualifier


def test_bar_and_tile_values_keep_the_sources_qualifier_and_names_lose_the_bracket(tmp_path: Path) -> None:
    """ "Qwen derivative models on Hugging Face (over)", 100,000: the tile and the bars say "over
    100,000" as the briefing does and the name drops "(over)"."""
    f = finding("qwen", ("Qwen derivative models on Hugging Face (over)", "100000", "models", None, "Qwen", "", None),
                ("Llama derivative models on Hugging Face", "60000", "models", None, "Llama", "", None))
    refs = (MetricRef("qwen", 0), MetricRef("qwen", 1))
    for kind in (ChartKind.BAR, ChartKind.KEY_FIGURES, ChartKind.GROUPED_BAR):
        spec = ChartSpec(key="qwen", kind=kind, title="Qwen leads", metrics=refs, options={"category": "label"})
        data = resolve_chart_data(spec, [f])
        drawn = [t for t, _, _ in svg_texts(render_chart(spec, data, fmt="svg", size="16:9", use_cache=False).data)]
        assert "over 100,000" in drawn and "60,000" in drawn, (kind, drawn)
        assert not [t for t in drawn if "(over)" in t], (kind, drawn)
        assert "Qwen derivative models on Hugging Face" in " ".join(drawn).replace("\n", " "), (kind, drawn)
        deck = _deck_texts(spec, data, tmp_path / f"{kind.value}.pptx")
        if kind is ChartKind.KEY_FIGURES:
            assert any(t.startswith("over 100,000\n") for t in deck), deck
        else:
            chart = next(s for s in Presentation(str(tmp_path / f"{kind.value}.pptx")).slides[0].shapes
                         if s.has_chart).chart
            xml = chart._chartSpace.xml
            # The label stays a live number, in a format that writes the qualifier before it.
            assert 'formatCode="&quot;over &quot;#,##0;' in xml
            assert "(over)" not in " ".join(chart.plots[0].categories)


def test_the_seed_charts_print_their_qualifiers() -> None:
    """training-cost ("approximately", "roughly") and job-functions-ai ("about") from the seed."""
    findings = seed_findings()
    cost = _spec("training-cost")
    drawn = [t for t, _, _ in svg_texts(render_chart(cost, resolve_chart_data(cost, findings), fmt="svg",
                                                     size="column", use_cache=False).data)]
    assert "about $6M" in drawn and "about $100M" in drawn
    jobs = _spec("job-functions-ai")
    drawn = [t for t, _, _ in svg_texts(render_chart(jobs, resolve_chart_data(jobs, findings), fmt="svg",
                                                     size="column", use_cache=False).data)]
    assert "about 34%" in drawn and "30%" in drawn


# ---- 4. A source known through the report says so


def test_a_source_cited_via_the_report_says_so_in_svg_pdf_and_deck(tmp_path: Path) -> None:
    from pypdf import PdfReader

    spec = _spec("openrouter-weekly-tokens")
    data = resolve_chart_data(spec, seed_findings())
    assert data.source == VIA_LINE
    drawn = [t for t, _, _ in svg_texts(render_chart(spec, data, fmt="svg", size="column", use_cache=False).data)]
    assert VIA_LINE in drawn  # on one line
    pdf = tmp_path / "chart.pdf"
    pdf.write_bytes(render_chart(spec, data, fmt="pdf", size="column", use_cache=False).data)
    assert VIA_LINE in " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert typographic(VIA_LINE) in _deck_texts(spec, data, tmp_path / "deck.pptx")


def test_several_sources_through_one_work_and_the_work_itself_read_as_one_chain() -> None:
    report = Source(1, "dia", "Digital in Asia", "The report", None, date(2026, 4, 1))
    a = Source(2, "a", "OpenRouter", "Rankings", None, date(2026, 1, 1), via=report)
    b = Source(3, "b", "Moonshot AI", "Launch", None, date(2026, 1, 1), via=report)
    f1 = finding("one", ("x", "1", "", None, "A", "", None))

    def cited(*sources: Source) -> Finding:
        return dataclasses.replace(f1, sources=sources)

    assert source_line([cited(a, b)]) == ("Sources: OpenRouter, 2026; Moonshot AI, 2026, "
                                          "both cited in Digital in Asia, April 2026")
    assert source_line([cited(report, a)]) == "Sources: Digital in Asia, April 2026, citing OpenRouter, 2026"
    assert source_line([cited(report)]) == "Source: Digital in Asia, 2026"


def test_the_cache_key_changes_with_the_source_chain() -> None:
    spec = _spec("openrouter-weekly-tokens")
    data = resolve_chart_data(spec, seed_findings())
    theme, size = load_theme(), chart_size("column")
    before = dataclasses.replace(data, source="Source: OpenRouter, 2026")
    assert cache_key(spec, data, theme, "png", size, transparent=False) != cache_key(
        spec, before, theme, "png", size, transparent=False)
