"""Share of a whole as a 100% bar: the subject in the accent, the computed remainder in grey, labels on."""

from __future__ import annotations

from decimal import Decimal

from briefing.charts.data import ChartData
from briefing.charts.fmt import value_text
from briefing.charts.kinds.common import Check, Frame, check_common
from briefing.charts.shapes import _HUNDRED, _TOLERANCE, _rows, segments
from briefing.charts.style import text_on
from briefing.domain.charts import ChartSpec
from briefing.domain.numbers import plain


def check(spec: ChartSpec, data: ChartData) -> Check:
    common = check_common(spec, data)
    if common:
        return common
    neg = [p for p in data.points if p.absolute < 0]
    if neg:
        return Check(blocking=f"Shares cannot be negative; “{neg[0].label}” is {value_text(neg[0])}.")
    notes: list[str] = []
    for name, pts in _rows(spec, list(data.points)):
        total = sum((p.absolute for p in pts), Decimal(0))
        if total == 0:
            return Check(blocking="The shares add up to zero; there is no whole to divide.")
        if all(p.unit == "%" for p in pts) and total > _HUNDRED + _TOLERANCE:
            notes.append(f"The shares{(' for ' + name) if name else ''} add up to {plain(total)}%, not 100%; "
                         "they are drawn in proportion.")
    return Check(notes=notes)


def draw(f: Frame) -> None:
    spec = f.spec
    box = f.plot
    c = f.colours
    rows = _rows(spec, list(f.data.points))
    n = len(rows)
    name_pt = f.label_pt
    big_pt = f.value_pt * 1.9
    title_pt = f.label_pt
    line_h = f.line_height(name_pt)
    row_title_h = f.line_height(title_pt) + f.u(0.1) if any(name for name, _ in rows) and n > 1 else 0.0
    bar_h = min(f.u(2.3), max(f.u(0.35), (box.h / n) * 0.42))
    names_h = 2 * line_h + f.u(0.12)
    pitch = row_title_h + names_h + bar_h + f.u(0.55)
    block = n * pitch - f.u(0.55)
    top = box.top - max(box.h - block, 0) * 0.4
    greys = [c.other, "#C9D0D6", "#7D8791"]

    for r, (row_name, pts) in enumerate(rows):
        y_top = top - r * pitch
        if row_title_h:
            f.text(box.x, y_top, row_name, size=title_pt, bold=True, va="top")
        segs, total = segments(spec, pts)
        bar_top = y_top - row_title_h - names_h
        bar_y = bar_top - bar_h
        x = box.x
        g = 0
        for i, seg in enumerate(segs):
            w = float(seg.value / total) * box.w if total else 0.0
            if seg.remainder:
                fill = c.grid
            elif i == 0:
                fill = c.accent
            else:
                fill = greys[g % len(greys)]
                g += 1
            f.rect(x, bar_y, w, bar_h, fill)
            if i:
                f.line([x, x], [bar_y, bar_top], c.background, max(2.5 * f.s, 1.0))  # a hairline gap
            size = f.fit_size(seg.text, big_pt, w - 2 * f.u(0.25), bold=True, floor=f.tick_pt)
            inside = f.width(seg.text, size, bold=True) <= w - 2 * f.u(0.2) and size >= f.label_pt
            colour = text_on(f.theme, fill) if inside else c.ink
            if inside:
                f.text(x + f.u(0.25), bar_y + bar_h / 2, seg.text, size=size, bold=True, color=colour,
                       va="center_baseline", clean=False)
            name_w = max(w - f.u(0.1), f.u(1.2)) if i < len(segs) - 1 else w
            label = seg.name if inside else f"{seg.name} {seg.text}"
            wrapped = f.wrap(label, name_pt, name_w, max_lines=2)
            # Names sit over their segment; the last segment's name aligns right so it never runs off.
            last = i == len(segs) - 1 and i > 0
            f.text(x + w if last else x, bar_top + f.u(0.12), wrapped, size=name_pt,
                   color=c.ink if not seg.remainder else c.muted, ha="right" if last else "left",
                   va="bottom", clean=False)
            x += w
