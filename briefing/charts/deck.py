"""The PowerPoint deck: a cover, then one chart a slide, on the house slide master (16:9, its
layouts' title placeholders in the house font and ink, so the outline and screen readers see every
title), with native chart bodies (deck_charts) and the report's file properties."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.charts.alt import alt_text
from briefing.charts.data import ChartData
from briefing.charts.deck_charts import Area, native_body, plain_rectangle, rgb
from briefing.charts.kinds.common import Measure
from briefing.charts.render import chart_warnings, check_chart, render_chart
from briefing.charts.style import SLIDE_WIDTH_IN, ChartSize, Colours, families
from briefing.domain.charts import ChartKind, ChartSpec
from briefing.domain.manifest import Manifest
from briefing.domain.text import typographic
from briefing.fileio import atomic_write
from briefing.theme import Theme, default_theme

if TYPE_CHECKING:
    from pptx.oxml.xmlchemy import BaseOxmlElement
    from pptx.presentation import Presentation
    from pptx.shapes.base import BaseShape
    from pptx.slide import Slide, SlideLayout, SlideMaster

    from briefing.domain.model import Audience, Report

SLIDE_W_EMU, SLIDE_H_EMU = 12_192_000, 6_858_000  # PowerPoint's own 16:9, 13.333 x 7.5 in
SLIDE_W_IN = SLIDE_W_EMU / 914_400
SLIDE_H_IN = SLIDE_H_EMU / 914_400
MARGIN_IN = 0.6
TITLE_TOP_IN = 0.62
TITLE_PT = 28.0
SMALL_TITLE_PT = 20.0
PICTURE_DPI = 200
# Every kind has a native body (deck_charts); a picture only for a chart its checks refuse.
NATIVE_KINDS = tuple(ChartKind)
# The default template's layouts by name: python-pptx's template is PowerPoint's blank one.
COVER_LAYOUT = "Title Slide"
CHART_LAYOUT = "Title Only"


@dataclass(frozen=True)
class DeckCover:
    """What the cover slide and the file's properties say: the report, its edition, who the deck is
    for and how recent its data are."""

    title: str
    subtitle: str = ""
    edition: str = ""
    audience: str = ""
    data_as_of: date | None = None
    author: str = ""
    publisher: str = ""
    keywords: tuple[str, ...] = ()
    accent: str | None = None  # the theme accent key (the audience's), as its charts use

    @classmethod
    def for_report(cls, report: Report, audience: Audience | None = None) -> DeckCover:
        words = [audience.name if audience else "", report.publisher, report.edition,
                 *(s.short or s.title for s in report.sections)]
        return cls(
            title=report.title,
            subtitle=report.subtitle,
            edition=report.edition,
            audience=audience.name if audience else "",
            data_as_of=report.data_as_of,
            author=report.author,
            publisher=report.publisher,
            keywords=tuple(dict.fromkeys(w.strip() for w in words if w and w.strip())),
            accent=audience.key if audience else None,
        )


def is_native(spec: ChartSpec, data: ChartData) -> bool:
    """Whether the deck builds this chart natively (else a picture that shows why it cannot)."""
    if not data.points:
        return False
    return check_chart(spec, data).blocking is None


def write_deck(items: Sequence[tuple[ChartSpec, ChartData]], path: Path | str, theme: Theme | None = None,
               cover: DeckCover | None = None, manifest: Manifest | None = None) -> None:
    """Write the deck to path atomically (a temp file beside it, then os.replace): the cover (when
    given), then a slide per chart; `manifest` (what it was made from) goes in as a custom XML part
    that `briefing diff` reads back."""
    from pptx import Presentation

    theme = theme or default_theme()
    prs = Presentation()
    _house_master(prs, theme)
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    if cover is not None:
        _cover(prs.slides.add_slide(layouts[COVER_LAYOUT]), cover, items, theme)
    measure = Measure.for_theme(theme)
    for spec, data in items:
        _slide(prs.slides.add_slide(layouts[CHART_LAYOUT]), spec, data, theme, measure)
    _properties(prs, cover, items)
    if manifest is not None:
        _add_manifest(prs, manifest)
    buf = io.BytesIO()
    prs.save(buf)
    titles = [slide.shapes.title.text_frame.text if slide.shapes.title is not None else "" for slide in prs.slides]
    atomic_write(Path(path), _with_app_properties(buf.getvalue(), titles))


def _add_manifest(prs: Any, manifest: Manifest) -> None:
    """The same part, at the same name, as a Word briefing carries (briefing.writers.manifest reads both)."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI

    part = Part(PackURI("/customXml/briefing-manifest.xml"), "application/xml", prs.part.package, manifest.to_xml())
    prs.part.relate_to(part, RT.CUSTOM_XML)


# ---- The master and its layouts


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def _house_master(prs: Presentation, theme: Theme) -> None:
    """The default template made 16:9 and the house's: placeholders stretched to the wider slide,
    titles left-aligned in the house font, bold, in ink; body text in the house font."""
    from pptx.enum.text import MSO_ANCHOR
    from pptx.util import Emu, Inches

    stretch = SLIDE_W_EMU / prs.slide_width
    prs.slide_width = Emu(SLIDE_W_EMU)
    prs.slide_height = Emu(SLIDE_H_EMU)
    master = prs.slide_master
    holders: list[SlideMaster | SlideLayout] = [master, *prs.slide_layouts]
    for holder in holders:
        for shape in holder.shapes:
            # Only positions the holder sets itself; the rest inherit from the master.
            if shape.is_placeholder and shape._element.xfrm is not None:
                shape.left = Emu(round(shape.left * stretch))
                shape.width = Emu(round(shape.width * stretch))
    latin, cjk = families(theme)
    styles = master._element.find(f"{{{master._element.nsmap['p']}}}txStyles")
    for style_name, colour, bold in (("titleStyle", theme.ink, True), ("bodyStyle", theme.ink, False),
                                     ("otherStyle", theme.ink, False)):
        style = styles.find(f"{{{master._element.nsmap['p']}}}{style_name}")
        for level in style:
            if style_name == "titleStyle":
                level.set("algn", "l")
            _run_defaults(level, latin, cjk, colour, bold if style_name == "titleStyle" else None,
                          TITLE_PT if style_name == "titleStyle" else None)
    width = SLIDE_W_IN - 2 * MARGIN_IN
    for shape in master.placeholders:
        if shape.placeholder_format.type is not None and shape.placeholder_format.idx == 0:  # the title
            shape.left, shape.top = Inches(MARGIN_IN), Inches(TITLE_TOP_IN)
            shape.width, shape.height = Inches(width), Inches(1.0)
            _top_left_frame(shape)
    layout = next(lo for lo in prs.slide_layouts if lo.name == COVER_LAYOUT)
    for shape in layout.shapes:
        if not shape.is_placeholder:
            continue
        if shape.placeholder_format.idx == 0:
            shape.left, shape.top, shape.width, shape.height = (Inches(MARGIN_IN), Inches(1.9), Inches(width),
                                                                Inches(1.9))
            _top_left_frame(shape, anchor=False)
            shape.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM  # type: ignore[attr-defined]  # a placeholder
            _level_defaults(shape, size=40.0)
        else:
            shape.left, shape.top, shape.width, shape.height = (Inches(MARGIN_IN), Inches(4.1), Inches(width),
                                                                Inches(2.4))
            _top_left_frame(shape)
            _level_defaults(shape, size=20.0, colour=theme.muted)


def _top_left_frame(shape: BaseShape, *, anchor: bool = True) -> None:
    """No inner margins (the text lines up with the slide margin, as the chart body does), text
    wraps, and starts at the top."""
    from pptx.enum.text import MSO_ANCHOR

    tf = shape.text_frame  # type: ignore[attr-defined]
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = 0
    tf.word_wrap = True
    if anchor:
        tf.vertical_anchor = MSO_ANCHOR.TOP


def _level_defaults(shape: BaseShape, *, size: float, colour: str | None = None) -> None:
    """A layout placeholder's first level: left-aligned, no bullet, this size (and colour)."""
    body = shape._element.txBody
    assert body is not None  # a title or subtitle placeholder has text
    lst = body.find(f"{_A}lstStyle")
    for old in lst.findall(f"{_A}lvl1pPr"):
        lst.remove(old)
    lvl = lst.makeelement(f"{_A}lvl1pPr", {"marL": "0", "indent": "0", "algn": "l"})
    lvl.append(lvl.makeelement(f"{_A}buNone", {}))
    lvl.append(lvl.makeelement(f"{_A}defRPr", {"sz": str(round(size * 100))}))
    if colour is not None:
        _solid(lvl.find(f"{_A}defRPr"), colour)
    lst.insert(0, lvl)


def _solid(el: BaseOxmlElement, colour: str) -> None:
    """A solid fill on an a:defRPr, where the schema puts it: after a:ln, before the typefaces."""
    for old in el.findall(f"{_A}solidFill"):
        el.remove(old)
    fill = el.makeelement(f"{_A}solidFill", {})
    fill.append(fill.makeelement(f"{_A}srgbClr", {"val": colour.lstrip("#").upper()}))
    line = el.find(f"{_A}ln")
    if line is not None:
        line.addnext(fill)
    else:
        el.insert(0, fill)


def _run_defaults(level: BaseOxmlElement, latin: str, cjk: str, colour: str, bold: bool | None,
                  size: float | None) -> None:
    """A master text style level's run defaults: the house typefaces (Latin and East Asian) and ink."""
    rpr = level.find(f"{_A}defRPr")
    if rpr is None:
        rpr = level.makeelement(f"{_A}defRPr", {})
        level.append(rpr)
    if size is not None:
        rpr.set("sz", str(round(size * 100)))
    if bold is not None:
        rpr.set("b", "1" if bold else "0")
    for tag in ("latin", "ea"):
        for old in rpr.findall(f"{_A}{tag}"):
            rpr.remove(old)
    _solid(rpr, colour)
    fill = rpr.find(f"{_A}solidFill")
    fill.addnext(rpr.makeelement(f"{_A}latin", {"typeface": latin}))
    rpr.find(f"{_A}latin").addnext(rpr.makeelement(f"{_A}ea", {"typeface": cjk}))


# ---- Slides


def _title(slide: Slide, text: str, theme: Theme, measure: Measure) -> float:
    """Set the title placeholder (one paragraph, no line breaks: it wraps) and size it to the
    lines it takes; returns its height in inches. Long titles step down to a smaller size."""
    from pptx.util import Inches, Pt

    width = SLIDE_W_IN - 2 * MARGIN_IN
    title = typographic(text)
    size = TITLE_PT
    lines = measure.wrap(title, size, width, bold=True, max_lines=99).count("\n") + 1
    if lines > 2:
        size = SMALL_TITLE_PT
        lines = min(measure.wrap(title, size, width, bold=True, max_lines=99).count("\n") + 1, 3)
    holder = slide.shapes.title
    assert holder is not None  # the chart layout has a title placeholder
    holder.text_frame.text = title
    if size != TITLE_PT:
        holder.text_frame.paragraphs[0].runs[0].font.size = Pt(size)
    height = lines * size * 1.2 / 72 + 0.05
    holder.left, holder.top = Inches(MARGIN_IN), Inches(TITLE_TOP_IN)
    holder.width, holder.height = Inches(width), Inches(height)
    return height


def _textbox(slide: Slide, x: float, y: float, w: float, h: float, text: str, *, size: float, colour: str,
             bold: bool = False, theme: Theme) -> BaseShape:
    from pptx.enum.text import MSO_ANCHOR
    from pptx.util import Inches, Pt

    from briefing.charts.deck_charts import _east_asian

    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.TOP
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = 0
    run = tf.paragraphs[0].add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = families(theme)[0]
    run.font.color.rgb = rgb(colour)
    _east_asian(run.font, theme)
    return box


def _accent_tag(slide: Slide, colour: str, y: float) -> None:
    plain_rectangle(slide, MARGIN_IN, y, 0.5, 0.06, colour)


def _lines(measure: Measure, text: str, size: float, width: float, max_lines: int) -> int:
    return measure.wrap(text, size, width, max_lines=max_lines).count("\n") + 1


def _slide(slide: Slide, spec: ChartSpec, data: ChartData, theme: Theme, measure: Measure) -> None:
    from pptx.util import Inches

    colours = Colours.for_chart(theme, spec.accent)
    width = SLIDE_W_IN - 2 * MARGIN_IN
    _accent_tag(slide, colours.accent, 0.42)
    y = TITLE_TOP_IN + _title(slide, spec.title, theme, measure) + 0.08
    if spec.subtitle:
        sub_pt = max(theme.size("chart_subtitle") * 0.85, 14.0)
        sub = typographic(spec.subtitle)
        sub_h = _lines(measure, sub, sub_pt, width, 2) * sub_pt * 1.2 / 72
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
        text = typographic(text)
        h = _lines(measure, text, src_pt, width, 2) * src_pt * 1.25 / 72
        yb -= h
        _textbox(slide, MARGIN_IN, yb, width, h, text, size=src_pt, colour=colour, theme=theme)
        yb -= 0.04
    area = Area(MARGIN_IN, y, width, max(yb - 0.2 - y, 1.0))

    description = alt_text(spec, data)
    if is_native(spec, data):
        body = native_body(slide, spec, data, area, colours, theme, measure)
        if body is not None:
            body._element.nvGraphicFramePr.cNvPr.set("descr", description)
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


def _as_of(cover: DeckCover, items: Sequence[tuple[ChartSpec, ChartData]]) -> date | None:
    """The report's data-as-of date, else the newest observation the deck shows (a projection's
    future date is not an observation)."""
    if cover.data_as_of is not None:
        return cover.data_as_of
    today = date.today()
    dates = [p.as_of for _, data in items for p in data.points if p.as_of and p.as_of <= today]
    return max(dates, default=None)


def _partial_date(d: date) -> str:
    """As the briefing's cover prints it: a report stores "2026-04" as 1 April 2026 and "2026" as
    1 January, so those print as "April 2026" and "2026"."""
    if d.month == 1 and d.day == 1:
        return str(d.year)
    return f"{d:%B %Y}" if d.day == 1 else f"{d.day} {d:%B %Y}"


def _cover(slide: Slide, cover: DeckCover, items: Sequence[tuple[ChartSpec, ChartData]], theme: Theme) -> None:
    """Report title in the title placeholder; subtitle, edition and audience, and the data's date in
    the subtitle placeholder, one paragraph each."""
    from pptx.util import Pt

    _accent_tag(slide, theme.accent(cover.accent), 1.6)
    holder = slide.shapes.title
    assert holder is not None
    holder.text_frame.text = typographic(cover.title)
    body = next(s for s in slide.placeholders if s.placeholder_format.idx != 0)
    as_of = _as_of(cover, items)
    lines = [
        (typographic(cover.subtitle), theme.ink, 20.0),
        (" · ".join(t for t in (cover.edition, cover.audience) if t), theme.muted, 18.0),
        (f"Data as of {_partial_date(as_of)}" if as_of else "", theme.muted, 18.0),
    ]
    tf = body.text_frame
    first = True
    for text, colour, size in lines:
        if not text:
            continue
        para = tf.paragraphs[0] if first else tf.add_paragraph()
        first = False
        para.space_after = Pt(8)
        run = para.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.color.rgb = rgb(colour)


def _properties(prs: Presentation, cover: DeckCover | None, items: Sequence[tuple[ChartSpec, ChartData]]) -> None:
    """Title, subject, author, keywords and dates, so a file browser and a search can tell decks apart."""
    props = prs.core_properties
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)  # OOXML dates are UTC, naive here
    if cover is None:
        props.title = "Charts"
        props.subject = "; ".join(typographic(s.title) for s, _ in items)[:255]
        props.author = "Briefing"
    else:
        props.title = typographic(cover.title)
        about = typographic(cover.subtitle) or "Charts"
        # "— Full report", not "charts for Full report": an audience's name is not a client's.
        props.subject = f"{about} — {cover.audience}" if cover.audience else about
        props.author = cover.author or cover.publisher or "Briefing"
        props.keywords = "; ".join(cover.keywords)
    props.last_modified_by = "Briefing"
    props.created = now
    props.modified = now
    props.revision = 1
    props.comments = ""


def _app_properties(titles: Sequence[str]) -> bytes:
    """docProps/app.xml as this deck is: made by Briefing, 16:9, its slide count and titles (the
    template's says "Microsoft Macintosh PowerPoint", 4:3 and no slides)."""
    from xml.sax.saxutils import escape

    from briefing import __version__

    names = "".join(f"<vt:lpstr>{escape(t)}</vt:lpstr>" for t in titles)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Application>Briefing {escape(__version__)}</Application>"
        "<PresentationFormat>Widescreen</PresentationFormat>"
        f"<Slides>{len(titles)}</Slides><Notes>{len(titles)}</Notes><HiddenSlides>0</HiddenSlides>"
        '<HeadingPairs><vt:vector size="4" baseType="variant">'
        "<vt:variant><vt:lpstr>Theme</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant>"
        "<vt:variant><vt:lpstr>Slide Titles</vt:lpstr></vt:variant>"
        f"<vt:variant><vt:i4>{len(titles)}</vt:i4></vt:variant></vt:vector></HeadingPairs>"
        f'<TitlesOfParts><vt:vector size="{len(titles) + 1}" baseType="lpstr">'
        f"<vt:lpstr>Office Theme</vt:lpstr>{names}</vt:vector></TitlesOfParts>"
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
    ).encode()


def _with_app_properties(package: bytes, titles: Sequence[str]) -> bytes:
    """The saved package with its app.xml replaced. python-pptx keeps that part as opaque bytes
    with no API, so the zip is rewritten entry by entry, in the same order and compression."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = _app_properties(titles) if info.filename == "docProps/app.xml" else src.read(info)
            dst.writestr(info, data)
    return out.getvalue()
