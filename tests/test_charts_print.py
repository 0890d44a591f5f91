"""Charts drawn for the page: text width, an aspect per kind, type of 7 pt or more, labels clear of marks."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from test_charts_support import seed_charts, seed_findings

from briefing.charts import ChartSpec, build_chart, resolve_chart_data
from briefing.charts.sizes import DOCUMENT_WIDTH_IN, MIN_DOCUMENT_TYPE_PT, document_size
from briefing.domain.text import typographic

SPECS = seed_charts()


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))


def rows(spec: ChartSpec) -> int:
    data = resolve_chart_data(spec, seed_findings())
    return len({p.label for p in data.points})


def drawn(spec: ChartSpec, size: object) -> tuple[list[Text], list[Bbox]]:
    """The chart's visible texts and the extents of its bands, bars, markers and lines, in pixels."""
    fig = build_chart(spec, resolve_chart_data(spec, seed_findings()), size=size, chrome=False).figure
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # Agg canvas
    fig.draw(renderer)
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    marks = [a.get_window_extent(renderer) for a in fig.findobj(lambda a: isinstance(a, (Rectangle, Circle, Line2D)))
             if a is not fig.patch and a.get_visible()]
    return texts, marks


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_document_charts_are_text_wide_and_type_is_7_pt_or_more(spec: ChartSpec) -> None:
    size = document_size(str(spec.kind), rows(spec))
    assert size.width_in == pytest.approx(DOCUMENT_WIDTH_IN) and size.height_in <= 3.3
    texts, _ = drawn(spec, size)
    assert texts
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < MIN_DOCUMENT_TYPE_PT]
    assert not small, small


def test_print_aspect_follows_the_kind() -> None:
    assert document_size("share", 2).height_in <= 1.5  # a share bar is a strip
    assert document_size("bar", 2).height_in < 1.8  # two bars stay short
    assert document_size("grouped_bar", 2).height_in <= 2.0
    assert document_size("bar", 8).height_in > document_size("bar", 2).height_in
    assert document_size("line", 5).height_in / DOCUMENT_WIDTH_IN < 9 / 16 + 0.01  # landscape, not a slide


@pytest.mark.parametrize("size", ["document", "16:9"])
@pytest.mark.parametrize("spec", [s for s in SPECS if str(s.kind) in ("timeline", "range")], ids=lambda s: s.key)
def test_timeline_and_range_labels_never_straddle_a_band_or_marker(spec: ChartSpec, size: str) -> None:
    """A label sits wholly inside a band or wholly clear of it; it never runs over a band's edge, a dot or a
    marker line."""
    chart_size = document_size(str(spec.kind), rows(spec)) if size == "document" else size
    texts, marks = drawn(spec, chart_size)
    clashes = []
    for t in texts:
        box = t.get_window_extent()
        for m in marks:
            inside = (m.x0 - 1 <= box.x0 and box.x1 <= m.x1 + 1 and m.y0 - 1 <= box.y0 and box.y1 <= m.y1 + 1)
            overlap = min(box.x1, m.x1) - max(box.x0, m.x0) > 1 and min(box.y1, m.y1) - max(box.y0, m.y0) > 1
            if overlap and not inside:
                clashes.append((t.get_text(), [round(v) for v in m.extents]))
    assert not clashes, clashes


def test_typographic_quotes_and_dashes() -> None:
    assert typographic('China\'s "AI+" plan - 2025') == "China’s “AI+” plan – 2025"
    assert typographic("the '90s, 'quoted' -- done") == "the ’90s, ‘quoted’ — done"
    assert typographic("2017-2020 self-reliance") == "2017-2020 self-reliance"  # hyphens in words stay


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_every_chart_text_is_set_typographically(spec: ChartSpec) -> None:
    spec = dataclasses.replace(spec, title=f'{spec.title} - China\'s "AI+"', subtitle="The 'open' stack")
    fig = build_chart(spec, resolve_chart_data(spec, seed_findings()), size="16:9").figure
    texts = [" ".join(t.get_text().split()) for t in fig.findobj(Text) if t.get_text().strip()]
    every = " ".join(texts)  # a wrapped title is one text over several lines
    assert "China’s “AI+”" in every and "‘open’" in every, texts
    assert not [t for t in texts if "'" in t or '"' in t]
