"""Timelines: eras as a segmented band ("2017–2020", "2025–") and milestones as flagged dots on a time axis."""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable
from dataclasses import dataclass

from briefing.charts.data import ChartData
from briefing.charts.kinds.common import Check, Frame, check_common
from briefing.charts.shapes import Item, items
from briefing.charts.style import text_on
from briefing.domain.charts import ChartSpec


def check(spec: ChartSpec, data: ChartData) -> Check:
    common = check_common(spec, data)
    if common:
        return common
    placed, skipped = items(spec, list(data.points))
    notes = [f"“{p.label}” has no date or period a timeline can place; it is left out." for p in skipped]
    if not placed:
        return Check(blocking="None of the metrics has a date or period to place on a timeline "
                              "(give each a period such as 2026-Q1 or 2017–2020).")
    return Check(notes=notes)


def _axis_range(spec: ChartSpec, its: list[Item]) -> tuple[float, float, float]:
    """(axis start, axis end, where open spans stop), in fractional years."""
    starts = [i.start for i in its]
    ends = [i.end if i.end is not None else i.start for i in its]
    lo_d, hi_d = min(starts), max(max(ends), max(starts))
    opt_end = spec.option("end")
    open_end = float(opt_end) if opt_end is not None else math.ceil(max(starts) + 1.5)
    if any(i.end is None for i in its):
        hi_d = max(hi_d, open_end)
    if hi_d - lo_d > 2.5 or any(i.span for i in its):
        return float(math.floor(lo_d)), float(max(math.ceil(hi_d), math.floor(lo_d) + 1)), open_end
    # Short spans: pad by a month either side so dots never sit on the axis ends.
    pad = max((hi_d - lo_d) * 0.08, 1 / 12)
    return lo_d - pad, hi_d + pad, open_end


def _ticks(lo: float, hi: float, width_in: float, min_gap_in: float) -> list[tuple[float, str]]:
    """Year ticks for long axes; month ticks (thinned to quarters if crowded) for short ones."""
    if hi - lo > 2.5:
        years = list(range(math.ceil(lo - 1e-9), math.floor(hi + 1e-9) + 1))
        step = max(1, math.ceil(len(years) * min_gap_in / max(width_in, 0.01)))
        return [(float(y), str(y)) for y in years[::step]]
    months = []
    m = math.ceil(lo * 12 - 1e-9)
    while m / 12 <= hi + 1e-9:
        months.append(m)
        m += 1
    every = 1
    while len(months) / every * min_gap_in * 1.2 > width_in and every < 12:
        every = {1: 3, 3: 6, 6: 12}[every]
    out = []
    first = True
    for m in months:
        year, month = divmod(m, 12)
        if month % every:
            continue
        name = calendar.month_abbr[month + 1]
        out.append((m / 12, f"{name} {year}" if first or month == 0 else name))
        first = False
    return out


def draw(f: Frame) -> None:
    spec = f.spec
    box = f.plot
    c = f.colours
    its, _ = items(spec, list(f.data.points))
    lo, hi, open_end = _axis_range(spec, its)
    spans = [i for i in its if i.span]
    marks = [i for i in its if not i.span]
    pad = f.u(0.25)
    ax_l, ax_w = box.x + pad, box.w - 2 * pad

    def xpos(year: float) -> float:
        return ax_l + (year - lo) / (hi - lo) * ax_w

    tick_pt = f.tick_pt
    ticks_h = f.line_height(tick_pt) + f.u(0.3)
    lanes = _lanes(spans, open_end)
    if marks:
        spans_h = len(lanes) * f.u(1.1) + max(len(lanes) - 1, 0) * f.u(0.2)
        lane_h = f.u(1.1)
    else:
        lane_h = min(f.u(1.9), max(f.u(0.6), (box.h - ticks_h) * 0.42 / max(len(lanes), 1)))
        spans_h = len(lanes) * lane_h + max(len(lanes) - 1, 0) * f.u(0.2)

    if marks:
        # Spans (if any) on top; milestones get the rest, with the axis below them.
        marks_top = box.top - (spans_h + f.u(0.5) if spans else 0)
        lay = _fit_flags(f, marks, xpos, marks_top - box.y - ticks_h)
        if lay.need > marks_top - box.y - ticks_h and not spans:
            # Too many events too close for flags at this size: list them in date order instead.
            _chronology(f, marks)
            return
        axis_y = _milestones(f, lay, marks_top, box.y + ticks_h)
        spans_top = box.top
    else:
        block = spans_h + f.u(0.15) + ticks_h
        spans_top = box.top - max(box.h - block, 0) * 0.42
        axis_y = spans_top - spans_h - f.u(0.15)
    if spans:
        _spans(f, spans, lanes, xpos, spans_top, lane_h, open_end)

    for x_year, label in _ticks(lo, hi, ax_w, max(f.u(1.0), 0.45)):
        x = xpos(x_year)
        f.line([x, x], [axis_y, axis_y - f.u(0.12)], c.rule, max(1.2 * f.s, 0.5))
        f.text(x, axis_y - f.u(0.18), label, size=tick_pt, color=c.muted, ha="center", va="top")
    f.line([xpos(lo), xpos(hi)], [axis_y, axis_y], c.rule, max(1.5 * f.s, 0.6))
    if marks:
        r = max(f.u(0.12), 0.035)
        for it in marks:
            f.dot(xpos(it.mid), axis_y, r, c.accent, edge=c.background, edge_pt=max(2.5 * f.s, 0.8))


def _lanes(spans: list[Item], open_end: float) -> list[list[Item]]:
    """Greedy lanes: spans that do not overlap (end == next start is fine) share a lane."""
    lanes: list[list[Item]] = []
    for it in sorted(spans, key=lambda i: i.start):
        for lane in lanes:
            last = lane[-1]
            last_end = last.end if last.end is not None else open_end
            if it.start >= last_end - 1e-9:
                lane.append(it)
                break
        else:
            lanes.append([it])
    return lanes


def _spans(f: Frame, spans: list[Item], lanes: list[list[Item]], xpos: Callable[[float], float], top: float,
           lane_h: float, open_end: float) -> None:
    c = f.colours
    name_pt = f.value_pt
    when_pt = f.label_pt
    highlight = str(f.spec.option("highlight", "") or "").lower()
    inset = f.u(0.22)
    y = top
    for lane in lanes:
        band_y = y - lane_h
        for k, it in enumerate(lane):
            end = it.end if it.end is not None else open_end
            x0, x1 = xpos(it.start), xpos(end)
            current = (highlight in (it.name.lower(), str(it.point.ref))) if highlight else it is spans[-1]
            fill = c.accent if current else (c.other if k % 2 == 0 else "#C3CAD1")
            fade_w = 0.0
            if it.end is None:
                # An open era fades out over its last stretch instead of stopping at a made-up year.
                fade_w = min((x1 - x0) * 0.3, f.u(1.2))
                f.rect(x0, band_y, x1 - x0 - fade_w, lane_h, fill)
                steps = 8
                for s in range(steps):
                    f.rect(x1 - fade_w + s * fade_w / steps, band_y, fade_w / steps + 0.002, lane_h, fill,
                           alpha=1 - (s + 1) / (steps + 1))
            else:
                f.rect(x0, band_y, x1 - x0, lane_h, fill)
            if k:
                f.line([x0, x0], [band_y, band_y + lane_h], c.background, max(4 * f.s, 1.2))
            ink = text_on(f.theme, fill)
            # Labels stay on the solid part of a band: over an open era's fade they would lose contrast.
            solid_end = x1 - fade_w if it.end is None else x1
            inner = solid_end - x0 - 2 * inset
            # A word wider than its band shrinks the name (not below 7 pt) before it is broken mid-word.
            fit_pt = name_pt
            floor = min(name_pt, 7.0)
            while fit_pt > floor and max(f.width(w, fit_pt, bold=True) for w in it.name.split() or [""]) > inner:
                fit_pt = max(floor, fit_pt * 0.92)
            name = f.wrap(it.name, fit_pt, inner, bold=True, max_lines=2)
            f.text(x0 + inset, band_y + lane_h - inset, name, size=fit_pt, bold=True, color=ink, va="top",
                   clean=False)
            lines = name.count("\n") + 1
            if lines * f.line_height(fit_pt) + f.line_height(when_pt) + 2 * inset <= lane_h:
                f.text(x0 + inset, band_y + inset, f.wrap(it.when, when_pt, inner, max_lines=1), size=when_pt,
                       color=ink, va="baseline", clean=False)
        y -= lane_h + f.u(0.2)


@dataclass
class _Flag:
    item: Item
    x: float
    name: str
    detail: str
    width: float
    height: float
    left_anchor: bool

    def extent(self, pad: float) -> tuple[float, float]:
        return (self.x, self.x + pad + self.width) if self.left_anchor else (self.x - pad - self.width, self.x)


@dataclass
class _Layout:
    flags: list[_Flag]
    tiers: list[tuple[int, int]]  # (side, level) per flag: side 1 above the axis, -1 below
    tier_h: dict[tuple[int, int], float]  # each tier as tall as its tallest flag, plus a gap
    up: int
    down: int
    need: float
    name_pt: float
    date_pt: float
    detail_pt: float

    def offset(self, side: int, k: int, squeeze: float = 1.0) -> float:
        """Distance from the first tier's edge to tier k's edge on one side of the axis."""
        return sum(self.tier_h.get((side, j), 0.0) for j in range(k)) * squeeze


def _layout(f: Frame, marks: list[Item], xpos: Callable[[float], float], scale: float, widen: float) -> _Layout:
    box = f.plot
    sparse = len(marks) <= 4
    name_pt = max((f.value_pt if sparse else f.label_pt * 1.05) * scale, 6.5)
    date_pt = max((f.label_pt if sparse else f.tick_pt) * scale, 6.0)
    detail_pt = max(f.tick_pt * scale, 6.0)
    pad = f.u(0.1)
    max_w = min(max(box.w / 3.6, f.u(2.4)), f.u(3.8)) * widen
    flags: list[_Flag] = []
    for it in sorted(marks, key=lambda i: i.mid):
        x = xpos(it.mid)
        name = f.wrap(it.name, name_pt, max_w, bold=True, max_lines=3)
        # On its own line under the name, what happened reads as a phrase: "Revealed".
        detail = f.wrap(it.detail[:1].upper() + it.detail[1:], detail_pt, max_w, max_lines=2) if it.detail else ""
        w = max([f.width(line, name_pt, bold=True) for line in name.split("\n")]
                + [f.width(it.when, date_pt)] + [f.width(line, detail_pt) for line in detail.split("\n") if line])
        h = (f.line_height(date_pt) + f.u(0.04) + (name.count("\n") + 1) * f.line_height(name_pt)
             + ((detail.count("\n") + 1) * f.line_height(detail_pt) + f.u(0.03) if detail else 0))
        left = x + pad + w <= box.right + f.u(0.05)
        flags.append(_Flag(it, x, name, detail, w, h, left))
    order = [(side, k) for k in range(8) for side in (1, -1)]
    placed: dict[tuple[int, int], list[tuple[float, float]]] = {}
    tiers: list[tuple[int, int]] = []
    tier_h: dict[tuple[int, int], float] = {}
    gap = f.u(0.3)
    for fl in flags:
        lo_x, hi_x = fl.extent(pad)
        best = next(
            (t for t in order if all(hi_x + f.u(0.2) <= a or lo_x >= b + f.u(0.2) for a, b in placed.get(t, []))),
            order[0],
        )
        placed.setdefault(best, []).append((lo_x, hi_x))
        tiers.append(best)
        tier_h[best] = max(tier_h.get(best, 0.0), fl.height + gap)
    up = max((k + 1 for side, k in tiers if side == 1), default=0)
    down = max((k + 1 for side, k in tiers if side == -1), default=0)
    stem0 = f.u(0.35)
    ticks_h = f.line_height(f.tick_pt) + f.u(0.35)
    lay = _Layout(flags, tiers, tier_h, up, down, 0.0, name_pt, date_pt, detail_pt)
    lay.need = stem0 + lay.offset(1, up) + ticks_h + (stem0 + lay.offset(-1, down) if down else 0.0)
    return lay


def _fit_flags(f: Frame, marks: list[Item], xpos: Callable[[float], float], room: float) -> _Layout:
    """The largest type (then the widest lines) at which the flags' tiers fit the height."""
    for scale, widen in ((1.0, 1.0), (0.9, 1.0), (0.8, 1.0), (0.72, 1.0), (0.72, 1.4)):
        lay = _layout(f, marks, xpos, scale, widen)
        if lay.need <= room:
            break
    return lay


def _milestones(f: Frame, lay: _Layout, top: float, bottom: float) -> float:
    """Flags on stems above and below the axis, each in the nearest tier where it overlaps no other.
    Returns the axis height chosen."""
    c = f.colours
    room = top - bottom
    stem0 = f.u(0.35)
    ticks_h = f.line_height(f.tick_pt) + f.u(0.35)
    fixed = lay.need - lay.offset(1, lay.up) - lay.offset(-1, lay.down)
    # Last resort: tighter tiers rather than text off the chart.
    squeeze = 1.0 if lay.need <= room else max((room - fixed) / max(lay.need - fixed, 1e-6), 0.4)
    spare = max(room - lay.need, 0)
    axis_y = top - spare * 0.45 - stem0 - lay.offset(1, lay.up, squeeze)
    pad = f.u(0.1)
    for fl, (side, k) in zip(lay.flags, lay.tiers):
        if side == 1:
            y_date = axis_y + stem0 + lay.offset(1, k, squeeze) + fl.height
            stem = (axis_y, y_date)
        else:
            y_date = axis_y - ticks_h - stem0 - lay.offset(-1, k, squeeze)
            stem = (y_date, axis_y)
        f.line([fl.x, fl.x], list(stem), c.rule, max(1.2 * f.s, 0.5))
        tx = fl.x + pad if fl.left_anchor else fl.x - pad
        ha = "left" if fl.left_anchor else "right"
        f.text(tx, y_date, fl.item.when, size=lay.date_pt, color=c.muted, ha=ha, va="top")
        y_name = y_date - f.line_height(lay.date_pt) - f.u(0.04)
        t = f.text(tx, y_name, fl.name, size=lay.name_pt, bold=True, ha=ha, va="top", clean=False)
        if fl.detail:
            f.text(tx, y_name - f.text_height(t) - f.u(0.03), fl.detail, size=lay.detail_pt, color=c.ink, ha=ha,
                   va="top", clean=False)
    return axis_y


def _chronology(f: Frame, marks: list[Item]) -> None:
    """Events as a dated list on a vertical rule: for many events in a small chart, where flags on a
    time axis would pile up."""
    c = f.colours
    box = f.plot
    events = sorted(marks, key=lambda i: i.mid)
    for scale in (1.2, 1.1, 1.0, 0.9, 0.8, 0.7, 0.6):
        name_pt = max(f.label_pt * scale, 6.0)
        date_pt = max(f.label_pt * scale * 0.9, 6.0)
        date_w = max(f.width(it.when, date_pt) for it in events)
        rule_x = box.x + date_w + f.u(0.3)
        text_w = box.right - rule_x - f.u(0.3)
        names = [f.wrap(it.name + (f": {it.detail}" if it.detail else ""), name_pt, text_w, bold=False, max_lines=2)
                 for it in events]
        heights = [(n.count("\n") + 1) * f.line_height(name_pt) for n in names]
        gap = f.line_height(name_pt) * 0.75
        total = sum(heights) + gap * (len(events) - 1)
        if total <= box.h:
            break
    top = box.top - max(box.h - total, 0) * 0.4
    f.line([rule_x, rule_x], [top - total, top], c.rule, max(1.5 * f.s, 0.6))
    r = max(f.u(0.09), 0.03)
    y = top
    for it, name, h in zip(events, names, heights):
        baseline = y - f.ascent(name_pt)
        f.dot(rule_x, baseline + name_pt * 0.36 / 72, r, c.accent, edge=c.background, edge_pt=max(2.0 * f.s, 0.6))
        f.text(rule_x - f.u(0.2), baseline, it.when, size=date_pt, color=c.muted, ha="right", va="baseline")
        f.text(rule_x + f.u(0.2), y, name, size=name_pt, va="top", clean=False)
        y -= h + gap
