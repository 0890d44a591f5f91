"""A 16:9 PowerPoint deck, one chart a slide: native editable charts where PowerPoint has the kind,
high-resolution pictures with alt text where it does not."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from briefing.charts.alt import alt_text
from briefing.charts.data import ChartData, Point
from briefing.charts.fmt import CURRENCY_SYMBOL, category_names, common_unit, period_text
from briefing.charts.kinds.common import Measure
from briefing.charts.render import chart_warnings, check_chart, render_chart
from briefing.charts.style import SLIDE_WIDTH_IN, ChartSize, Colours, families
from briefing.domain.charts import ChartKind, ChartSpec
from briefing.domain.model import Scale
from briefing.fileio import atomic_write
from briefing.theme import Theme, default_theme

if TYPE_CHECKING:
    from pptx.chart.chart import Chart
    from pptx.chart.data import CategoryChartData
    from pptx.chart.datalabel import DataLabels
    from pptx.dml.chtfmt import ChartFormat
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.oxml.xmlchemy import BaseOxmlElement
    from pptx.shapes.base import BaseShape as Shape
    from pptx.shapes.graphfrm import GraphicFrame
    from pptx.slide import Slide
    from pptx.util import Length

SLIDE_W_EMU, SLIDE_H_EMU = 12_192_000, 6_858_000  # PowerPoint's own 16:9, 13.333 x 7.5 in
SLIDE_W_IN = SLIDE_W_EMU / 914_400
SLIDE_H_IN = SLIDE_H_EMU / 914_400
MARGIN_IN = 0.6
PICTURE_DPI = 200
NATIVE_KINDS = (ChartKind.BAR, ChartKind.GROUPED_BAR, ChartKind.LINE, ChartKind.SHARE)


@dataclass(frozen=True)
class _Area:
    x: float
    y: float
    w: float
    h: float


def is_native(spec: ChartSpec, data: ChartData) -> bool:
    """Whether the deck builds this chart as an editable PowerPoint chart (else a picture)."""
    if spec.kind not in NATIVE_KINDS or not data.points:
        return False
    return check_chart(spec, data).blocking is None


def write_deck(items: Sequence[tuple[ChartSpec, ChartData]], path: Path | str, theme: Theme | None = None) -> None:
    """Write the deck to path atomically (a temp file beside it, then os.replace)."""
    from pptx import Presentation
    from pptx.util import Emu

    theme = theme or default_theme()
    prs = Presentation()
    prs.slide_width = Emu(SLIDE_W_EMU)
    prs.slide_height = Emu(SLIDE_H_EMU)
    blank = prs.slide_layouts[6]
    measure = Measure.for_theme(theme)
    for spec, data in items:
        slide = prs.slides.add_slide(blank)
        _slide(slide, spec, data, theme, measure)
    buf = io.BytesIO()
    prs.save(buf)
    atomic_write(Path(path), buf.getvalue())


# ---- One slide


def _rgb(hex_color: str) -> RGBColor:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_color.lstrip("#").upper())


def _textbox(slide: Slide, x: float, y: float, w: float, h: float, text: str, *, size: float, colour: str,
             bold: bool = False, theme: Theme) -> Shape:
    from pptx.enum.text import MSO_ANCHOR
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.TOP
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = 0
    latin, cjk = families(theme)
    for i, line in enumerate(text.split("\n")):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = latin
        run.font.color.rgb = _rgb(colour)
        # East Asian runs fall back to the CJK face, as in the PNG charts.
        rpr = run.font._element  # python-pptx has no API for the east-asian typeface
        ea = rpr.makeelement("{http://schemas.openxmlformats.org/drawingml/2006/main}ea", {"typeface": cjk})
        rpr.append(ea)
    return box


def _slide(slide: Slide, spec: ChartSpec, data: ChartData, theme: Theme, measure: Measure) -> None:
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches

    colours = Colours.for_chart(theme, spec.accent)
    width = SLIDE_W_IN - 2 * MARGIN_IN
    tag = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(MARGIN_IN), Inches(0.42), Inches(0.5), Inches(0.06))
    tag.fill.solid()
    tag.fill.fore_color.rgb = _rgb(colours.accent)
    tag.line.fill.background()

    # Type sizes follow the chart theme, scaled from the 19.2 in chart to the 13.3 in slide.
    title_pt = max(theme.size("chart_title") * 0.9, 20.0)
    title = measure.wrap(spec.title, title_pt, width, bold=True, max_lines=99)
    if title.count("\n") >= 2:  # more than two lines: smaller type, and at most three lines
        title_pt = 20.0
        title = measure.wrap(spec.title, title_pt, width, bold=True, max_lines=3)
    title_h = (title.count("\n") + 1) * title_pt * 1.2 / 72
    y = 0.62
    _textbox(slide, MARGIN_IN, y, width, title_h, title, size=title_pt, colour=colours.ink, bold=True, theme=theme)
    y += title_h + 0.08
    if spec.subtitle:
        sub_pt = max(theme.size("chart_subtitle") * 0.85, 14.0)
        sub = measure.wrap(spec.subtitle, sub_pt, width, max_lines=2)
        sub_h = (sub.count("\n") + 1) * sub_pt * 1.2 / 72
        _textbox(slide, MARGIN_IN, y, width, sub_h, sub, size=sub_pt, colour=colours.muted, theme=theme)
        y += sub_h
    y += 0.3

    src_pt = max(theme.size("chart_source") * 0.85, 10.0)
    foot: list[tuple[str, str]] = []
    problems = chart_warnings(spec, data, theme)
    if problems:
        foot.append(("⚠ " + " ".join(problems), colours.warning))
    if spec.note.strip():
        note = spec.note.strip()
        foot.append((note if note.lower().startswith("note") else f"Note: {note}", colours.muted))
    if data.source:
        foot.append((data.source, colours.muted))
    yb = SLIDE_H_IN - 0.4
    for text, colour in reversed(foot):
        wrapped = measure.wrap(text, src_pt, width, max_lines=2)
        h = (wrapped.count("\n") + 1) * src_pt * 1.25 / 72
        yb -= h
        _textbox(slide, MARGIN_IN, yb, width, h, wrapped, size=src_pt, colour=colour, theme=theme)
        yb -= 0.04
    area = _Area(MARGIN_IN, y, width, max(yb - 0.2 - y, 1.0))

    description = alt_text(spec, data)
    if is_native(spec, data):
        frame = _native_chart(slide, spec, data, area, colours, theme)
        frame._element.nvGraphicFramePr.cNvPr.set("descr", description)
    else:
        # Type at the slide's scale: a 19.2 in chart shown 13.3 in wide, like the native charts' text.
        size = ChartSize("deck", area.w, area.h, PICTURE_DPI, SLIDE_W_IN / SLIDE_WIDTH_IN)
        # The slide carries the title and source; the picture is the chart body only.
        result = render_chart(spec, data, fmt="png", size=size, theme=theme, chrome=False)
        pic = slide.shapes.add_picture(io.BytesIO(result.data), Inches(area.x), Inches(area.y),
                                       Inches(area.w), Inches(area.h))
        # The alt text PowerPoint reads; python-pptx types the OneAndOnlyOne child as the descriptor itself.
        pic._element.nvPicPr.cNvPr.set("descr", description)  # type: ignore[union-attr]
    notes = slide.notes_slide.notes_text_frame
    if notes is not None:  # a notes master without a body placeholder has nowhere to put them
        notes.text = description


# ---- Native charts


def _scale_for(points: Sequence[Point]) -> tuple[Decimal, str]:
    """One divisor and suffix for a whole chart, so values stay numbers PowerPoint can edit."""
    biggest = max((abs(p.absolute) for p in points), default=Decimal(0))
    for scale in (Scale.TRILLION, Scale.BILLION, Scale.MILLION):
        if biggest >= scale.factor:
            return scale.factor, scale.suffix
    return Decimal(1), ""


def _number_format(points: Sequence[Point], spec: ChartSpec) -> tuple[Decimal, str]:
    unit = common_unit(points, spec.unit)
    if unit == "%" or spec.number_format == "percent":
        return Decimal(1), 'General"%"'
    if unit in ("×", "x"):
        return Decimal(1), 'General"×"'
    factor, suffix = _scale_for(points)
    symbol = CURRENCY_SYMBOL.get(unit, "")
    if not symbol and not suffix:
        whole = all(p.absolute == p.absolute.to_integral_value() for p in points)
        return factor, "#,##0" if whole else "General"
    body = f'General"{suffix}"' if suffix else "General"
    return factor, f'"{symbol}"{body}' if symbol else body


def _num(p: Point, factor: Decimal) -> float:
    return float(p.absolute / factor)


def _style_text(chart: Chart, theme: Theme, size: float) -> None:
    from pptx.util import Pt

    # The slide carries the title; without this PowerPoint shows the series name as a chart title.
    chart.has_title = False
    chart.font.size = Pt(size)
    chart.font.name = families(theme)[0]
    chart.font.color.rgb = _rgb(theme.ink)


def _fill(fmt: ChartFormat, colour: str) -> None:
    fmt.fill.solid()
    fmt.fill.fore_color.rgb = _rgb(colour)


def _add_chart(slide: Slide, kind: XL_CHART_TYPE, box: tuple[Length, Length, Length, Length],
               data: CategoryChartData) -> GraphicFrame:
    """python-pptx's add_chart as it behaves: its hints ask for ChartData (a subclass of the
    CategoryChartData it takes) and promise a Chart, where it returns the chart's GraphicFrame."""
    frame = slide.shapes.add_chart(kind, *box, data)  # type: ignore[arg-type]  # python-pptx hint too narrow
    return cast("GraphicFrame", frame)


def _native_chart(
    slide: Slide, spec: ChartSpec, data: ChartData, area: _Area, colours: Colours, theme: Theme
) -> GraphicFrame:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
    from pptx.util import Inches, Pt

    points = list(data.points)
    factor, fmt = _number_format(points, spec)
    x, y, cx, cy = Inches(area.x), Inches(area.y), Inches(area.w), Inches(area.h)
    labels = {str(k): str(v) for k, v in dict(spec.option("labels") or {}).items()}
    highlight = str(spec.option("highlight", "") or "").lower()

    chosen = {str(k): str(v) for k, v in dict(spec.option("colours") or {}).items()}

    def colour_for(p: Point, name: str, i: int) -> str:
        # A colour the spec gives this point's series (or its own reference) wins, as in the PNG.
        if p.series in chosen or str(p.ref) in chosen:
            return chosen.get(p.series) or chosen[str(p.ref)]
        if highlight:
            hit = highlight in (name.lower(), p.entity.lower(), p.label.lower(), str(p.ref).lower())
            return colours.accent if hit else colours.other
        return colours.accent if spec.kind is ChartKind.BAR or i == 0 else colours.other

    if spec.kind is ChartKind.BAR:
        names = category_names(points, str(spec.option("category", "auto")), labels)
        pairs = list(zip(points, names))
        if spec.option("sort", "value") == "value":
            pairs.sort(key=lambda pn: pn[0].absolute, reverse=True)
        cd = CategoryChartData(number_format=fmt)
        cd.categories = [n for _, n in pairs]
        cd.add_series(spec.title[:80] or "Values", [_num(p, factor) for p, _ in pairs])
        frame = _add_chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, (x, y, cx, cy), cd)
        chart = frame.chart
        chart.category_axis.reverse_order = True  # first row on top, as in the PNG
        series = chart.plots[0].series[0]
        for i, (p, n) in enumerate(pairs):
            _fill(series.points[i].format, colour_for(p, n, i))
        _bar_common(chart, theme)
        _axis_range(chart.value_axis, spec, points, factor, zero=True)
    elif spec.kind is ChartKind.GROUPED_BAR:
        from briefing.charts.kinds.grouped_bar import groups

        grouped = groups(spec, points)
        mode = str(spec.option("category", "auto"))
        cd = CategoryChartData(number_format=fmt)
        if len(grouped) == 1:
            names = category_names(grouped[0][1], mode, labels)
            cd.categories = names
            cd.add_series(grouped[0][0] or spec.title[:80], [_num(p, factor) for p in grouped[0][1]])
            frame = _add_chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, (x, y, cx, cy), cd)
            chart = frame.chart
            series = chart.plots[0].series[0]
            for i, (p, n) in enumerate(zip(grouped[0][1], names)):
                _fill(series.points[i].format, colour_for(p, n, i))
        else:
            per_group = [dict(zip(category_names(pts, mode, labels), pts)) for _, pts in grouped]
            entities = list(dict.fromkeys(n for g in per_group for n in g))
            cd.categories = [name for name, _ in grouped]
            for ent in entities:
                cd.add_series(ent, [(_num(g[ent], factor) if ent in g else None) for g in per_group])
            frame = _add_chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, (x, y, cx, cy), cd)
            chart = frame.chart
            for i, (ent, series) in enumerate(zip(entities, chart.plots[0].series)):
                first = next(g[ent] for g in per_group if ent in g)
                fill = colour_for(first, ent, i) if highlight or first.series in chosen \
                    else colours.series[i % len(colours.series)]
                _fill(series.format, fill)
            chart.has_legend = True
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
        _bar_common(chart, theme)
        _axis_range(chart.value_axis, spec, points, factor, zero=True)
    elif spec.kind is ChartKind.LINE:
        frame = _line_chart(slide, spec, points, factor, fmt, (x, y, cx, cy), colours, theme)
        chart = frame.chart
    else:  # ChartKind.SHARE
        from briefing.charts.shapes import _rows, segments

        rows = _rows(spec, points)
        seg_rows = [segments(spec, pts)[0] for _, pts in rows]
        names = list(dict.fromkeys(s.name for segs in seg_rows for s in segs))
        cd = CategoryChartData(number_format='General"%"' if all(p.unit == "%" for p in points) else fmt)
        cd.categories = [name or spec.title[:60] for name, _ in rows]
        for n in names:
            vals = []
            for segs in seg_rows:
                seg = next((s for s in segs if s.name == n), None)
                vals.append(float(seg.value / factor) if seg is not None else None)
            cd.add_series(n, vals)
        frame = _add_chart(slide, XL_CHART_TYPE.BAR_STACKED_100, (x, y, cx, cy), cd)
        chart = frame.chart
        plot = chart.plots[0]
        plot.gap_width = 40
        plot.overlap = 100
        greys = [colours.other, "#C9D0D6", "#7D8791"]
        remainder_names = {s.name for segs in seg_rows for s in segs if s.remainder}
        g = 0
        for i, (n, series) in enumerate(zip(names, plot.series)):
            if n in remainder_names:
                colour = colours.grid
            elif i == 0:
                colour = colours.accent
            else:
                colour = greys[g % len(greys)]
                g += 1
            _fill(series.format, colour)
        plot.has_data_labels = True
        dl = plot.data_labels
        dl.show_series_name = True
        dl.show_value = True
        dl.position = XL_LABEL_POSITION.CENTER
        dl.font.size = Pt(16)
        dl.font.bold = True
        _separator(dl, "\n")
        chart.value_axis.visible = False
        chart.value_axis.has_major_gridlines = False
        chart.category_axis.visible = len(rows) > 1
        chart.category_axis.reverse_order = True
        chart.has_legend = False
        _style_text(chart, theme, 14)
    return frame


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


def _separator(data_labels: DataLabels, text: str) -> None:
    """python-pptx has no setting for the label separator; "\n" puts the value under the name."""
    from pptx.oxml.ns import qn

    dlbls = data_labels._element
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


def _axis_range(value_axis: Any, spec: ChartSpec, points: Sequence[Point], factor: Decimal, *,
                zero: bool = False) -> None:
    """The spec's y_min/y_max on the native axis, widened to the data as the PNG does (in the
    axis's scaled units, since the deck's numbers are divided by `factor`)."""
    values = [_num(p, factor) for p in points] + ([0.0] if zero else [])
    for name, pick, attr in (("y_min", min, "minimum_scale"), ("y_max", max, "maximum_scale")):
        given = spec.option(name)
        if isinstance(given, (int, float)) and values:
            setattr(value_axis, attr, pick(float(given) / float(factor), *values))


def _bar_common(chart: Chart, theme: Theme) -> None:
    from pptx.enum.chart import XL_LABEL_POSITION, XL_TICK_MARK
    from pptx.util import Pt

    plot = chart.plots[0]
    plot.gap_width = 60
    plot.has_data_labels = True
    dl = plot.data_labels
    dl.position = XL_LABEL_POSITION.OUTSIDE_END
    dl.font.size = Pt(16)
    dl.font.bold = True
    value_axis = chart.value_axis
    value_axis.visible = False
    value_axis.has_major_gridlines = False
    cat = chart.category_axis
    cat.major_tick_mark = XL_TICK_MARK.NONE
    cat.format.line.color.rgb = _rgb(theme.rule)
    cat.tick_labels.font.size = Pt(14)
    _style_text(chart, theme, 14)


def _line_chart(
    slide: Slide,
    spec: ChartSpec,
    points: list[Point],
    factor: Decimal,
    fmt: str,
    box: tuple[Length, Length, Length, Length],
    colours: Colours,
    theme: Theme,
) -> GraphicFrame:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    from briefing.charts.kinds.line import series as line_series

    lines = line_series(points)
    dated = all(p.as_of for p in points)
    if dated:
        # Date categories give PowerPoint a date axis, so uneven gaps between points stay uneven.
        cats: list[date | str] = sorted({p.as_of for p in points if p.as_of})
        key = lambda p: p.as_of  # noqa: E731
    else:
        cats = list(dict.fromkeys(period_text(p.period) or p.label for p in points))
        key = lambda p: period_text(p.period) or p.label  # noqa: E731
    cd = CategoryChartData(number_format=fmt)
    cd.categories = cats
    if dated:
        cd.categories.number_format = "mmm yyyy"
    names = {str(k): str(v) for k, v in dict(spec.option("labels") or {}).items()}
    for k, pts in lines:
        by_cat = {key(p): p for p in pts}
        cd.add_series(names.get(k, pts[-1].entity or k), [(_num(by_cat[c], factor) if c in by_cat else None)
                                                         for c in cats])
    frame = _add_chart(slide, XL_CHART_TYPE.LINE_MARKERS, box, cd)
    chart = frame.chart
    plot = chart.plots[0]
    chosen = {str(k): str(v) for k, v in dict(spec.option("colours") or {}).items()}
    for i, ((k, pts), series) in enumerate(zip(lines, plot.series)):
        colour = chosen.get(k) or chosen.get(pts[0].series) or colours.series[i % len(colours.series)]
        series.format.line.color.rgb = _rgb(colour)
        series.format.line.width = Pt(3)
        series.smooth = False
        series.marker.style = XL_MARKER_STYLE.CIRCLE
        series.marker.size = 9
        _fill(series.marker.format, colour)
        series.marker.format.line.color.rgb = _rgb(theme.background)
        by_cat = {key(p): p for p in pts}
        idx = [j for j, c in enumerate(cats) if c in by_cat]
        for j in (idx if len(idx) <= 6 else [idx[0], idx[-1]]):
            label = series.points[j].data_label
            label.position = XL_LABEL_POSITION.ABOVE if j != idx[-1] else XL_LABEL_POSITION.RIGHT
            label.font.size = Pt(16)
            label.font.bold = True
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = _rgb(theme.grid)
    value_axis.format.line.fill.background()
    value_axis.tick_labels.font.size = Pt(13)
    value_axis.tick_labels.font.color.rgb = _rgb(theme.muted)
    _axis_range(value_axis, spec, [p for _, pts in lines for p in pts], factor)
    if spec.option("log"):
        scaling = value_axis._element.find(qn("c:scaling"))  # no python-pptx API for log axes
        log_base = scaling.makeelement(qn("c:logBase"), {"val": "10"})
        scaling.insert(0, log_base)
    cat = chart.category_axis
    cat.tick_labels.font.size = Pt(13)
    cat.tick_labels.font.color.rgb = _rgb(theme.muted)
    cat.format.line.color.rgb = _rgb(theme.rule)
    if dated:
        _yearly_date_axis(cat._element)  # no python-pptx API for date-axis units
    chart.has_legend = len(lines) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    _style_text(chart, theme, 14)
    return frame
