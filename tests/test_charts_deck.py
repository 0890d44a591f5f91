"""The PowerPoint deck: 16:9, one chart a slide, native charts where promised, pictures with alt text."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu
from test_charts_support import finding, seed_charts, seed_findings

from briefing.charts import ChartKind, ChartSpec, alt_text, resolve_chart_data, write_deck
from briefing.charts.deck import NATIVE_KINDS
from briefing.domain.text import typographic

NATIVE_TYPES = {
    ChartKind.BAR: XL_CHART_TYPE.BAR_CLUSTERED,
    ChartKind.GROUPED_BAR: XL_CHART_TYPE.COLUMN_CLUSTERED,
    ChartKind.LINE: XL_CHART_TYPE.LINE_MARKERS,
    ChartKind.SHARE: XL_CHART_TYPE.BAR_STACKED_100,
}


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ChartSpec]]:
    root = tmp_path_factory.mktemp("deck")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFING_CACHE", str(root / "cache"))
        specs = list(seed_charts())
        items = [(s, resolve_chart_data(s, seed_findings())) for s in specs]
        path = root / "charts.pptx"
        write_deck(items, path)
    return path, specs


def test_deck_is_16_9_with_one_slide_per_chart(deck: tuple[Path, list[ChartSpec]]) -> None:
    path, specs = deck
    prs = Presentation(str(path))
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))
    assert len(prs.slides) == len(specs)
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".partial")]
    for slide, spec in zip(prs.slides, specs):
        text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        title = typographic(spec.title)  # chart text is set with curly quotes and dashes
        assert title[:30] in text.replace("\n", " ") or title[:12] in text
        assert "Source" in text, spec.key


def test_native_charts_where_promised_and_pictures_with_alt_text_elsewhere(
    deck: tuple[Path, list[ChartSpec]],
) -> None:
    path, specs = deck
    prs = Presentation(str(path))
    findings = seed_findings()
    for slide, spec in zip(prs.slides, specs):
        charts = [s for s in slide.shapes if s.has_chart]
        pictures = [s for s in slide.shapes if s.shape_type is not None and s.shape_type == 13]
        description = alt_text(spec, resolve_chart_data(spec, findings))
        if spec.kind in NATIVE_KINDS:
            assert len(charts) == 1 and not pictures, spec.key
            chart = charts[0].chart
            assert chart.chart_type == NATIVE_TYPES[spec.kind], spec.key
            values = [v for plot in chart.plots for series in plot.series for v in series.values if v is not None]
            assert values, spec.key
            assert charts[0]._element.nvGraphicFramePr.cNvPr.get("descr") == description
        else:
            assert len(pictures) == 1 and not charts, spec.key
            assert pictures[0]._element.nvPicPr.cNvPr.get("descr") == description
            assert pictures[0].image.size[0] >= 2000  # high resolution, not a thumbnail


def test_native_charts_hold_the_findings_numbers(deck: tuple[Path, list[ChartSpec]]) -> None:
    path, specs = deck
    prs = Presentation(str(path))
    by_key = {s.key: slide for s, slide in zip(specs, prs.slides)}
    weekly = next(s for s in by_key["openrouter-weekly-tokens"].shapes if s.has_chart).chart
    assert list(weekly.plots[0].series[0].values) == [5.16, 2.7]
    assert list(weekly.plots[0].categories) == ["Chinese models", "US models"]
    line = next(s for s in by_key["china-daily-tokens"].shapes if s.has_chart).chart
    assert b"logBase" in line.part.blob
    share = next(s for s in by_key["openrouter-top10-share"].shapes if s.has_chart).chart
    assert [list(s.values) for s in share.plots[0].series] == [[61.0], [39.0]]


def test_bad_chart_goes_in_as_a_picture_and_the_write_is_atomic(tmp_path: Path) -> None:
    spec = ChartSpec("empty", ChartKind.BAR, "Nothing here", series=("missing",))
    good = ChartSpec("ok", ChartKind.GROUPED_BAR, "Fine", series=("s",))
    f = finding("f", ("A", "1", "%", None, "X", "2026", None), ("B", "2", "%", None, "Y", "2026", None))
    target = tmp_path / "deck.pptx"
    target.write_bytes(b"old")
    write_deck([(spec, resolve_chart_data(spec, [f])), (good, resolve_chart_data(good, [f]))], target)
    prs = Presentation(str(target))
    first, second = prs.slides
    assert not any(s.has_chart for s in first.shapes)
    assert any(s.has_chart for s in second.shapes)
    assert "No metrics" in " ".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
    with pytest.raises(OSError):
        write_deck([(good, resolve_chart_data(good, [f]))], tmp_path / "no-such-dir" / "deck.pptx")
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["deck.pptx"]


def test_native_charts_leave_the_title_to_the_slide_and_date_axes_tick_yearly(
    deck: tuple[Path, list[ChartSpec]],
) -> None:
    from pptx.oxml.ns import qn

    path, _specs = deck
    prs = Presentation(str(path))
    charts = [shape.chart for slide in prs.slides for shape in slide.shapes if shape.has_chart]
    assert charts
    assert all(not chart.has_title for chart in charts)
    date_axes = [ax for chart in charts for ax in chart._chartSpace.iter(qn("c:dateAx"))]
    assert date_axes, "the line chart over dated points should have a date axis"
    for ax in date_axes:
        assert ax.find(qn("c:majorUnit")).get("val") == "12"
        assert ax.find(qn("c:majorTimeUnit")).get("val") == "months"
        assert ax.find(qn("c:numFmt")).get("formatCode") == "yyyy"
