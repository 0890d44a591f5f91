"""Multiples ("6.7×, 15×, 62×"): bars measured from a 1× baseline that is marked, with big value labels."""

from __future__ import annotations

from briefing.charts.data import ChartData
from briefing.charts.fmt import category_names, value_text, value_texts
from briefing.charts.kinds.bar import Row, hbars
from briefing.charts.kinds.common import Check, Frame, check_common, highlight_match, labels_option
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
    points = list(f.data.points)
    names = category_names(points, str(spec.option("category", "label")), labels_option(spec))
    pairs = list(zip(points, names))
    if spec.option("sort", "none") == "value":
        pairs.sort(key=lambda pn: pn[0].absolute, reverse=True)
    any_highlight = any(highlight_match(spec, p, n) for p, n in pairs)
    texts = value_texts([p for p, _ in pairs], spec.number_format, spec.unit)
    rows = [
        Row(
            name=n,
            value=float(p.absolute),
            text=text,
            fill=f.colours.accent if (not any_highlight or highlight_match(spec, p, n)) else f.colours.other,
        )
        for (p, n), text in zip(pairs, texts)
    ]
    ref = float(spec.option("reference", 1) or 1)
    hbars(f, rows, value_pt=f.value_pt * 1.45, reference=(ref, reference_label(spec, f.data)))
