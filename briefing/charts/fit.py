"""Which chart kinds fit a chart's data, and why the others do not (light: no matplotlib).

The rule the app greys kinds out by and the service refuses a save by, so the CLI and the app
agree: nothing to plot fits no kind; one value axis cannot mix units; a line needs a series of
two points or more; a timeline needs two dated points or more; shares cannot be negative.
"""

from __future__ import annotations

from collections import Counter

from briefing.charts.data import ChartData, Point
from briefing.charts.shapes import items
from briefing.domain.charts import ChartKind, ChartSpec

# Kinds that draw every point against one value axis.
_ONE_AXIS = (ChartKind.BAR, ChartKind.GROUPED_BAR, ChartKind.LINE, ChartKind.RANGE, ChartKind.SHARE)


def _unit_name(unit: str) -> str:
    return unit or "no unit"


def unfit_kinds(spec: ChartSpec, data: ChartData) -> dict[ChartKind, str]:
    """Every kind that does not fit `data`, with the reason a person can act on."""
    points = list(data.points)
    if not points:
        why = " ".join(data.warnings) or "The chart names no metric series and no metrics."
        return {k: f"There is nothing to plot. {why}" for k in ChartKind}
    out: dict[ChartKind, str] = {}
    units = Counter(p.unit for p in points)
    if len(units) > 1:
        shown = ", ".join(_unit_name(u) for u in units)
        for k in _ONE_AXIS:
            out[k] = (f"The data mixes units on one axis ({shown}); "
                      "use small multiples or key figures, or pick metrics of one unit.")
    if ChartKind.LINE not in out:
        by_series = Counter(p.series or p.ref.finding for p in points)
        if max(by_series.values()) < 2:
            out[ChartKind.LINE] = (f"A line needs a series of at least two points; "
                                   f"{_count(points)} cannot make one.")
    placed, _skipped = items(spec, points)
    if len(placed) < 2:
        out[ChartKind.TIMELINE] = (f"A timeline needs at least two points with a date or period; "
                                   f"this data has {len(placed)}.")
    if ChartKind.SHARE not in out:
        negative = [p for p in points if p.absolute < 0]
        if negative:
            out[ChartKind.SHARE] = f"Shares cannot be negative; “{negative[0].label}” is."
    return out


def _count(points: list[Point]) -> str:
    return "a single value" if len(points) == 1 else f"{len(points)} values in separate series"
