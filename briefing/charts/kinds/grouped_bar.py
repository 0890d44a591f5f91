"""Grouped columns: one group per series, one column per entity, names under and values over each column."""

from __future__ import annotations

from briefing.charts.data import ChartData, Point
from briefing.charts.fmt import category_names, period_text, said, value_texts
from briefing.charts.kinds.common import Check, Frame, check_common, labels_option
from briefing.domain.charts import ChartSpec


def check(spec: ChartSpec, data: ChartData) -> Check:
    return check_common(spec, data) or Check()


def groups(spec: ChartSpec, points: list[Point]) -> list[tuple[str, list[Point]]]:
    """Points by series in first-seen order; explicit metrics without a series form their own group."""
    out: dict[str, list[Point]] = {}
    for p in points:
        out.setdefault(p.series or str(p.ref.finding), []).append(p)
    labels = labels_option(spec)
    named: list[tuple[str, list[Point]]] = []
    for key, pts in out.items():
        name = labels.get(key, "")
        if not name:
            periods = {p.period for p in pts}
            shared = {p.label for p in pts}
            if len(shared) == 1:
                name = next(iter(shared))
            else:
                name = period_text(periods.pop()) if len(periods) == 1 else key
        named.append((name, pts))
    return named


def entity_colours(f: Frame, points: list[Point], names: list[str]) -> dict[str, str]:
    """The highlighted entity (option, else the first) in the accent; the rest in greys or palette."""
    want = str(f.spec.option("highlight", "") or "").strip().lower()
    order = list(dict.fromkeys(names))
    first = next((n for n, p in zip(names, points) if want and want in (n.lower(), p.entity.lower())), order[0])
    others = [n for n in order if n != first]
    colours = {first: f.colours.accent}
    # One comparison colour reads as "the rest"; several need telling apart, so they take the palette.
    fills = [f.colours.other] if len(others) <= 1 else list(f.colours.series[1:]) or [f.colours.other]
    for i, n in enumerate(others):
        colours[n] = fills[i % len(fills)]
    return colours


def draw(f: Frame) -> None:
    spec = f.spec
    box = f.plot
    c = f.colours
    grouped = groups(spec, list(f.data.points))
    multi = len(grouped) > 1
    labels = labels_option(spec)
    mode = str(spec.option("category", "auto"))
    bar_names = [category_names(pts, mode, labels) for _, pts in grouped]
    all_points = [p for _, pts in grouped for p in pts]
    all_names = [n for names in bar_names for n in names]
    colours = entity_colours(f, all_points, all_names)

    values = [float(p.absolute) for p in all_points]
    vmin, vmax = f.value_range(min(0.0, *values), max(0.0, *values))
    if vmax == vmin:
        vmax = vmin + 1.0

    n_bars = len(all_points)
    gap_groups = 1.0 if multi else 0.0
    slots = n_bars + gap_groups * (len(grouped) - 1)
    slot_w = box.w / max(slots, 1)
    bar_w = min(slot_w * 0.72, f.u(2.3))
    # Centre the block: a two-column comparison should not hug the left edge.
    block_w = slot_w * slots if slot_w * 0.72 <= f.u(2.3) else (bar_w / 0.72) * slots
    x_left = box.x + (box.w - block_w) / 2
    pitch = block_w / max(slots, 1)

    name_pt = f.label_pt
    val_pt = f.value_pt * 1.15
    line_h = f.line_height(name_pt)
    wrapped = [[f.wrap(n, name_pt, pitch * 0.96, max_lines=3) for n in names] for names in bar_names]
    name_lines = max(w.count("\n") + 1 for ws in wrapped for w in ws)
    group_pt = f.tick_pt
    group_wrapped: list[str] = []
    for gname, pts in grouped:
        gw = pitch * len(pts) + (pitch * gap_groups * 0.8 if multi else 0)
        group_wrapped.append(f.wrap(gname, group_pt, gw, bold=True, max_lines=2) if multi else "")
    group_lines = max((g.count("\n") + 1 for g in group_wrapped if g), default=0)
    bottom_band = name_lines * line_h + f.u(0.16)
    if multi:
        bottom_band += group_lines * f.line_height(group_pt) + f.u(0.22)
    top_band = f.line_height(val_pt) + f.u(0.12)
    base_y = box.y + bottom_band + (box.h - bottom_band - top_band) * (-vmin / (vmax - vmin))
    usable_h = box.h - bottom_band - top_band
    scale = usable_h / (vmax - vmin)

    texts = iter(value_texts(all_points, spec.number_format, spec.unit))
    i = 0
    for gi, ((_, pts), names, wnames) in enumerate(zip(grouped, bar_names, wrapped)):
        g_start = x_left + pitch * (i + gi * gap_groups)
        for j, (p, name, wname) in enumerate(zip(pts, names, wnames)):
            cx = g_start + pitch * (j + 0.5)
            v = float(p.absolute)
            h = v * scale
            lo, hi = sorted((base_y, base_y + h))
            if v != 0:
                hi = max(hi, lo + f.u(0.03))
            f.rect(cx - bar_w / 2, lo, bar_w, hi - lo, f.series_colour(p, colours[name]))
            label = next(texts)
            # The source's qualifier ("about 61%") where it fits above the column, else the bare value.
            if p.qualifier and f.width(said(p, label), val_pt, bold=True) <= pitch * 0.96:
                label = said(p, label)
            if v >= 0:
                f.text(cx, hi + f.u(0.1), label, size=val_pt, bold=True, ha="center", va="bottom", clean=False)
            else:
                f.text(cx, lo - f.u(0.1), label, size=val_pt, bold=True, ha="center", va="top", clean=False)
            f.text(cx, box.y + bottom_band - f.u(0.14), wname, size=name_pt, ha="center", va="top", clean=False)
        if multi:
            g_end = g_start + pitch * len(pts)
            y_rule = box.y + bottom_band - f.u(0.14) - name_lines * line_h - f.u(0.14)
            f.line([g_start + pitch * 0.1, g_end - pitch * 0.1], [y_rule, y_rule], c.rule, max(1.0 * f.s, 0.5))
            f.text((g_start + g_end) / 2, y_rule - f.u(0.08), group_wrapped[gi], size=group_pt, bold=True,
                   color=c.muted, ha="center", va="top", clean=False)
        i += len(pts)
    f.line([x_left, x_left + block_w], [base_y, base_y], c.ink, max(1.2 * f.s, 0.5))
