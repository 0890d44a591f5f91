"""Chart bytes through the cache: a hit is a file read and imports no matplotlib; a miss draws the chart."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from briefing.charts.cache import ChartCache, cache_key
from briefing.charts.data import ChartData
from briefing.charts.sizes import ChartSize, chart_size
from briefing.domain.charts import ChartSpec
from briefing.theme import Theme, default_theme

FORMATS: tuple[str, ...] = ("png", "svg", "pdf")


class ChartWarning(UserWarning):
    """A chart was drawn, but something in its data needs a person's attention."""


@dataclass(frozen=True)
class RenderResult:
    """Bytes of one chart plus what went wrong with its data (also shown in the chart itself)."""

    key: str
    fmt: str
    data: bytes
    warnings: tuple[str, ...] = ()
    cached: bool = False
    path: Path | None = None


@dataclass(frozen=True)
class RenderJob:
    spec: ChartSpec
    data: ChartData
    fmt: str = "png"
    size: str | ChartSize | None = None
    transparent: bool = False
    dpi: float | None = None
    chrome: bool = True


_default_cache = ChartCache()


def default_cache() -> ChartCache:
    return _default_cache


def uncached(jobs: list[RenderJob], theme: Theme | None = None, cache: ChartCache | None = None) -> list[RenderJob]:
    """The jobs whose bytes are not in the cache yet (a few file checks; no drawing code loaded)."""
    theme = theme or default_theme()
    store = cache or _default_cache
    out = []
    for job in jobs:
        sz = chart_size(job.size or job.spec.size).with_dpi(job.dpi)
        key = cache_key(job.spec, job.data, theme, job.fmt, sz, transparent=job.transparent, chrome=job.chrome)
        if not store.path(key, job.fmt).exists():
            out.append(job)
    return out


def render_chart(
    spec: ChartSpec,
    data: ChartData,
    *,
    fmt: str = "png",
    size: str | ChartSize | None = None,
    theme: Theme | None = None,
    transparent: bool = False,
    dpi: float | None = None,
    chrome: bool = True,
    cache: ChartCache | None = None,
    use_cache: bool = True,
) -> RenderResult:
    """Bytes and warnings; an unchanged chart comes straight from the cache file."""
    theme = theme or default_theme()
    if fmt not in FORMATS:
        raise ValueError(f"“{fmt}” is not a chart format; use png, svg or pdf")
    sz = chart_size(size or spec.size).with_dpi(dpi)
    store = cache or _default_cache
    key = cache_key(spec, data, theme, fmt, sz, transparent=transparent, chrome=chrome)
    if use_cache:
        hit = store.get(key, fmt)
        if hit is not None:
            return RenderResult(key, fmt, hit, store.get_warnings(key, fmt), cached=True, path=store.path(key, fmt))
    from briefing.charts.render import build_chart, encode  # the drawing half: matplotlib, numpy

    built = build_chart(spec, data, theme, sz, chrome=chrome)
    payload = encode(built.figure, fmt, dpi=sz.dpi, transparent=transparent)
    path = store.put(key, fmt, payload, built.warnings) if use_cache else None
    return RenderResult(key, fmt, payload, built.warnings, cached=False, path=path)


def render_bytes(
    spec: ChartSpec,
    data: ChartData,
    *,
    fmt: str = "png",
    size: str | ChartSize | None = None,
    theme: Theme | None = None,
    transparent: bool = False,
    dpi: float | None = None,
) -> bytes:
    """The chart's bytes (cached). Data problems are drawn in the chart and raised as ChartWarning."""
    result = render_chart(spec, data, fmt=fmt, size=size, theme=theme, transparent=transparent, dpi=dpi)
    for message in result.warnings:
        warnings.warn(f"chart {spec.key}: {message}", ChartWarning, stacklevel=2)
    return result.data
