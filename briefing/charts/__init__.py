"""Slide-ready charts: ChartSpec + findings -> ChartData -> matplotlib Figure -> PNG/SVG/PDF bytes or a deck.

Names load on first use (PEP 562): resolving data and reading a cached chart import no matplotlib,
so an export whose charts are all cached never pays the ~0.5 s matplotlib import.
"""

# ruff: noqa: F401  (names are re-exported lazily through __getattr__; the imports below are for type checkers)
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "alt_text": "briefing.charts.alt",
    "ChartCache": "briefing.charts.cache",
    "cache_key": "briefing.charts.cache",
    "ChartData": "briefing.charts.data",
    "Point": "briefing.charts.data",
    "resolve_chart_data": "briefing.charts.data",
    "source_line": "briefing.charts.data",
    "write_deck": "briefing.charts.deck",
    "FORMATS": "briefing.charts.api",
    "ChartWarning": "briefing.charts.api",
    "RenderJob": "briefing.charts.api",
    "RenderResult": "briefing.charts.api",
    "render_bytes": "briefing.charts.api",
    "render_chart": "briefing.charts.api",
    "uncached": "briefing.charts.api",
    "BuiltChart": "briefing.charts.render",
    "build_chart": "briefing.charts.render",
    "build_figure": "briefing.charts.render",
    "chart_warnings": "briefing.charts.render",
    "render_many": "briefing.charts.render",
    "PRESETS": "briefing.charts.sizes",
    "ChartSize": "briefing.charts.sizes",
    "chart_size": "briefing.charts.sizes",
    "ChartKind": "briefing.domain.charts",
    "ChartSpec": "briefing.domain.charts",
    "MetricRef": "briefing.domain.charts",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'briefing.charts' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from briefing.charts.alt import alt_text
    from briefing.charts.api import (
        FORMATS,
        ChartWarning,
        RenderJob,
        RenderResult,
        render_bytes,
        render_chart,
        uncached,
    )
    from briefing.charts.cache import ChartCache, cache_key
    from briefing.charts.data import ChartData, Point, resolve_chart_data, source_line
    from briefing.charts.deck import write_deck
    from briefing.charts.render import BuiltChart, build_chart, build_figure, chart_warnings, render_many
    from briefing.charts.sizes import PRESETS, ChartSize, chart_size
    from briefing.domain.charts import ChartKind, ChartSpec, MetricRef
