"""Range bars: low-to-high bands on a value axis ("one-sixth to one-quarter of US cost"), dots for single values."""

from __future__ import annotations

from decimal import Decimal

from matplotlib.ticker import MaxNLocator

from briefing.charts.data import ChartData
from briefing.charts.fmt import common_unit, compact, tick, value_text
from briefing.charts.kinds.common import Check, Frame, check_common, highlight_match
from briefing.charts.shapes import Band, _reciprocal, bands
from briefing.charts.style import text_on
from briefing.domain.charts import ChartSpec


def check(spec: ChartSpec, data: ChartData) -> Check:
    common = check_common(spec, data)
    if common:
        return common
    if _reciprocal(spec):
        bad = [p for p in data.points if p.absolute <= 0]
        if bad:
            return Check(blocking=f"A fraction 1/x needs x above zero; “{bad[0].label}” is {value_text(bad[0])}.")
    return Check()


def _pct(v: float) -> str:
    """ "17%" for 16.67; one decimal only below 10%."""
    v = float(v)
    return compact(Decimal(repr(round(v) if abs(v) >= 10 else round(v, 1))), "%")


def draw(f: Frame) -> None:
    spec = f.spec
    box = f.plot
    c = f.colours
    recip = _reciprocal(spec)
    rows = bands(spec, list(f.data.points))
    unit = "%" if recip else common_unit(list(f.data.points), spec.unit)

    reference = spec.option("reference")
    ref_label = str(spec.option("reference_label", "") or "")
    ref_row: Band | None = None
    ref_line: float | None = None
    if recip:
        # The whole the fractions are of, drawn as its own full bar: "1/6" reads against "100%".
        ref_row = Band(ref_label or "Reference", 0.0, 100.0, "", "100%", ())
    elif reference is not None:
        ref_line = float(reference)

    vmax = max([b.high for b in rows] + ([100.0] if ref_row else []) + ([ref_line] if ref_line is not None else []))
    vmin = min(0.0, *[b.low for b in rows])
    ticks = [t for t in MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]).tick_values(vmin, vmax) if vmin <= t]
    top_tick = max(ticks[-1], vmax)
    ticks = [t for t in ticks if t <= top_tick + 1e-9]

    name_pt = f.label_pt
    end_pt = f.value_pt
    tick_pt = f.tick_pt
    all_rows = ([ref_row] if ref_row else []) + rows
    n = len(all_rows)
    axis_h = f.line_height(tick_pt) + f.u(0.45)
    fixed = f.line_height(name_pt) + f.u(0.1) + f.line_height(end_pt) + f.u(0.06)
    below = 0.0
    gap = f.u(0.45)
    inline = (box.h - axis_h - n * fixed - (n - 1) * gap) / n < f.u(0.3)
    if inline:
        # Short on height (a document column): values go beside the bands, not on a line of their own.
        fixed = f.line_height(name_pt) + f.u(0.08)
        gap = f.u(0.25)
    t = min(f.u(0.8), max(f.u(0.2), (box.h - axis_h - n * (fixed + below) - (n - 1) * gap) / n))
    row_h = fixed + t + below
    block = n * row_h + (n - 1) * gap + axis_h
    top = box.top - max(box.h - block, 0) * 0.42
    plot_l = box.x
    plot_w = box.w - f.u(0.3)

    def xpos(v: float) -> float:
        return plot_l + (v - vmin) / (top_tick - vmin) * plot_w

    axis_y = top - block + axis_h - f.u(0.25)
    for tv in ticks:
        x = xpos(tv)
        f.line([x, x], [axis_y, top - f.line_height(name_pt)], c.grid, max(1.0 * f.s, 0.5))
        label = _pct(tv) if recip else tick(tv, unit, escape=False)
        f.text(x, axis_y - f.u(0.12), label, size=tick_pt, color=c.muted, ha="center", va="top")
    f.line([plot_l, plot_l + plot_w], [axis_y, axis_y], c.rule, max(1.2 * f.s, 0.5))

    any_highlight = any(highlight_match(spec, b.points[0], b.name) for b in rows)
    for i, b in enumerate(all_rows):
        y_top = top - i * (row_h + gap)
        f.text(box.x, y_top, f.wrap(b.name, name_pt, box.w, max_lines=1), size=name_pt, va="top", clean=False)
        band_top = y_top - fixed
        band_y = band_top - t
        f.rect(xpos(vmin), band_y, xpos(top_tick) - xpos(vmin), t, c.panel)
        if b is ref_row:
            f.rect(xpos(0), band_y, xpos(100) - xpos(0), t, c.other)
            if inline:
                f.text(xpos(100) - f.u(0.12), band_y + t / 2, b.high_text, size=min(end_pt, t * 72 * 0.8),
                       bold=True, color=text_on(f.theme, c.other), ha="right", va="center_baseline")
            else:
                f.text(xpos(100), band_top + f.u(0.08), b.high_text, size=end_pt, bold=True, ha="right",
                       va="bottom")
            continue
        fill = f.series_colour(
            b.points[0], c.accent if not any_highlight or highlight_match(spec, b.points[0], b.name) else c.other)
        x_lo, x_hi = xpos(b.low), xpos(b.high)
        if b.high > b.low:
            f.rect(x_lo, band_y, max(x_hi - x_lo, f.u(0.04)), t, fill)
        else:
            f.dot(x_lo, band_y + t / 2, min(t / 2, f.u(0.2)), fill)
        if inline:
            text = b.low_text if b.high == b.low else f"{b.low_text}–{b.high_text}"
            if recip:
                text += f" ({_pct(b.low)}–{_pct(b.high)})"
            x_end = x_hi + (min(t / 2, f.u(0.2)) if b.high == b.low else 0)
            f.text(x_end + f.u(0.1), band_y + t / 2, text, size=end_pt, bold=True, va="center_baseline", clean=False)
        else:
            _end_labels(f, b, x_lo, x_hi, band_top, band_y, end_pt, recip)
    if ref_line is not None:
        x = xpos(ref_line)
        f.line([x, x], [axis_y, top + f.u(0.05)], c.ink, max(1.6 * f.s, 0.6), linestyle=(0, (3, 2)))
        if ref_label:
            f.text(x, top + f.u(0.15), ref_label, size=tick_pt, color=c.ink,
                   ha="right" if x > box.x + box.w * 0.6 else "left", va="bottom")


def _end_labels(f: Frame, b: Band, x_lo: float, x_hi: float, band_top: float, band_y: float, size: float,
                recip: bool) -> None:
    """Value labels over each end; merged into one "low–high" label when they would collide."""
    c = f.colours
    y = band_top + f.u(0.08)
    if b.high == b.low:
        f.text(x_lo, y, b.low_text, size=size, bold=True, ha="center", va="bottom", clean=False)
        return
    w_lo = f.width(b.low_text, size, bold=True)
    w_hi = f.width(b.high_text, size, bold=True)
    if x_hi - x_lo >= (w_lo + w_hi) / 2 + f.u(0.25):
        f.text(x_lo, y, b.low_text, size=size, bold=True, ha="center", va="bottom", clean=False)
        f.text(x_hi, y, b.high_text, size=size, bold=True, ha="center", va="bottom", clean=False)
    else:
        f.text((x_lo + x_hi) / 2, y, f"{b.low_text}–{b.high_text}", size=size, bold=True, ha="center", va="bottom",
               clean=False)
    if recip:
        # Say the fractions as percentages too: "1/6" reads faster as "17%" on a slide.
        f.text(x_hi + f.u(0.15), band_y + (band_top - band_y) / 2, f"{_pct(b.low)}–{_pct(b.high)}", size=size,
               color=c.muted, va="center_baseline")
