"""Ranked horizontal bars: name above each bar, value at its end, no axis (the labels carry the numbers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from briefing.charts.data import ChartData
from briefing.charts.fmt import category_names, common_unit, said, value_texts
from briefing.charts.kinds.common import Check, Frame, check_common, highlight_match, labels_option
from briefing.domain.charts import ChartSpec


@dataclass(frozen=True)
class Row:
    name: str
    value: float
    text: str
    fill: str


def ranked_rows(f: Frame, *, category: str, sort: str) -> list[Row]:
    """One bar per point, named by the spec's category option, sorted by value if asked, with the
    highlighted entities (or all, when none is named) in the accent colour."""
    spec = f.spec
    points = list(f.data.points)
    names = category_names(points, str(spec.option("category", category)), labels_option(spec))
    pairs = list(zip(points, names))
    if spec.option("sort", sort) == "value":
        pairs.sort(key=lambda pn: pn[0].absolute, reverse=True)
    any_highlight = any(highlight_match(spec, p, n) for p, n in pairs)
    texts = value_texts([p for p, _ in pairs], spec.number_format, spec.unit)
    return [
        Row(
            name=n,
            value=float(p.absolute),
            text=said(p, text),
            fill=f.series_colour(
                p, f.colours.accent if (not any_highlight or highlight_match(spec, p, n)) else f.colours.other),
        )
        for (p, n), text in zip(pairs, texts)
    ]


def check(spec: ChartSpec, data: ChartData) -> Check:
    return check_common(spec, data) or Check()


def draw(f: Frame) -> None:
    spec = f.spec
    points = list(f.data.points)
    rows = ranked_rows(f, category="auto", sort="value")
    unit = common_unit(points, spec.unit)
    values = [r.value for r in rows]
    # Percentages of a whole get a faint track to 100%, so 70% reads as most of the way there.
    track = 100.0 if unit == "%" and min(values) >= 0 and max(values) <= 100 else None
    hbars(f, rows, track=track)


def hbars(
    f: Frame,
    rows: Sequence[Row],
    *,
    track: float | None = None,
    value_pt: float | None = None,
    reference: tuple[float, str] | None = None,
) -> None:
    """Draw one bar per row into f.plot; shared by the bar and multiples kinds."""
    box = f.plot
    c = f.colours
    n = len(rows)
    name_pt = f.label_pt
    val_pt = value_pt or f.value_pt
    pad = f.u(0.16)
    val_w = max(f.width(r.text, val_pt, bold=True) for r in rows) + pad
    values = [r.value for r in rows]
    vmin, vmax = f.value_range(min(0.0, *values), max(0.0, *values, track or 0.0, reference[0] if reference else 0.0))
    if vmax == vmin:
        vmax = vmin + 1.0

    line_h = f.line_height(name_pt)
    # The reference label hangs under the last bar; keep room for it inside the plot box.
    room = box.h - (f.line_height(f.tick_pt) + f.u(0.25) if reference else 0.0)
    gap_nb = f.u(0.1)
    min_t, max_t = max(f.u(0.16), 0.06), f.u(1.1)
    min_gap, max_gap = f.u(0.22), f.u(0.7)
    names_above = n * (line_h + gap_nb + min_t + min_gap) <= room + min_gap

    if names_above:
        wrapped = [f.wrap(r.name, name_pt, box.w, max_lines=2) for r in rows]
        name_h = max(w.count("\n") + 1 for w in wrapped) * line_h
        if n * (name_h + gap_nb + min_t + min_gap) > room + min_gap:
            wrapped = [f.wrap(r.name, name_pt, box.w, max_lines=1) for r in rows]
            name_h = line_h
        avail = (room + min_gap) / n
        t = min(max(avail - name_h - gap_nb - min_gap, min_t), max_t)
        gap = min(max(avail - name_h - gap_nb - t, min_gap), max_gap)
        pitch = name_h + gap_nb + t + gap
        x_start, length = box.x, box.w - val_w
    else:
        # Too many rows to stack names over bars: names go in a right-aligned column on the left.
        name_col = min(max(f.width(r.name, name_pt) for r in rows), box.w * 0.34)
        wrapped = [f.wrap(r.name, name_pt, name_col, max_lines=1) for r in rows]
        name_h = 0.0
        pitch = room / n
        t = min(max(pitch * 0.62, f.u(0.05)), max_t)
        gap = pitch - t
        x_start = box.x + name_col + pad
        length = box.w - name_col - pad - val_w

    block = n * pitch - gap
    top = box.top - max(room - block, 0) * 0.4
    span = vmax - vmin

    def xpos(v: float) -> float:
        return x_start + (v - vmin) / span * length

    x0 = xpos(0.0)
    for i, (row, label) in enumerate(zip(rows, wrapped)):
        row_top = top - i * pitch
        bar_top = row_top - name_h - (gap_nb if names_above else 0)
        bar_y = bar_top - t
        if names_above:
            f.text(box.x, bar_top + gap_nb, label, size=name_pt, va="bottom", clean=False)
        else:
            f.text(x_start - pad, bar_y + t / 2, label, size=name_pt, ha="right", va="center_baseline", clean=False)
        if track is not None:
            f.rect(x0, bar_y, xpos(track) - x0, t, c.panel)
        x1 = xpos(row.value)
        lo, hi = sorted((x0, x1))
        if row.value != 0:
            hi = max(hi, lo + f.u(0.03))
        f.rect(lo, bar_y, hi - lo, t, row.fill)
        vt_size = min(val_pt, max(t / (1.25 / 72), f.tick_pt)) if not names_above else val_pt
        if row.value >= 0:
            f.text(hi + pad * 0.6, bar_y + t / 2, row.text, size=vt_size, bold=True, va="center_baseline", clean=False)
        else:
            f.text(lo - pad * 0.6, bar_y + t / 2, row.text, size=vt_size, bold=True, ha="right",
                   va="center_baseline", clean=False)
    if vmin < 0:
        f.line([x0, x0], [top - block - f.u(0.1), top + f.u(0.05)], c.ink, max(0.8 * f.s, 0.5))
    if reference is not None:
        # Dashed ticks across each bar rather than one long line, so the names above stay clear.
        ref_x = xpos(reference[0])
        lw = max(1.6 * f.s, 0.6)
        for i in range(n):
            bar_top = top - i * pitch - name_h - (gap_nb if names_above else 0)
            f.line([ref_x, ref_x], [bar_top - t - f.u(0.08), bar_top + f.u(0.08)], c.ink, lw, linestyle=(0, (2, 1.5)))
        f.text(ref_x, top - block - f.u(0.2), reference[1], size=f.tick_pt, color=c.muted, ha="left", va="top")
