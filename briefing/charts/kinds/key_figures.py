"""Key-figure tiles: a few big numbers, each with what it counts and when, on quiet panels."""

from __future__ import annotations

import math

from briefing.charts.data import ChartData
from briefing.charts.fmt import category_names, period_text, said, value_text
from briefing.charts.kinds.common import Check, Frame, check_common, labels_option
from briefing.domain.charts import ChartSpec

MAX_TILES = 8


def check(spec: ChartSpec, data: ChartData) -> Check:
    common = check_common(spec, data)
    if common:
        return common
    if len(data.points) > MAX_TILES:
        return Check(notes=[f"Showing the first {MAX_TILES} of {len(data.points)} figures."])
    return Check()


def _grid(n: int) -> tuple[int, int]:
    if n <= 4:
        return 1, n
    cols = math.ceil(n / 2)
    return 2, cols


def draw(f: Frame) -> None:
    spec = f.spec
    box = f.plot
    c = f.colours
    points = list(f.data.points)[:MAX_TILES]
    names = category_names(points, str(spec.option("category", "label")), labels_option(spec))
    values = [said(p, value_text(p, spec.number_format, spec.unit)) for p in points]
    rows, cols = _grid(len(points))
    gap = f.u(0.35)
    tile_w = (box.w - gap * (cols - 1)) / cols
    pad = f.u(0.35)
    inner = tile_w - 2 * pad
    label_pt = f.label_pt
    when_pt = f.tick_pt
    rule_h = max(f.u(0.09), 0.035)

    # One number size for every tile so the figures compare at a glance: the largest that fits them all.
    big = f.value_pt * 3.2
    big = min([big] + [f.fit_size(v, big, inner, bold=True, floor=f.value_pt) for v in values])
    labels = [f.wrap(n, label_pt, inner, max_lines=4) for n in names]
    whens = [period_text(p.period) for p in points]
    label_lines = max(lbl.count("\n") + 1 for lbl in labels)
    content_h = (
        rule_h + pad + f.line_height(big, 1.0) + f.u(0.25) + label_lines * f.line_height(label_pt)
        + (f.u(0.15) + f.line_height(when_pt) if any(whens) else 0) + pad
    )
    max_tile_h = (box.h - gap * (rows - 1)) / rows
    tile_h = min(max_tile_h, content_h + f.u(0.2))
    block_h = rows * tile_h + gap * (rows - 1)
    top = box.top - max(box.h - block_h, 0) * 0.4

    for i, (value, label, when) in enumerate(zip(values, labels, whens)):
        r, col = divmod(i, cols)
        x = box.x + col * (tile_w + gap)
        y_top = top - r * (tile_h + gap)
        f.rect(x, y_top - tile_h, tile_w, tile_h, c.panel)
        f.rect(x, y_top - rule_h, tile_w, rule_h, c.accent)
        y = y_top - rule_h - pad
        t = f.text(x + pad, y, value, size=big, bold=True, color=c.ink, va="top", clean=False)
        y -= f.text_height(t) + f.u(0.25)
        t = f.text(x + pad, y, label, size=label_pt, color=c.ink, va="top", clean=False)
        if when:
            f.text(x + pad, y_top - tile_h + pad, when, size=when_pt, color=c.muted, va="bottom")
