"""One module per chart kind, each a `check(spec, data)` and a `draw(frame)`; KINDS maps kind to module."""

from __future__ import annotations

from types import ModuleType

from briefing.charts.kinds import bar, grouped_bar, key_figures, line, multiples, range, share, timeline
from briefing.domain.charts import ChartKind

KINDS: dict[ChartKind, ModuleType] = {
    ChartKind.BAR: bar,
    ChartKind.GROUPED_BAR: grouped_bar,
    ChartKind.LINE: line,
    ChartKind.SHARE: share,
    ChartKind.RANGE: range,
    ChartKind.TIMELINE: timeline,
    ChartKind.KEY_FIGURES: key_figures,
    ChartKind.MULTIPLES: multiples,
}
assert set(KINDS) == set(ChartKind)
