"""Slide-ready charts: ChartSpec + findings -> ChartData -> matplotlib Figure -> PNG/SVG/PDF bytes or a deck."""

from __future__ import annotations

from briefing.charts.alt import alt_text
from briefing.charts.cache import ChartCache, cache_key
from briefing.charts.data import ChartData, Point, resolve_chart_data, source_line
from briefing.charts.deck import write_deck
from briefing.charts.render import (
    FORMATS,
    BuiltChart,
    ChartWarning,
    RenderJob,
    RenderResult,
    build_chart,
    build_figure,
    chart_warnings,
    render_bytes,
    render_chart,
    render_many,
)
from briefing.charts.style import PRESETS, ChartSize, chart_size
from briefing.domain.charts import ChartKind, ChartSpec, MetricRef

__all__ = [
    "FORMATS",
    "PRESETS",
    "BuiltChart",
    "ChartCache",
    "ChartData",
    "ChartKind",
    "ChartSize",
    "ChartSpec",
    "ChartWarning",
    "MetricRef",
    "Point",
    "RenderJob",
    "RenderResult",
    "alt_text",
    "build_chart",
    "build_figure",
    "cache_key",
    "chart_size",
    "chart_warnings",
    "render_bytes",
    "render_chart",
    "render_many",
    "resolve_chart_data",
    "source_line",
    "write_deck",
]
