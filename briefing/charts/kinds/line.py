"""Lines over time, optionally on a log scale, labelled at their points and ends instead of a legend."""

from __future__ import annotations

import math
from decimal import Decimal

from matplotlib.ticker import MaxNLocator

from briefing.charts.data import ChartData, Point, point_date
from briefing.charts.fmt import common_unit, tick, value_text, value_texts, year_fraction
from briefing.charts.kinds.common import Check, Frame, check_common, labels_option
from briefing.domain.charts import ChartSpec
from briefing.domain.numbers import group


def _x(p: Point) -> float | None:
    # The deck's date axis places points by the same rule (period first, else as-of).
    when = point_date(p)
    return year_fraction(when) if when else None


def series(points: list[Point]) -> list[tuple[str, list[Point]]]:
    out: dict[str, list[Point]] = {}
    for p in points:
        out.setdefault(p.series or p.entity or p.ref.finding, []).append(p)
    return list(out.items())


def check(spec: ChartSpec, data: ChartData) -> Check:
    common = check_common(spec, data)
    if common:
        return common
    lines = series(list(data.points))
    if all(len(pts) < 2 for _, pts in lines):
        key, pts = lines[0]
        return Check(blocking=f"A line needs at least two points; “{key}” has {len(pts)} "
                              f"({value_text(pts[0])}).")
    notes = [f"Series “{k}” has a single point and is shown as a dot." for k, pts in lines if len(pts) < 2]
    if spec.option("log"):
        bad = [p for p in data.points if p.absolute <= 0]
        if bad:
            return Check(blocking=f"A log scale needs values above zero; “{bad[0].label}” is {value_text(bad[0])}. "
                                  "Turn the log option off or correct the value.")
    return Check(notes=notes)


def _ratio_text(first: Decimal, last: Decimal) -> str:
    ratio = last / first
    if ratio >= 10:
        # to_integral_value, not quantize: the ratio of two bounded values can pass 28 digits.
        return f"{group(ratio.to_integral_value())}×"
    return f"{ratio.quantize(Decimal('0.1'))}×"


def draw(f: Frame) -> None:
    """Drawn with figure-level lines and text rather than an Axes: the same picture, but an Axes and
    its tick machinery cost about 50 ms of a 1920 x 1080 render."""
    spec = f.spec
    box = f.plot
    c = f.colours
    log = bool(spec.option("log", False))
    lines = series(list(f.data.points))
    unit = common_unit(list(f.data.points), spec.unit)
    names = labels_option(spec)
    texts = dict(zip((p.ref for p in f.data.points), value_texts(list(f.data.points), spec.number_format, spec.unit)))
    dated = all(_x(p) is not None for p in f.data.points)

    def xval(p: Point, i: int) -> float:
        x = _x(p) if dated else None
        return x if x is not None else float(i)

    all_x = [xval(p, i) for _, pts in lines for i, p in enumerate(pts)]
    values = [float(p.absolute) for p in f.data.points]
    tick_pt = f.tick_pt
    val_pt = f.value_pt

    # y ticks: decades for log, nice steps from zero otherwise.
    if log:
        # Pad a share of the data's span in log space so no point sits on the frame.
        lo_v, hi_v = f.value_range(min(values), max(values))
        # A range not above zero is refused on save; a preview of one being typed keeps the data's.
        lo_l, hi_l = math.log10(lo_v if lo_v > 0 else min(values)), math.log10(hi_v)
        pad = max((hi_l - lo_l) * 0.12, 0.15)
        ylo, yhi = lo_l - pad, hi_l + pad
        yticks = [10.0**e for e in range(math.ceil(ylo), math.floor(yhi) + 1)]
        if len(yticks) < 2:
            yticks = sorted({10**lo_l, 10**hi_l})
    else:
        # A line may start above zero, but only when asked: a given minimum replaces the zero baseline.
        base = min(values) if isinstance(spec.option("y_min"), (int, float)) else min(0.0, *values)
        vmin, vmax = f.value_range(base, max(values))
        yticks = list(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]).tick_values(vmin, vmax))
        # A range the user gave is the frame itself: its ends are ticks, nice steps fill between.
        if isinstance(spec.option("y_min"), (int, float)):
            yticks = [vmin] + [t for t in yticks if t > vmin]
        if isinstance(spec.option("y_max"), (int, float)):
            yticks = [t for t in yticks if t < vmax] + [vmax]
        ylo, yhi = yticks[0], yticks[-1]
    labels = [tick(t, unit, escape=False) for t in yticks]
    left_w = max(f.width(lbl, tick_pt) for lbl in labels) + f.u(0.3)
    end_names = len(lines) > 1
    right_w = f.u(0.6) + max(
        f.width(texts[pts[-1].ref], val_pt, bold=True)
        + (f.width(names.get(k, pts[-1].entity or k), f.label_pt) + f.u(0.15) if end_names else 0)
        for k, pts in lines
    )
    bottom_h = f.line_height(tick_pt) + f.u(0.3)
    top_h = f.line_height(val_pt) + f.u(0.35)
    area = box.inset(left=left_w, right=right_w, bottom=bottom_h, top=top_h)

    xmin, xmax = min(all_x), max(all_x)
    span = xmax - xmin or 1.0
    x0, x1 = xmin - span * 0.04, xmax + span * 0.04

    def X(x: float) -> float:
        return area.x + (x - x0) / (x1 - x0) * area.w

    def Y(v: float) -> float:
        t = (math.log10(v) - ylo) / (yhi - ylo) if log else (v - ylo) / (yhi - ylo)
        return area.y + t * area.h

    grid_w = max(1.0 * f.s, 0.5)
    for t, label in zip(yticks, labels):
        y = Y(t)
        f.line([area.x, area.right], [y, y], c.grid, grid_w)
        f.text(area.x - f.u(0.15), y, label, size=tick_pt, color=c.muted, ha="right", va="center_baseline")
    f.line([area.x, area.right], [area.y, area.y], c.rule, max(1.2 * f.s, 0.5))
    if dated:
        years = [y for y in range(math.floor(xmin), math.ceil(xmax) + 1) if x0 <= y <= x1]
        step = max(1, math.ceil(len(years) / 8))
        xticks = [(float(y), str(y)) for y in years[::step]]
    else:
        xticks = [(float(i), tick_label(p)) for i, p in enumerate(lines[0][1])]
    for x, label in xticks:
        f.line([X(x), X(x)], [area.y, area.y - f.u(0.1)], c.rule, grid_w)
        f.text(X(x), area.y - f.u(0.15), label, size=tick_pt, color=c.muted, ha="center", va="top")

    lw = max(3.5 * f.s, 1.2)
    r = max(0.09 * f.s, 0.03)
    for si, (key, pts) in enumerate(lines):
        colour = f.series_colour(pts[0], c.series[si % len(c.series)], key)
        xs = [X(xval(p, i)) for i, p in enumerate(pts)]
        ys = [Y(float(p.absolute)) for p in pts]
        f.line(xs, ys, colour, lw, solid_capstyle="round", solid_joinstyle="round")
        for x, y in zip(xs, ys):
            f.dot(x, y, r, colour, edge=c.background, edge_pt=max(2 * f.s, 0.8))
        show = range(len(pts)) if len(pts) <= 6 else (0, len(pts) - 1)
        gap = f.u(0.22)
        for i in show:
            txt = texts[pts[i].ref]
            if i == len(pts) - 1:
                f.text(xs[i] + gap, ys[i], txt, size=val_pt, bold=True, va="center_baseline", clean=False)
            elif i == 0 and len(pts) > 1 and ys[1] > ys[0]:
                # A rising line leaves its first label room below-right, not above where it climbs.
                f.text(xs[i] + gap * 0.6, ys[i] - gap * 0.6, txt, size=val_pt, bold=True, ha="left", va="top",
                       clean=False)
            else:
                f.text(xs[i], ys[i] + gap, txt, size=val_pt, bold=True, ha="left" if i == 0 else "center",
                       va="bottom", clean=False)
        if end_names:
            name = names.get(key, pts[-1].entity or key)
            f.text(xs[-1] + gap, ys[-1] - f.line_height(val_pt) * 0.9, name, size=f.label_pt, color=f.text_in(colour),
                   va="center_baseline")
        if spec.option("growth") and len(pts) >= 2 and pts[0].absolute > 0:
            ratio = _ratio_text(pts[0].absolute, pts[-1].absolute)
            mx = (xs[0] + xs[-1]) / 2
            my = (ys[0] + ys[-1]) / 2  # on a log axis the straight segment's midpoint is the geometric mean
            f.text(mx - f.u(0.25), my + f.u(0.25), f"{ratio} increase", size=f.label_pt * 1.1, bold=True,
                   color=f.text_in(colour), ha="right", va="bottom")


def tick_label(p: Point) -> str:
    return p.period or p.label
