"""Spec + data -> Figure -> deterministic PNG/SVG/PDF bytes, cached by content hash; pools for big packs."""

from __future__ import annotations

import io
import logging
import os
import struct
import threading
import zlib
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from briefing.charts.alt import alt_text
from briefing.charts.api import (
    FORMATS,
    ChartWarning,
    RenderJob,
    RenderResult,
    default_cache,
    render_bytes,
    render_chart,
)
from briefing.charts.cache import ChartCache, cache_key
from briefing.charts.data import ChartData
from briefing.charts.kinds import KINDS
from briefing.charts.kinds.common import Check, Frame
from briefing.charts.style import ChartSize, chart_size, drawable
from briefing.domain.charts import ChartSpec
from briefing.theme import Theme, default_theme

_log = logging.getLogger(__name__)

# Scoped rcParams for building and saving: the user's matplotlibrc must not change a chart (a global
# savefig.bbox = tight would change its size, text.usetex would send text through TeX, path.sketch
# would wobble every line), and the vector formats need a fixed hash salt to come out byte-identical.
_DEFAULT_KEYS = (
    "text.hinting", "text.hinting_factor", "text.kerning_factor", "text.antialiased", "lines.antialiased",
    "patch.antialiased", "lines.solid_joinstyle", "lines.solid_capstyle", "lines.dash_joinstyle",
    "lines.dash_capstyle", "lines.scale_dashes", "path.simplify_threshold", "agg.path.chunksize",
    "pdf.inheritcolor", "pdf.use14corefonts", "savefig.pad_inches",
)
HOUSE_RC: dict[str, Any] = {
    **{k: v for k, v in dict(matplotlib.rcParamsDefault).items() if k in _DEFAULT_KEYS},
    "text.usetex": False,
    "axes.unicode_minus": True,
    "axes.formatter.use_mathtext": False,
    "path.sketch": None,
    "path.simplify": True,
    "savefig.bbox": "standard",
    "savefig.transparent": False,
    "savefig.facecolor": "auto",
    "savefig.edgecolor": "auto",
    "svg.hashsalt": "briefing-charts",
    "svg.fonttype": "path",
    "svg.image_inline": True,
    # Type 3 (matplotlib's default) keeps text extractable with a Unicode map, CJK included; Type 42
    # spends about 0.3 s per font per chart in fontTools subsetting, a dozen times the whole PDF.
    "pdf.fonttype": 3,
    "pdf.compression": 6,
}
# rc_context swaps the process-wide rcParams; two threads inside it at once could restore each other's
# settings mid-render (and lose the hash salt). One chart at a time per process holds the line; the
# process pool is what runs charts in parallel.
_RC_LOCK = threading.RLock()


@contextmanager
def house_rc() -> Iterator[None]:
    # matplotlib's stubs take only literal rc names; rc_context checks these keys at run time.
    with _RC_LOCK, matplotlib.rc_context(HOUSE_RC):  # type: ignore[arg-type]
        yield


_PDF_META = {"Creator": "Briefing", "Producer": "Briefing", "CreationDate": None, "ModDate": None}
_SVG_META = {"Date": None, "Creator": "Briefing"}


@dataclass(frozen=True)
class BuiltChart:
    figure: Figure
    warnings: tuple[str, ...]


# ---- Building figures


def check_chart(spec: ChartSpec, data: ChartData) -> Check:
    """The kind's verdict on the data: a blocking problem (drawn as a message) and notes."""
    try:
        return KINDS[spec.kind].check(spec, data)
    except Exception as exc:  # noqa: BLE001 - odd data must produce a message, never a crash
        _log.exception("chart %s: checking its data failed", spec.key)
        return Check(blocking=f"The data could not be read ({type(exc).__name__}: {exc}).")


def _glyph_warning(spec: ChartSpec, data: ChartData, theme: Theme) -> list[str]:
    texts = [spec.title, spec.subtitle, spec.note, data.source]
    for p in data.points:
        texts += [p.label, p.entity]
    texts += [str(v) for v in dict(spec.option("labels") or {}).values()]
    dropped = "".join(sorted({ch for t in texts for ch in drawable(theme, t)[1]}))
    if not dropped:
        return []
    return [f"Left out {len(dropped)} character{'s' if len(dropped) > 1 else ''} the chart fonts cannot draw "
            f"({' '.join(dropped[:8])})."]


def chart_warnings(spec: ChartSpec, data: ChartData, theme: Theme | None = None) -> tuple[str, ...]:
    """Everything a render of this chart would warn about, without drawing it."""
    theme = theme or default_theme()
    chk = check_chart(spec, data)
    out = list(data.warnings) + chk.notes + ([chk.blocking] if chk.blocking else [])
    return tuple(dict.fromkeys(out + _glyph_warning(spec, data, theme)))


def build_chart(
    spec: ChartSpec,
    data: ChartData,
    theme: Theme | None = None,
    size: str | ChartSize | None = None,
    *,
    chrome: bool = True,
) -> BuiltChart:
    """The chart as a matplotlib Figure (no pyplot: safe in a worker thread) and its warnings."""
    theme = theme or default_theme()
    sz = chart_size(size or spec.size)
    with house_rc():
        chk = check_chart(spec, data)
        frame = Frame(spec, data, theme, sz, chrome=chrome)
        frame.lay_out(list(data.warnings) + chk.notes)
        if chk.blocking:
            frame.message("This chart cannot be drawn", chk.blocking)
        else:
            try:
                KINDS[spec.kind].draw(frame)
            except Exception as exc:  # noqa: BLE001 - a pack export must survive one odd chart
                _log.exception("chart %s: drawing failed", spec.key)
                failure = f"Drawing failed ({type(exc).__name__}: {exc})."
                chk = Check(blocking=failure, notes=chk.notes)
                frame = Frame(spec, data, theme, sz, chrome=chrome)
                frame.lay_out(list(data.warnings))
                frame.message("This chart cannot be drawn", failure)
    found = list(data.warnings) + chk.notes + ([chk.blocking] if chk.blocking else [])
    return BuiltChart(frame.fig, tuple(dict.fromkeys(found + _glyph_warning(spec, data, theme))))


def build_figure(
    spec: ChartSpec, data: ChartData, theme: Theme | None = None, size: str | ChartSize | None = None
) -> Figure:
    return build_chart(spec, data, theme, size).figure


# ---- Encoding


def _png(rgba: np.ndarray, dpi: float, *, alpha: bool) -> bytes:
    """PNG without Pillow's adaptive filtering: the "Up" filter and zlib level 1 take about a
    third of savefig's encoder time on flat-colour charts, for files of about the same size."""
    h, w, _ = rgba.shape
    ch = 4 if alpha else 3
    if alpha:
        flat = np.ascontiguousarray(rgba).reshape(h, w * 4)
    else:
        # Channel by channel is five times faster than one strided copy of the RGB planes.
        rgb = np.empty((h, w, 3), dtype=np.uint8)
        for c in range(3):
            rgb[..., c] = rgba[..., c]
        flat = rgb.reshape(h, w * 3)
    filtered = np.empty((h, w * ch + 1), dtype=np.uint8)
    filtered[:, 0] = 2
    filtered[0, 1:] = flat[0]
    np.subtract(flat[1:], flat[:-1], out=filtered[1:, 1:])  # uint8 wraps modulo 256, as PNG wants

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    ppm = round(dpi / 0.0254)  # pixels per metre, so word processors place it at the intended size
    header = struct.pack(">IIBBBBB", w, h, 8, 6 if alpha else 2, 0, 0, 0)
    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        chunk(b"IHDR", header),
        chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1)),
        # numpy's stubs declare ndarray's buffer protocol only for Python 3.12+.
        chunk(b"IDAT", zlib.compress(filtered, 1)),  # type: ignore[arg-type]
        chunk(b"IEND", b""),
    ))


def encode(fig: Figure, fmt: str, *, dpi: float, transparent: bool = False) -> bytes:
    """Figure -> bytes. Same figure, same bytes: no dates, fixed ids, fixed metadata."""
    if fmt not in FORMATS:
        raise ValueError(f"“{fmt}” is not a chart format; use png, svg or pdf")
    with house_rc():
        if fmt == "png":
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            if transparent:
                fig.patch.set_alpha(0.0)
            canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
            fig.set_dpi(dpi)
            canvas.draw()
            return _png(np.asarray(canvas.buffer_rgba()), dpi, alpha=transparent)
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=72, transparent=transparent,
                    metadata=dict(_PDF_META if fmt == "pdf" else _SVG_META))
        return buf.getvalue()


# ---- Packs: many charts, both cores


def _theme_state(theme: Theme) -> dict[str, Any]:
    # Theme holds read-only mappings, which do not pickle; send plain dicts to the worker.
    return {f.name: dict(v) if isinstance(v, Mapping) else v for f in fields(theme) for v in [getattr(theme, f.name)]}


def _theme_from_state(state: dict[str, Any] | None) -> Theme:
    if state is None:
        return default_theme()
    values: dict[str, Any] = {k: MappingProxyType(v) if isinstance(v, dict) else v for k, v in state.items()}
    return Theme(**values)


def _render_job(job: RenderJob, theme_state: dict[str, Any] | None) -> tuple[bytes, tuple[str, ...]]:
    """Runs in a spawned worker: top-level so it pickles by name."""
    theme = _theme_from_state(theme_state)
    sz = chart_size(job.size or job.spec.size).with_dpi(job.dpi)
    built = build_chart(job.spec, job.data, theme, sz, chrome=job.chrome)
    return encode(built.figure, job.fmt, dpi=sz.dpi, transparent=job.transparent), built.warnings


# A spawned worker needs about 1.3 s to import matplotlib and start; a pool pays only when the charts
# still to draw would take this process well over that.
POOL_BREAK_EVEN_S = 3.0


# A forked worker starts in milliseconds with matplotlib and the fonts already loaded.
FORK_BREAK_EVEN_S = 0.3


def _pool_context() -> tuple[Any, float]:
    """fork where it is safe (Linux, and no other thread alive whose locks a child could inherit
    held: the CLI), else spawn; with the estimated work a pool needs to pay for its start."""
    import multiprocessing
    import sys

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork"), FORK_BREAK_EVEN_S
    return multiprocessing.get_context("spawn"), POOL_BREAK_EVEN_S


def estimated_seconds(job: RenderJob, size: ChartSize) -> float:
    """Rough drawing time of one chart on this class of machine (see MEASURED.md and render timings)."""
    if job.fmt == "png":
        w, h = size.pixels
        return 0.03 + 0.025 * (w * h) / 1e6
    return 0.06


def render_many(
    jobs: Sequence[RenderJob],
    *,
    theme: Theme | None = None,
    workers: int = 2,
    min_parallel: int | None = None,
    cache: ChartCache | None = None,
) -> list[RenderResult]:
    """Render a pack, results in job order. Cached charts are read from the cache.

    The rest are drawn here, or, when there is enough of them (estimated_seconds adds up to
    POOL_BREAK_EVEN_S, or at least min_parallel charts if given) and workers > 1, also by spawned worker
    processes (spawn: safe beside threads, the same on every OS). Workers take jobs from the back of
    the list while this process draws from the front, and any job no worker has started yet is taken
    back, so nothing waits on a worker that is still starting."""
    theme = theme or default_theme()
    store = cache or default_cache()
    results: list[RenderResult | None] = [None] * len(jobs)
    todo: list[tuple[int, RenderJob, str, ChartSize]] = []
    for i, job in enumerate(jobs):
        sz = chart_size(job.size or job.spec.size).with_dpi(job.dpi)
        key = cache_key(job.spec, job.data, theme, job.fmt, sz, transparent=job.transparent, chrome=job.chrome)
        hit = store.get(key, job.fmt)
        if hit is not None:
            results[i] = RenderResult(key, job.fmt, hit, store.get_warnings(key, job.fmt), True,
                                      store.path(key, job.fmt))
        else:
            todo.append((i, job, key, sz))

    def local(i: int, job: RenderJob, key: str, sz: ChartSize) -> None:
        built = build_chart(job.spec, job.data, theme, sz, chrome=job.chrome)
        payload = encode(built.figure, job.fmt, dpi=sz.dpi, transparent=job.transparent)
        results[i] = RenderResult(key, job.fmt, payload, built.warnings, False,
                                  store.put(key, job.fmt, payload, built.warnings))

    n_procs = min(workers, os.cpu_count() or 1) - 1
    mp_context, break_even = _pool_context()
    if min_parallel is not None:
        worth_it = len(todo) >= min_parallel
    else:
        worth_it = sum(estimated_seconds(job, sz) for _, job, _, sz in todo) >= break_even
    if not worth_it or n_procs < 1:
        for item in todo:
            local(*item)
        return [r for r in results if r is not None]

    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    state = None if theme == default_theme() else _theme_state(theme)
    with ProcessPoolExecutor(max_workers=n_procs, mp_context=mp_context) as pool:
        futures: dict[int, Future[tuple[bytes, tuple[str, ...]]]] = {}
        for i, job, _key, _sz in reversed(todo):
            futures[i] = pool.submit(_render_job, job, state)
        for i, job, key, sz in todo:
            if futures[i].cancel():
                local(i, job, key, sz)
        for i, job, key, sz in todo:
            fut = futures[i]
            if fut.cancelled():
                continue
            try:
                payload, found = fut.result()
            except (BrokenProcessPool, OSError, RuntimeError):
                # A worker that cannot start (no __main__ guard, killed, out of memory): draw it here.
                local(i, job, key, sz)
                continue
            results[i] = RenderResult(key, job.fmt, payload, found, False, store.put(key, job.fmt, payload, found))
    return [r for r in results if r is not None]


__all__ = [
    "FORMATS",
    "BuiltChart",
    "ChartWarning",
    "RenderJob",
    "RenderResult",
    "alt_text",
    "build_chart",
    "build_figure",
    "chart_warnings",
    "check_chart",
    "encode",
    "estimated_seconds",
    "render_bytes",
    "render_chart",
    "render_many",
]
