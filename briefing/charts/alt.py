"""Alt text from the data: names the kind, each value with its unit, and the period."""

from __future__ import annotations

from collections.abc import Sequence

from briefing.charts.data import ChartData, Point
from briefing.charts.fmt import category_names, period_text, spoken
from briefing.domain.charts import ChartKind, ChartSpec


def _join(items: Sequence[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return "; ".join(items[:-1]) + f"; and {items[-1]}"


def _shared_period(points: Sequence[Point]) -> str:
    periods = {p.period for p in points}
    return period_text(periods.pop()) if len(periods) == 1 else ""


def alt_text(spec: ChartSpec, data: ChartData) -> str:
    """The spec's own alt text, else a sentence built from the plotted values."""
    if spec.alt_text.strip():
        return spec.alt_text.strip()
    kind = spec.kind.label
    kind_phrase = kind[0].upper() + kind[1:] + ("" if spec.kind is ChartKind.KEY_FIGURES else " chart")
    if spec.kind is ChartKind.LINE and spec.option("log"):
        kind_phrase += " on a log scale"
    head = f"{kind_phrase}: {spec.title.rstrip('.')}"
    points = list(data.points)
    if not points:
        return f"{head}. No data is available for this chart."
    shared = _shared_period(points)
    mode = str(spec.option("category", "label" if spec.kind in (ChartKind.KEY_FIGURES, ChartKind.TIMELINE,
                                                                   ChartKind.MULTIPLES) else "auto"))
    names = category_names(points, mode, dict(spec.option("labels") or {}))

    if spec.kind is ChartKind.LINE:
        parts = []
        by_series: dict[str, list[tuple[Point, str]]] = {}
        for p, n in zip(points, names):
            by_series.setdefault(p.series or p.entity, []).append((p, n))
        for key, items in by_series.items():
            first, last = items[0][0], items[-1][0]
            who = first.entity or key
            if len(items) == 1:
                parts.append(f"{who}: {spoken(first)} ({period_text(first.period) or first.label})")
            else:
                parts.append(f"{who} rose from {spoken(first)} ({period_text(first.period) or first.label}) "
                             f"to {spoken(last)} ({period_text(last.period) or last.label})"
                             if last.absolute >= first.absolute else
                             f"{who} fell from {spoken(first)} ({period_text(first.period) or first.label}) "
                             f"to {spoken(last)} ({period_text(last.period) or last.label})")
        body = _join(parts)
    elif spec.kind is ChartKind.TIMELINE:
        from briefing.charts.shapes import items as timeline_items

        placed, _ = timeline_items(spec, points)
        body = _join([f"{it.name}{': ' + it.detail if it.detail else ''} ({it.when})" for it in placed])
    elif spec.kind is ChartKind.RANGE:
        from briefing.charts.shapes import bands

        parts = []
        whole = str(spec.option("reference_label", "") or "the reference")
        whole = whole[0].lower() + whole[1:] if whole[1:2].islower() else whole
        for b in bands(spec, points):
            lo, hi = b.points[0], b.points[-1]
            if spec.option("reciprocal"):
                parts.append(f"{b.name}: {spoken(lo)} to {spoken(hi)} of {whole}" if lo is not hi
                             else f"{b.name}: {spoken(lo)} of {whole}")
            else:
                parts.append(f"{b.name}: {spoken(lo)} to {spoken(hi)}" if lo is not hi else f"{b.name}: {spoken(lo)}")
        body = _join(parts)
    elif spec.kind is ChartKind.SHARE:
        from briefing.charts.shapes import segments

        segs, _ = segments(spec, points)
        body = _join([f"{s.name}: {s.text}" for s in segs])
    else:
        parts = []
        for p, n in zip(points, names):
            own_period = not shared and p.period and p.period not in n
            parts.append(f"{n}: {spoken(p)}" + (f" ({period_text(p.period)})" if own_period else ""))
        body = _join(parts)
    text = f"{head}. {body[0].upper() + body[1:] if body else ''}"
    if shared and spec.kind not in (ChartKind.LINE, ChartKind.TIMELINE):
        text += f", {shared}"
    text = text.rstrip(".") + "."
    if data.source:
        text += f" {data.source}."
    return text
