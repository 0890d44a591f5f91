"""Multiples ("6.7×, 15×, 62×"): bars measured from a 1× baseline that is marked, with big value labels."""

from __future__ import annotations

from briefing.charts.data import ChartData
from briefing.charts.fmt import value_text
from briefing.charts.kinds.bar import hbars, ranked_rows
from briefing.charts.kinds.common import Check, Frame, check_common
from briefing.domain.charts import ChartSpec


def check(spec: ChartSpec, data: ChartData) -> Check:
    common = check_common(spec, data)
    if common:
        return common
    bad = [p for p in data.points if p.absolute <= 0]
    if bad:
        return Check(blocking=f"Multiples must be above zero; “{bad[0].label}” is {value_text(bad[0])}.")
    return Check()


def reference_label(spec: ChartSpec, data: ChartData) -> str:
    """ "1× = NVL144" from an entity such as "Atlas 950 SuperPoD vs NVL144", unless the spec says."""
    given = str(spec.option("reference_label", "") or "")
    if given:
        return given
    for p in data.points:
        for sep in (" vs ", " vs. ", " versus "):
            if sep in p.entity:
                return f"1× = {p.entity.split(sep, 1)[1].strip()}"
    return "1× = baseline"


def draw(f: Frame) -> None:
    spec = f.spec
    rows = ranked_rows(f, category="label", sort="none")
    ref = float(spec.option("reference", 1) or 1)
    hbars(f, rows, value_pt=f.value_pt * 1.45, reference=(ref, reference_label(spec, f.data)))
