"""The deck's native chart bodies, one builder per chart kind: PowerPoint charts, a table or text tiles,
with the PDF's number formats as Excel number formats and label colours picked by contrast.

Every kind has a native form: bar, grouped bar, line and multiples are PowerPoint bar, column and
line charts; share is a 100 % stacked bar; range is a floating bar (a stacked bar whose first
series is invisible); timeline is a table (When | What), which screen readers read in order and
which never overlaps a label with a marker; key figures are text tiles. Only a chart its own checks
refuse goes in as a picture (deck.py), so the slide can show the reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from briefing.charts.data import ChartData, Point, point_date
from briefing.charts.fmt import (
    CURRENCY_SYMBOL,
    category_names,
    common_unit,
    period_text,
    said,
    value_text,
    value_texts,
)
from briefing.charts.kinds.common import Measure, highlight_match, labels_option
from briefing.charts.style import Colours, families, text_on
from briefing.domain.charts import ChartKind, ChartSpec
from briefing.domain.labels import QUALIFIERS
from briefing.domain.text import typographic
from briefing.theme import Theme

if TYPE_CHECKING:
    from pptx.chart.chart import Chart
    from pptx.chart.data import CategoryChartData
    from pptx.chart.datalabel import DataLabel, DataLabels
    from pptx.chart.series import _BaseCategorySeries
    from pptx.dml.chtfmt import ChartFormat
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
    from pptx.oxml.xmlchemy import BaseOxmlElement
    from pptx.shapes.autoshape import Shape
    from pptx.shapes.base import BaseShape
    from pptx.slide import Slide
    from pptx.text.text import Font

LABEL_PT = 16
TICK_PT = 13
WHITE = "#FFFFFF"


@dataclass(frozen=True)
class Area:
    """Where on the slide the chart body goes, in inches."""

    x: float
    y: float
    w: float
    h: float


# ---- Number formats


_LABEL = re.compile(
    r"^(?P<neg>[−-])?(?P<sym>[$¥€£])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d+))?(?P<suf>[TBMK])?(?P<unit>%|×)?$"
)
# Excel divides by 1,000 for each comma after the last digit placeholder: "0,,,"B"" shows 1e11 as 100B.
_SCALING = {"T": ",,,,", "B": ",,,", "M": ",,", "K": ",", "": ""}


def excel_format(text: str) -> str | None:
    """The Excel number format that writes a value as the chart formatter wrote it ("100B",
    "$650B", "5.16T", "61%", "6.7×"), for the value stored unscaled; None when no number format
    can ("1/6", "140 trillion"), and the label is then set as text."""
    said_, text = _unsaid(text)
    m = _LABEL.match(text)
    if not m:
        return None
    digits = "#,##0" if "," in m["int"] else "0"
    if m["dec"]:
        digits += "." + "0" * len(m["dec"])
    tail = (m["suf"] or "") + (m["unit"] or "")
    body = digits + _SCALING[m["suf"] or ""] + (f'"{tail}"' if tail else "")
    symbol = f'"{m["sym"]}"' if m["sym"] else ""
    # A second section for negatives, with the typographic minus the text formatter uses.
    if said_:  # the source's qualifier stays in front: "over 100K"
        return f'"{said_}"{symbol}{body};"{said_}−"{symbol}{body}'
    return f'{symbol}{body};"−"{symbol}{body}'


def _unsaid(text: str) -> tuple[str, str]:
    """("over ", "100K") from "over 100K": a value label's qualifier apart from its number."""
    for word in sorted(set(QUALIFIERS.values()), key=len, reverse=True):
        if text.startswith(word + " "):
            return word + " ", text[len(word) + 1:]
    return "", text


_FACTORS = {"T": 10**12, "B": 10**9, "M": 10**6, "K": 10**3, "": 1}


def _writes(value: float | None, text: str) -> bool:
    """Whether the value, in the format excel_format makes of text, reads as text: the number the
    text shows, times its suffix, is the value to the text's last digit. A label whose number is
    not the point's value (a percent format over a scaled metric, say) is then set as text."""
    m = _LABEL.match(_unsaid(text)[1])
    if m is None or value is None:
        return False
    shown = Decimal(m["int"].replace(",", "") + (f".{m['dec']}" if m["dec"] else ""))
    if m["neg"]:
        shown = -shown
    factor = _FACTORS[m["suf"] or ""]
    half_step = Decimal(1).scaleb(-len(m["dec"] or "")) * factor / 2
    return abs(Decimal(repr(value)) - shown * factor) <= half_step


def axis_format(points: Sequence[Point], spec: ChartSpec) -> str:
    """Tick labels in the formatter's style ("100B", "1T", "10T"): up to two conditions pick the
    suffix by size, as fmt.tick does tick by tick."""
    unit = common_unit(points, spec.unit)
    if unit == "%" or spec.number_format == "percent":
        return '0"%"'
    if unit in ("×", "x"):
        return '0"×"'
    symbol = CURRENCY_SYMBOL.get(unit, "")
    sym = f'"{symbol}"' if symbol else ""
    biggest = max((abs(p.absolute) for p in points), default=Decimal(0))
    steps = [(Decimal(10) ** 12, "T"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(1000), "K")]
    used = [(f, s) for f, s in steps if biggest >= f][:3]
    if not used:
        return f"{sym}#,##0"
    sections = [f'[>={int(f)}]{sym}#,##0{_SCALING[s]}"{s}"' for f, s in used[:2]]
    if len(used) == 3:
        _, s = used[2]
        sections.append(f'{sym}#,##0{_SCALING[s]}"{s}"')
    else:
        sections.append(f"{sym}#,##0")
    return ";".join(sections)


# ---- Small helpers over python-pptx


def rgb(hex_color: str) -> RGBColor:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_color.lstrip("#").upper())


def _fill(fmt: ChartFormat, colour: str | None) -> None:
    """A solid fill, or none at all (the invisible first series of a floating bar)."""
    if colour is None:
        fmt.fill.background()
        fmt.line.fill.background()
        return
    fmt.fill.solid()
    fmt.fill.fore_color.rgb = rgb(colour)


def _add_chart(slide: Slide, kind: XL_CHART_TYPE, area: Area, data: CategoryChartData) -> Chart:
    """python-pptx's add_chart as it behaves: its hints ask for ChartData (a subclass of the
    CategoryChartData it takes) and promise a Chart, where it returns the chart's GraphicFrame."""
    from pptx.shapes.graphfrm import GraphicFrame
    from pptx.util import Inches

    box = (Inches(area.x), Inches(area.y), Inches(area.w), Inches(area.h))
    frame = slide.shapes.add_chart(kind, *box, data)  # type: ignore[arg-type]  # python-pptx hint too narrow
    return cast(GraphicFrame, frame).chart


def _font(font: Font, theme: Theme, *, size: float, colour: str, bold: bool = False) -> None:
    from pptx.util import Pt

    font.size = Pt(size)
    font.bold = bold
    font.name = families(theme)[0]
    font.color.rgb = rgb(colour)


def _label(series: _BaseCategorySeries, i: int, text: str, theme: Theme, *, colour: str,
           position: XL_LABEL_POSITION | None = None, size: float = LABEL_PT, with_name: bool = False,
           as_text: bool = False) -> None:
    """Point i's data label reads `text`: the value in a number format that writes it so, which
    keeps the label live when the value is edited, or the text itself when no format can or the
    point's value is not the number shown (as_text)."""
    label: DataLabel = series.points[i].data_label
    code = None if as_text or not _writes(series.values[i], text) else excel_format(text)
    if code is None:
        label.text_frame.text = text
        _font(label.text_frame.paragraphs[0].runs[0].font, theme, size=size, colour=colour, bold=True)
    else:
        _font(label.font, theme, size=size, colour=colour, bold=True)
        dlbl = label._get_or_add_dLbl()  # no python-pptx API for a point label's format or contents
        _number_format(dlbl, code)
        if with_name:  # a point's own label shows only its value unless told: "Chinese models / 61%"
            from pptx.oxml.ns import qn

            dlbl.find(qn("c:showSerName")).set("val", "1")
            _separator_in(dlbl, "\n")
    if position is not None:
        label.position = position


def _number_format(dlbl: BaseOxmlElement, code: str) -> None:
    from pptx.oxml.ns import qn

    for old in dlbl.findall(qn("c:numFmt")):
        dlbl.remove(old)
    fmt = dlbl.makeelement(qn("c:numFmt"), {"formatCode": code, "sourceLinked": "0"})
    # Schema order: idx, layout, tx, numFmt, spPr, txPr, dLblPos, show*.
    for tag in ("c:spPr", "c:txPr", "c:dLblPos", "c:showLegendKey", "c:showVal"):
        anchor = dlbl.find(qn(tag))
        if anchor is not None:
            anchor.addprevious(fmt)
            return
    dlbl.append(fmt)


def _show_values_only(labels: DataLabels) -> None:
    labels.show_value = True
    labels.show_category_name = False
    labels.show_series_name = False
    labels.show_legend_key = False


def _style_text(chart: Chart, theme: Theme) -> None:
    from pptx.util import Pt

    # The slide's title placeholder carries the title; without this PowerPoint shows the series name.
    chart.has_title = False
    chart.font.size = Pt(14)
    chart.font.name = families(theme)[0]
    chart.font.color.rgb = rgb(theme.ink)


def _cell_text(cell_frame: object, text: str, theme: Theme, *, size: float, colour: str, bold: bool) -> None:
    from pptx.text.text import TextFrame

    tf = cast(TextFrame, cell_frame)
    tf.word_wrap = True
    tf.text = text
    for p in tf.paragraphs:
        for r in p.runs:
            _font(r.font, theme, size=size, colour=colour, bold=bold)
            _east_asian(r.font, theme)


def _east_asian(font: Font, theme: Theme) -> None:
    """East Asian text falls back to the CJK face, as in the PNG charts (no python-pptx API)."""
    from pptx.oxml.ns import qn

    rpr = font._element
    for old in rpr.findall(qn("a:ea")):
        rpr.remove(old)
    ea = rpr.makeelement(qn("a:ea"), {"typeface": families(theme)[1]})
    latin = rpr.find(qn("a:latin"))
    if latin is not None:
        latin.addnext(ea)
    else:
        rpr.append(ea)


# ---- The builders


def native_body(slide: Slide, spec: ChartSpec, data: ChartData, area: Area, colours: Colours,
                theme: Theme, measure: Measure) -> BaseShape | None:
    """Build the chart body; returns the shape that carries the alt text (None for tiles, whose
    text is what a screen reader reads)."""
    from pptx.shapes.graphfrm import GraphicFrame

    points = list(data.points)
    kind = spec.kind
    if kind is ChartKind.KEY_FIGURES:
        _key_figures(slide, spec, points, area, colours, theme, measure)
        return None
    if kind is ChartKind.TIMELINE:
        return _timeline(slide, spec, points, area, colours, theme)
    if kind in (ChartKind.BAR, ChartKind.MULTIPLES):
        chart = _bars(slide, spec, points, area, colours, theme)
    elif kind is ChartKind.GROUPED_BAR:
        chart = _grouped(slide, spec, points, area, colours, theme)
    elif kind is ChartKind.LINE:
        chart = _line(slide, spec, points, area, colours, theme)
    elif kind is ChartKind.SHARE:
        chart = _share(slide, spec, points, area, colours, theme)
    else:
        assert kind is ChartKind.RANGE
        chart = _range(slide, spec, points, area, colours, theme)
    frame = slide.shapes[-1]
    assert isinstance(frame, GraphicFrame) and frame.chart is not None and chart is not None
    return frame


def _bars(slide: Slide, spec: ChartSpec, points: list[Point], area: Area, colours: Colours,
          theme: Theme) -> Chart:
    """Ranked horizontal bars; multiples are the same bars measured from the 1× line."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_TICK_LABEL_POSITION

    multiples = spec.kind is ChartKind.MULTIPLES
    default_category, default_sort = ("label", "none") if multiples else ("auto", "value")
    names = category_names(points, str(spec.option("category", default_category)), labels_option(spec))
    pairs = list(zip(points, names))
    if spec.option("sort", default_sort) == "value":
        pairs.sort(key=lambda pn: pn[0].absolute, reverse=True)
    texts = value_texts([p for p, _ in pairs], spec.number_format, spec.unit)
    if multiples:
        # First row on top: a bar chart draws its first category at the bottom, and reverse_order
        # would move the value axis, which names the 1× line here, to the top.
        pairs.reverse()
        texts.reverse()
    cd = CategoryChartData(number_format=excel_format(texts[0]) or "General")
    cd.categories = [n for _, n in pairs]
    cd.add_series(typographic(spec.title)[:80] or "Values", [float(p.absolute) for p, _ in pairs])
    chart = _add_chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, area, cd)
    if not multiples:
        chart.category_axis.reverse_order = True  # first row on top, as in the PNG
    series = chart.plots[0].series[0]
    any_highlight = any(highlight_match(spec, p, n) for p, n in pairs)
    for i, (p, n) in enumerate(pairs):
        lit = not any_highlight or highlight_match(spec, p, n)
        _fill(series.points[i].format, chosen_colour(spec, p, colours.accent if lit else colours.other))
    _bar_common(chart, theme)
    if not multiples:
        axis_range(chart.value_axis, spec, [float(p.absolute) for p in points], zero=True)
    for i, ((p, _), text) in enumerate(zip(pairs, texts)):  # outside the bar's end: on the slide's background
        _label(series, i, said(p, text), theme, colour=theme.ink, position=XL_LABEL_POSITION.OUTSIDE_END)
    if multiples:
        from briefing.charts.kinds.multiples import reference_label

        # Bars grow from the 1× line, and the axis there says what 1× is.
        value_axis = chart.value_axis
        value_axis.visible = True
        value_axis.minimum_scale = 0
        value_axis.crosses_at = float(spec.option("reference", 1) or 1)
        value_axis.tick_label_position = XL_TICK_LABEL_POSITION.NONE
        value_axis.format.line.fill.background()
        value_axis.has_title = True
        title = value_axis.axis_title.text_frame
        title.text = typographic(reference_label(spec, ChartData(tuple(points))))
        _font(title.paragraphs[0].runs[0].font, theme, size=TICK_PT, colour=theme.muted)
    return chart


def _bar_common(chart: Chart, theme: Theme) -> None:
    from pptx.enum.chart import XL_TICK_MARK
    from pptx.util import Pt

    plot = chart.plots[0]
    plot.gap_width = 60
    plot.has_data_labels = True
    _show_values_only(plot.data_labels)
    value_axis = chart.value_axis
    value_axis.visible = False
    value_axis.has_major_gridlines = False
    cat = chart.category_axis
    cat.major_tick_mark = XL_TICK_MARK.NONE
    cat.format.line.color.rgb = rgb(theme.rule)
    cat.tick_labels.font.size = Pt(14)
    _style_text(chart, theme)


def _grouped(slide: Slide, spec: ChartSpec, points: list[Point], area: Area, colours: Colours,
             theme: Theme) -> Chart:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION

    from briefing.charts.kinds.grouped_bar import groups

    grouped = groups(spec, points)
    mode = str(spec.option("category", "auto"))
    labels = labels_option(spec)
    all_points = [p for _, pts in grouped for p in pts]
    texts = dict(zip((id(p) for p in all_points), value_texts(all_points, spec.number_format, spec.unit)))
    cd = CategoryChartData(number_format=excel_format(next(iter(texts.values()))) or "General")
    highlight = bool(spec.option("highlight"))
    if len(grouped) == 1:
        pts = grouped[0][1]
        names = category_names(pts, mode, labels)
        cd.categories = names
        cd.add_series(grouped[0][0] or typographic(spec.title)[:80], [float(p.absolute) for p in pts])
        chart = _add_chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, area, cd)
        series = chart.plots[0].series[0]
        _bar_common(chart, theme)
        for i, (p, n) in enumerate(zip(pts, names)):
            lit = highlight_match(spec, p, n) if highlight else i == 0
            _fill(series.points[i].format, chosen_colour(spec, p, colours.accent if lit else colours.other))
            _label(series, i, said(p, texts[id(p)]), theme, colour=theme.ink, position=XL_LABEL_POSITION.OUTSIDE_END)
        return chart
    per_group = [dict(zip(category_names(pts, mode, labels), pts)) for _, pts in grouped]
    entities = list(dict.fromkeys(n for g in per_group for n in g))
    cd.categories = [name for name, _ in grouped]
    for ent in entities:
        cd.add_series(ent, [(float(g[ent].absolute) if ent in g else None) for g in per_group])
    chart = _add_chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, area, cd)
    _bar_common(chart, theme)
    for i, (ent, series) in enumerate(zip(entities, chart.plots[0].series)):
        first = next(g[ent] for g in per_group if ent in g)
        if highlight:
            fill = colours.accent if highlight_match(spec, first, ent) else colours.other
        else:
            fill = colours.series[i % len(colours.series)]
        _fill(series.format, chosen_colour(spec, first, fill))
        for j, g in enumerate(per_group):
            if ent in g:
                _label(series, j, said(g[ent], texts[id(g[ent])]), theme, colour=theme.ink,
                       position=XL_LABEL_POSITION.OUTSIDE_END)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    axis_range(chart.value_axis, spec, [float(p.absolute) for p in all_points], zero=True)
    return chart


def chosen_colour(spec: ChartSpec, p: Point, default: str, key: str = "") -> str:
    """The colour the spec's `colours` option gives this point's series (or its own slug#0), as
    the PNG draws it (`Frame.series_colour`); else `default`."""
    chosen = {str(k): str(v) for k, v in dict(spec.option("colours") or {}).items()}
    for k in (key, p.series, str(p.ref)):
        if k and k in chosen:
            return chosen[k]
    return default


def axis_range(value_axis: Any, spec: ChartSpec, values: Sequence[float], *, zero: bool = False) -> None:
    """The spec's y_min/y_max on a native value axis, widened to the data (and a bar's zero) as the
    PNG's `Frame.value_range` does, so a range never hides a value."""
    data = [*values, *([0.0] if zero else [])]
    for name, pick, attr in (("y_min", min, "minimum_scale"), ("y_max", max, "maximum_scale")):
        given = spec.option(name)
        if isinstance(given, (int, float)) and data:
            setattr(value_axis, attr, pick(float(given), *data))


def _line(slide: Slide, spec: ChartSpec, points: list[Point], area: Area, colours: Colours,
          theme: Theme) -> Chart:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    from briefing.charts.kinds.line import series as line_series

    lines = line_series(points)
    texts = dict(zip((p.ref for p in points), value_texts(points, spec.number_format, spec.unit)))
    when = {p.ref: point_date(p) for p in points}
    # Date categories give PowerPoint a date axis, so uneven gaps between points stay uneven; only
    # when every point has a date and no line has two points on one date.
    dated = all(when.values()) and all(len({when[p.ref] for p in pts}) == len(pts) for _, pts in lines)

    def key(p: Point) -> date | str:
        return (when[p.ref] or "") if dated else (period_text(p.period) or p.label)

    cats: list[date | str] = sorted({d for d in when.values() if d}) if dated else list(dict.fromkeys(map(key, points)))
    cd = CategoryChartData(number_format=excel_format(next(iter(texts.values()))) or "General")
    cd.categories = cats
    if dated:
        cd.categories.number_format = "mmm yyyy"
    names = labels_option(spec)
    for k, pts in lines:
        by_cat = {key(p): p for p in pts}
        cd.add_series(names.get(k, pts[-1].entity or k),
                      [(float(by_cat[c].absolute) if c in by_cat else None) for c in cats])
    chart = _add_chart(slide, XL_CHART_TYPE.LINE_MARKERS, area, cd)
    plot = chart.plots[0]
    for i, ((k, pts), series) in enumerate(zip(lines, plot.series)):
        colour = chosen_colour(spec, pts[0], colours.series[i % len(colours.series)], k)
        series.format.line.color.rgb = rgb(colour)
        series.format.line.width = Pt(3)
        series.smooth = False
        series.marker.style = XL_MARKER_STYLE.CIRCLE
        series.marker.size = 9
        _fill(series.marker.format, colour)
        series.marker.format.line.color.rgb = rgb(theme.background)
        by_cat = {key(p): p for p in pts}
        idx = [j for j, c in enumerate(cats) if c in by_cat]
        for j in (idx if len(idx) <= 6 else [idx[0], idx[-1]]):
            position = XL_LABEL_POSITION.ABOVE if j != idx[-1] else XL_LABEL_POSITION.RIGHT
            _label(series, j, texts[by_cat[cats[j]].ref], theme, colour=theme.ink, position=position)
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = rgb(theme.grid)
    value_axis.format.line.fill.background()
    value_axis.tick_labels.number_format = axis_format(points, spec)
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.tick_labels.font.size = Pt(TICK_PT)
    value_axis.tick_labels.font.color.rgb = rgb(theme.muted)
    log = bool(spec.option("log"))
    if log:
        scaling = value_axis._element.find(qn("c:scaling"))  # no python-pptx API for log axes
        scaling.insert(0, scaling.makeelement(qn("c:logBase"), {"val": "10"}))
        # A tick every decade, from the decade below the smallest value to the one above the largest
        # (strictly: a point on a power of ten would sit on the axis line, under its own tick label).
        values = [float(p.absolute) for p in points if p.absolute > 0]
        value_axis.minimum_scale = 10 ** (math.ceil(math.log10(min(values))) - 1)
        value_axis.maximum_scale = 10 ** (math.floor(math.log10(max(values))) + 1)
        value_axis.major_unit = 10
    else:
        value_axis.minimum_scale = min(0.0, *(float(p.absolute) for p in points))  # from zero, as the PNG
    axis_range(value_axis, spec, [float(p.absolute) for p in points])
    axis_name = _axis_unit(spec.unit)
    if log or axis_name:
        # A log axis says so, and what it counts: "Tokens per day, log scale".
        value_axis.has_title = True
        title = value_axis.axis_title.text_frame
        title.text = ", ".join(t for t in (axis_name, "log scale" if log else "") if t)
        _font(title.paragraphs[0].runs[0].font, theme, size=TICK_PT, colour=theme.muted)
    cat = chart.category_axis
    cat.tick_labels.font.size = Pt(TICK_PT)
    cat.tick_labels.font.color.rgb = rgb(theme.muted)
    cat.format.line.color.rgb = rgb(theme.rule)
    if dated:
        _yearly_date_axis(cat._element)  # no python-pptx API for date-axis units
    chart.has_legend = len(lines) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    _style_text(chart, theme)
    return chart


_SCALE_WORDS = ("thousand ", "million ", "billion ", "trillion ")


def _axis_unit(unit: str) -> str:
    """What the value axis counts, without a scale word the ticks already carry ("million m³" is
    "m³" beside "60M"); "" for units the ticks show ("%", "×", currencies)."""
    text = typographic(unit.strip())
    if text in ("%", "×", "x") or text in CURRENCY_SYMBOL:
        return ""
    for word in _SCALE_WORDS:
        if text.lower().startswith(word):
            text = text[len(word):]
    first = text.split(" ", 1)[0]
    # A word is capitalised ("Tokens per day"); a symbol is not ("m³", "kWh").
    return text[:1].upper() + text[1:] if len(first) > 3 and first.isalpha() and first.islower() else text


def _yearly_date_axis(ax: BaseOxmlElement) -> None:
    """One labelled tick a year ("2024", "2025"): by default the axis labels every month between
    the first and last point, which crowds a two-year span into an unreadable row."""
    from pptx.oxml.ns import qn

    num_fmt = ax.find(qn("c:numFmt"))
    if num_fmt is not None:
        num_fmt.set("formatCode", "yyyy")
        num_fmt.set("sourceLinked", "0")
    for tag in ("c:baseTimeUnit", "c:majorUnit", "c:majorTimeUnit"):
        for old in ax.findall(qn(tag)):
            ax.remove(old)
    # Schema order after lblOffset: baseTimeUnit, majorUnit, majorTimeUnit, (minor...), extLst.
    anchor = ax.find(qn("c:lblOffset"))
    new = [ax.makeelement(qn("c:baseTimeUnit"), {"val": "months"}),
           ax.makeelement(qn("c:majorUnit"), {"val": "12"}),
           ax.makeelement(qn("c:majorTimeUnit"), {"val": "months"})]
    for el in reversed(new):
        if anchor is not None:
            anchor.addnext(el)
        else:
            ax.append(el)


def _share(slide: Slide, spec: ChartSpec, points: list[Point], area: Area, colours: Colours,
           theme: Theme) -> Chart:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION

    from briefing.charts.shapes import _rows, segments

    rows = _rows(spec, points)
    seg_rows = [segments(spec, pts)[0] for _, pts in rows]
    names = list(dict.fromkeys(s.name for segs in seg_rows for s in segs))
    first_text = seg_rows[0][0].text
    cd = CategoryChartData(number_format=excel_format(first_text) or "General")
    cd.categories = [name or typographic(spec.title)[:60] for name, _ in rows]
    for n in names:
        cd.add_series(n, [next((float(s.value) for s in segs if s.name == n), None) for segs in seg_rows])
    chart = _add_chart(slide, XL_CHART_TYPE.BAR_STACKED_100, area, cd)
    plot = chart.plots[0]
    plot.gap_width = 40
    plot.overlap = 100
    greys = [colours.other, "#C9D0D6", "#7D8791"]
    remainder_names = {s.name for segs in seg_rows for s in segs if s.remainder}
    g = 0
    plot.has_data_labels = True
    dl = plot.data_labels
    dl.show_series_name = True
    dl.show_value = True
    dl.position = XL_LABEL_POSITION.CENTER
    _separator(dl, "\n")
    for i, (n, series) in enumerate(zip(names, plot.series)):
        if n in remainder_names:
            colour = colours.grid
        elif i == 0:
            colour = colours.accent
        else:
            colour = greys[g % len(greys)]
            g += 1
        _fill(series.format, colour)
        for j, segs in enumerate(seg_rows):
            seg = next((s for s in segs if s.name == n), None)
            if seg is not None:  # inside the segment: white or ink, whichever reads on its fill
                _label(series, j, seg.text, theme, colour=text_on(theme, colour), with_name=True)
    chart.value_axis.visible = False
    chart.value_axis.has_major_gridlines = False
    chart.category_axis.visible = len(rows) > 1
    chart.category_axis.reverse_order = True
    chart.has_legend = False
    _style_text(chart, theme)
    return chart


def _separator(data_labels: DataLabels, text: str) -> None:
    """python-pptx has no setting for the label separator; "\n" puts the value under the name."""

    _separator_in(data_labels._element, text)


def _separator_in(dlbls: BaseOxmlElement, text: str) -> None:
    from pptx.oxml.ns import qn

    for old in dlbls.findall(qn("c:separator")):
        dlbls.remove(old)
    sep = dlbls.makeelement(qn("c:separator"), {})
    sep.text = text
    # Schema order: the separator follows showBubbleSize.
    anchor = dlbls.find(qn("c:showBubbleSize"))
    if anchor is not None:
        anchor.addnext(sep)
    else:
        dlbls.append(sep)


def _range(slide: Slide, spec: ChartSpec, points: list[Point], area: Area, colours: Colours,
           theme: Theme) -> Chart:
    """A floating bar: an invisible series from zero to each band's low end, then the band. The
    labels are text (the band's series holds high − low, not a number to show; "1/6" is no format)."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_TICK_MARK

    from briefing.charts.shapes import Band, _reciprocal, bands

    recip = _reciprocal(spec)
    rows = bands(spec, points)
    if recip:
        # The whole the fractions are of, as its own full bar: "1/6" reads against "100%".
        ref = Band(str(spec.option("reference_label", "") or "Reference"), 0.0, 100.0, "", "100%", ())
        rows = [ref, *rows]
    # A bar chart draws its first category at the bottom; rows go in reversed so the first is on
    # top and the value axis stays under the last (reverse_order would move the axis to the top).
    rows.reverse()
    cd = CategoryChartData(number_format='0"%"' if recip else "General")
    cd.categories = [typographic(b.name) for b in rows]
    cd.add_series("Start", [b.low for b in rows])
    cd.add_series("Range", [b.high - b.low for b in rows])
    chart = _add_chart(slide, XL_CHART_TYPE.BAR_STACKED, area, cd)
    plot = chart.plots[0]
    plot.gap_width = 70
    plot.overlap = 100
    start, span = plot.series
    _fill(start.format, None)
    for i, b in enumerate(rows):
        fill = colours.other if (recip and i == len(rows) - 1) else colours.accent
        _fill(span.points[i].format, fill)
        if b.low == b.high:
            # A single value has no band to draw: its label ends at its place on the axis.
            _label(start, i, b.high_text, theme, colour=theme.ink, position=XL_LABEL_POSITION.INSIDE_END,
                   as_text=True)
            continue
        if b.low_text:
            # Just left of the band, over the invisible bar: on the slide's background.
            _label(start, i, b.low_text, theme, colour=theme.ink, position=XL_LABEL_POSITION.INSIDE_END,
                   as_text=True)
        _label(span, i, b.high_text, theme, colour=text_on(theme, fill), position=XL_LABEL_POSITION.INSIDE_END,
                   as_text=True)
    value_axis = chart.value_axis
    value_axis.minimum_scale = min(0.0, *(b.low for b in rows))
    if recip:
        value_axis.maximum_scale = 100
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = rgb(theme.grid)
    value_axis.format.line.fill.background()
    value_axis.tick_labels.number_format = '0"%"' if recip else axis_format(points, spec)
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.tick_labels.font.color.rgb = rgb(theme.muted)
    cat = chart.category_axis
    cat.major_tick_mark = XL_TICK_MARK.NONE
    cat.format.line.color.rgb = rgb(theme.rule)
    chart.has_legend = False
    _style_text(chart, theme)
    return chart


def _timeline(slide: Slide, spec: ChartSpec, points: list[Point], area: Area, colours: Colours,
              theme: Theme) -> BaseShape:
    """A table, When | What, in time order: what a presenter can read out and edit."""
    from pptx.enum.text import MSO_ANCHOR
    from pptx.util import Inches

    from briefing.charts.shapes import items

    found, _skipped = items(spec, points)
    found.sort(key=lambda it: it.start)
    rows = [(it.when, typographic(it.name + (f" — {it.detail}" if it.detail else ""))) for it in found]
    size = 20 if len(rows) <= 4 else 16 if len(rows) <= 7 else 13  # a short table reads from the back
    row_h = size * 2.1 / 72
    height = min(area.h, row_h * (len(rows) + 1))
    shape = slide.shapes.add_table(len(rows) + 1, 2, Inches(area.x), Inches(area.y), Inches(area.w), Inches(height))
    table = shape.table
    table.columns[0].width = Inches(min(3.2, area.w * 0.3))
    table.columns[1].width = Inches(area.w) - table.columns[0].width
    header_fill = colours.accent
    # The table's own style draws bands in theme colours; the house fills replace them.
    table.horz_banding = False
    for c, text in enumerate(("When", "What")):
        cell = table.cell(0, c)
        cell.vertical_anchor = MSO_ANCHOR.MIDDLE  # rows are taller than their line
        cell.fill.solid()
        cell.fill.fore_color.rgb = rgb(header_fill)
        _cell_text(cell.text_frame, text, theme, size=size, colour=text_on(theme, header_fill), bold=True)
    for r, (when, what) in enumerate(rows, start=1):
        fill = colours.panel if r % 2 == 0 else colours.background
        for c, text in enumerate((when, what)):
            cell = table.cell(r, c)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            cell.fill.solid()
            cell.fill.fore_color.rgb = rgb(fill)
            _cell_text(cell.text_frame, text, theme, size=size, colour=theme.ink, bold=c == 0)
    for row in table.rows:
        row.height = Inches(row_h)
    return shape


def _key_figures(slide: Slide, spec: ChartSpec, points: list[Point], area: Area, colours: Colours,
                 theme: Theme, measure: Measure) -> None:
    """Tiles as text: the figure, what it counts, when. Each tile is one shape whose text a screen
    reader reads as a unit; a thin accent rule tops it, as in the PNG."""
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches, Pt

    from briefing.charts.kinds.key_figures import MAX_TILES, _grid

    shown = points[:MAX_TILES]
    names = category_names(shown, str(spec.option("category", "label")), labels_option(spec))
    values = [said(p, value_text(p, spec.number_format, spec.unit)) for p in shown]
    rows, cols = _grid(len(shown))
    gap, pad = 0.25, 0.2
    tile_w = (area.w - gap * (cols - 1)) / cols
    inner = tile_w - 2 * pad
    # One figure size for every tile, so the figures compare at a glance: the largest that fits.
    big = 54.0
    while big > 24 and any(measure.width(v, big, bold=True) > inner for v in values):
        big -= 2
    label_pt, when_pt = 16.0, 13.0
    wrapped = [measure.wrap(typographic(n), label_pt, inner, max_lines=4) for n in names]
    label_lines = max(w.count("\n") + 1 for w in wrapped)
    spacing = 6 / 72  # the paragraphs' space after
    content = (2 * pad + big * 1.2 / 72 + spacing + label_lines * label_pt * 1.2 / 72
               + (spacing + when_pt * 1.2 / 72 if any(p.period for p in shown) else 0) + 0.15)
    tile_h = min((area.h - gap * (rows - 1)) / rows, content)
    block_h = rows * tile_h + gap * (rows - 1)
    top = area.y + max(area.h - block_h, 0) * 0.4  # a little above the middle, as in the PNG
    for i, (p, name, value) in enumerate(zip(shown, names, values)):
        r, c = divmod(i, cols)
        x = area.x + c * (tile_w + gap)
        y = top + r * (tile_h + gap)
        plain_rectangle(slide, x, y, tile_w, 0.07, colours.accent)
        tile = plain_rectangle(slide, x, y + 0.07, tile_w, tile_h - 0.07, colours.panel)
        tf = tile.text_frame
        tf.word_wrap = True
        tf.vertical_anchor = MSO_ANCHOR.TOP
        tf.margin_left = tf.margin_right = Inches(pad)
        tf.margin_top = tf.margin_bottom = Inches(pad)
        when = period_text(p.period)
        lines = [(value, big, theme.ink, True), (typographic(name), label_pt, theme.ink, False)]
        if when:
            lines.append((when, when_pt, theme.muted, False))
        for k, (text, size, colour, bold) in enumerate(lines):
            para = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
            para.space_after = Pt(6)
            para.alignment = PP_ALIGN.LEFT  # a shape centres its text by default
            run = para.add_run()
            run.text = text
            _font(run.font, theme, size=size, colour=colour, bold=bold)
            _east_asian(run.font, theme)


def plain_rectangle(slide: Slide, x: float, y: float, w: float, h: float, colour: str) -> Shape:
    """A filled rectangle with no outline and no theme style: python-pptx gives an autoshape the
    template's style (outline, and a shadow LibreOffice draws), which house panels do not have."""
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.oxml.ns import qn
    from pptx.util import Inches

    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h))
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)
    shape.fill.solid()
    shape.fill.fore_color.rgb = rgb(colour)
    shape.line.fill.background()
    return shape
