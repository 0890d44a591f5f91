"""The PDF writer (reportlab platypus): cover, key figures, contents, sections, references.

Every user string is escaped before it becomes Paragraph markup, then CJK runs are wrapped in the
CJK face; charts arrive as matplotlib PDF pages and are placed as vector form XObjects.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Sequence, assert_never
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    FrameBreak,
    KeepInFrame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph as RLParagraph,
    Spacer,
    Table as RLTable,
    TableStyle,
)

from briefing import __version__
from briefing.document import (
    Block,
    BulletList,
    Callout,
    Cite,
    Document,
    Emphasis,
    Figure,
    Heading,
    Inline,
    KeyFigures,
    Link,
    NumberRef,
    Paragraph,
    Reference,
    Section,
    Strong,
    Table,
    Text,
)
from briefing.theme import Theme
from briefing.writers import Progress, WriteOptions, WriteResult, pdf_speed, render_figures
from briefing.writers.fonts import REPLACEMENT, FontSet, register_fonts
from briefing.writers.pdf_forms import ImportedPage, add_form, load_page_cached
from briefing.writers.text import Notes, has_rtl, is_web_url, visual_order, xml_safe

PAGE_SIZES = {"A4": A4, "LETTER": LETTER}


# ---- Entry point


def write(doc: Document, options: WriteOptions, progress: Progress | None = None) -> WriteResult:
    """Render `doc` as PDF bytes. Never mutates `doc`; builds a fresh story on every call."""
    notes = Notes()
    notes.extend(doc.warnings)
    report = _Reporter(progress, options)
    # ASCII85 makes every stream 25% larger and costs ~10% of the build; it only helps 7-bit mail.
    rl_config.useA85 = 0
    pdf_speed.install()  # memoised names and encodings: same bytes, less time
    theme = options.resolved_theme()
    fonts = register_fonts(theme)
    report(0.02, "Preparing fonts")
    pages = _render_charts(doc, options, theme, notes, report)
    options.check()
    data = _build(doc, options, theme, fonts, notes, pages, report)
    report(0.98, "PDF ready")
    return WriteResult(data, notes.list())


class _Reporter:
    """Progress that only moves forward, plus the cooperative cancel check."""

    def __init__(self, progress: Progress | None, options: WriteOptions) -> None:
        self.progress = progress
        self.options = options
        self.last = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        self.options.check()
        fraction = min(max(fraction, self.last), 1.0)
        self.last = fraction
        if self.progress is not None:
            self.progress(fraction, message)


def _render_charts(
    doc: Document, options: WriteOptions, theme: Theme, notes: Notes, report: _Reporter
) -> dict[int, ImportedPage | None]:
    """One PDF page per figure, rendered once per export however many build passes follow."""
    report(0.05, "Drawing charts")
    return render_figures(doc, options, theme, fmt="pdf", dpi=None, convert=load_page_cached, note=notes.add,
                          report=report)


# ---- Styles


@dataclass(frozen=True)
class _Styles:
    theme: Theme
    fonts: FontSet
    accent: colors.Color
    ink: colors.Color
    muted: colors.Color
    panel: colors.Color
    rule: colors.Color
    body: ParagraphStyle
    lead: ParagraphStyle
    quote: ParagraphStyle
    note: ParagraphStyle
    bullet: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    kicker: ParagraphStyle
    caption: ParagraphStyle
    figure_title: ParagraphStyle
    figure_subtitle: ParagraphStyle
    source: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    tile_value: ParagraphStyle
    tile_label: ParagraphStyle
    tile_context: ParagraphStyle
    callout_title: ParagraphStyle
    reference: ParagraphStyle
    cover_kicker: ParagraphStyle
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_label: ParagraphStyle
    cover_value: ParagraphStyle
    toc: tuple[ParagraphStyle, ...]


def _styles(theme: Theme, fonts: FontSet, accent_hex: str) -> _Styles:
    ink = colors.HexColor(theme.ink)
    muted = colors.HexColor(theme.muted)
    accent = colors.HexColor(accent_hex)
    body_size = theme.size("body") - 0.5  # DejaVu Sans sets wide; 9.5 pt reads like 10 pt elsewhere
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=body_size, leading=body_size * 1.5,
                          textColor=ink, spaceAfter=7, splitLongWords=1, allowWidows=0, allowOrphans=0)

    def s(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    h1 = theme.size("h1")
    h2 = theme.size("h2")
    h3 = theme.size("h3")
    small = theme.size("small")
    return _Styles(
        theme=theme, fonts=fonts, accent=accent, ink=ink, muted=muted,
        panel=colors.HexColor(theme.panel), rule=colors.HexColor(theme.rule),
        body=base,
        lead=s("lead", fontSize=body_size + 1.5, leading=(body_size + 1.5) * 1.45, textColor=ink, spaceAfter=9),
        quote=s("quote", fontName=fonts.italic, leftIndent=14, textColor=muted),
        note=s("note", fontSize=small, leading=small * 1.4, textColor=muted),
        bullet=s("bullet", leftIndent=14, bulletIndent=2, spaceAfter=4, bulletFontName=fonts.regular,
                 bulletColor=accent),
        h1=s("h1", fontName=fonts.bold, fontSize=h1, leading=h1 * 1.2, spaceBefore=14, spaceAfter=12,
             keepWithNext=1, textColor=ink),
        h2=s("h2", fontName=fonts.bold, fontSize=h2, leading=h2 * 1.25, spaceBefore=12, spaceAfter=6,
             keepWithNext=1, textColor=ink),
        h3=s("h3", fontName=fonts.bold, fontSize=h3, leading=h3 * 1.3, spaceBefore=8, spaceAfter=4,
             keepWithNext=1, textColor=muted),
        kicker=s("kicker", fontName=fonts.bold, fontSize=small, leading=small * 1.4, textColor=accent,
                 spaceAfter=4, keepWithNext=1),
        caption=s("caption", fontSize=small + 0.5, leading=(small + 0.5) * 1.4, spaceBefore=4, spaceAfter=1,
                  textColor=ink),
        figure_title=s("figure-title", fontName=fonts.bold, fontSize=body_size, leading=body_size * 1.35,
                       spaceBefore=4, spaceAfter=1, keepWithNext=1),
        figure_subtitle=s("figure-subtitle", fontSize=small + 0.5, leading=(small + 0.5) * 1.4, textColor=muted,
                          spaceAfter=2, keepWithNext=1),
        source=s("source", fontSize=small - 0.5, leading=(small - 0.5) * 1.4, textColor=muted, spaceBefore=3,
                 spaceAfter=12),
        cell=s("cell", fontSize=small + 0.5, leading=(small + 0.5) * 1.35, spaceAfter=0),
        cell_right=s("cell-right", fontSize=small + 0.5, leading=(small + 0.5) * 1.35, spaceAfter=0,
                     alignment=TA_RIGHT),
        cell_head=s("cell-head", fontName=fonts.bold, fontSize=small, leading=small * 1.35, spaceAfter=0,
                    textColor=muted),
        tile_value=s("tile-value", fontName=fonts.bold, fontSize=20, leading=24, textColor=accent, spaceAfter=3),
        tile_label=s("tile-label", fontSize=small + 0.5, leading=(small + 0.5) * 1.35, spaceAfter=3),
        tile_context=s("tile-context", fontSize=small - 1, leading=(small - 1) * 1.4, textColor=muted,
                       spaceAfter=0),
        callout_title=s("callout-title", fontName=fonts.bold, fontSize=small + 1, leading=(small + 1) * 1.4,
                        textColor=accent, spaceAfter=4),
        reference=s("reference", fontSize=small + 0.5, leading=(small + 0.5) * 1.45, leftIndent=24,
                    firstLineIndent=-24, spaceAfter=5),
        cover_kicker=s("cover-kicker", fontName=fonts.bold, fontSize=9, leading=13,
                       textColor=colors.Color(1, 1, 1, alpha=0.85), spaceAfter=14),
        cover_title=s("cover-title", fontName=fonts.bold, fontSize=theme.size("title"),
                      leading=theme.size("title") * 1.12, textColor=colors.white, spaceAfter=12),
        cover_subtitle=s("cover-subtitle", fontSize=13, leading=18, textColor=colors.Color(1, 1, 1, alpha=0.9)),
        cover_label=s("cover-label", fontName=fonts.bold, fontSize=small, leading=small * 1.4, textColor=muted,
                      spaceAfter=1),
        cover_value=s("cover-value", fontSize=11, leading=15, textColor=ink, spaceAfter=10),
        toc=(
            s("toc1", fontSize=body_size + 0.5, leading=(body_size + 0.5) * 1.9, leftIndent=22,
              firstLineIndent=-22),
            s("toc2", fontSize=body_size - 0.5, leading=(body_size - 0.5) * 1.7, leftIndent=36, textColor=muted),
            s("toc3", fontSize=body_size - 1, leading=(body_size - 1) * 1.6, leftIndent=48, textColor=muted),
        ),
    )


# ---- Markup: text is data. Escape first, then add the little markup we mean.


class _Markup:
    def __init__(self, styles: _Styles, notes: Notes, ref_numbers: set[int]) -> None:
        self.fonts = styles.fonts
        self.notes = notes
        self.refs = ref_numbers
        self.accent_hex = styles.theme.accent(None)
        self.clipped: list[str] = []

    def text(self, raw: str) -> str:
        """Plain user text -> safe Paragraph markup (escaped, RTL in display order, fonts per glyph)."""
        text = xml_safe(raw, self.notes).replace("\t", " ")
        if has_rtl(text):
            self.notes.add("Right-to-left text is shown in display order without Arabic letter joining")
            text = visual_order(text)
        markup = self._faces(escape(text))
        return markup.replace("\n", "<br/>")

    def _faces(self, escaped: str) -> str:
        if escaped.isascii():
            return escaped  # DejaVu Sans covers ASCII, and control characters are already gone
        latin = self.fonts.latin_cmap
        if all(ord(ch) in latin or ch in "\n " for ch in escaped):
            return escaped
        out: list[str] = []
        in_cjk = False
        missing: list[str] = []
        for ch in escaped:
            code = ord(ch)
            if code in latin or ch in "\n ":
                if in_cjk:
                    out.append("</font>")
                    in_cjk = False
                out.append(ch)
            elif code in self.fonts.cjk_cmap:
                if not in_cjk:
                    out.append(f'<font name="{self.fonts.cjk}">')
                    in_cjk = True
                out.append(ch)
            else:
                if in_cjk:
                    out.append("</font>")
                    in_cjk = False
                missing.append(ch)
                out.append(REPLACEMENT)
        if in_cjk:
            out.append("</font>")
        if missing:
            shown = " ".join(dict.fromkeys(missing[:8]))
            self.notes.add(f"Some characters have no glyph in the PDF fonts and print as {REPLACEMENT} "
                           f"(for example {shown}); the Word export keeps them")
        return "".join(out)

    def label(self, raw: str, limit: int) -> str:
        """Markup for text in a place that cannot break across pages (a heading, a caption, a tile):
        clipped to `limit` characters, so no single block outgrows a page (one warning lists them)."""
        return self.text(self.clip(raw, limit))

    def clip(self, raw: str, limit: int) -> str:
        if len(raw) <= limit:
            return raw
        self.clipped.append(" ".join(raw[:40].split()))
        return raw[: limit - 1].rstrip() + "…"

    def marker(self, refs: Sequence[int]) -> str:
        if not refs:
            return ""
        parts = []
        for n in refs:
            if n in self.refs:
                parts.append(f'<a href="#ref-{n}">{n}</a>')
            else:
                self.notes.add(f"Reference [{n}] is cited but not in the reference list")
                parts.append(str(n))
        return f'<font color="{self.accent_hex}" size="-1.5">[{", ".join(parts)}]</font>'

    def runs(self, runs: Sequence[Inline]) -> str:
        out: list[str] = []
        for run in runs:
            match run:
                case Text():
                    out.append(self.text(run.text))
                case Emphasis():
                    out.append(f"<i>{self.text(run.text)}</i>")
                case Strong():
                    out.append(f"<b>{self.text(run.text)}</b>")
                case NumberRef():
                    body = self.text(run.text)
                    first = next((n for n in run.refs if n in self.refs), None)
                    if first is not None:
                        body = f'<a href="#ref-{first}">{body}</a>'
                    out.append(body)
                    if run.marker:
                        out.append(self.marker(run.refs))
                case Cite():
                    out.append(self.marker(run.refs))
                case Link():
                    label = self.text(run.text or run.url)
                    if is_web_url(run.url):
                        href = escape(run.url.strip(), {'"': "&quot;"})
                        out.append(f'<a href="{href}" color="{self.accent_hex}"><u>{label}</u></a>')
                    else:
                        self.notes.add(f"A link to “{run.url[:80]}” was kept as text: only http(s) links are "
                                       "made clickable")
                        out.append(label)
                case _:
                    assert_never(run)
        return "".join(out)


# ---- Flowables


def _style_key(style: ParagraphStyle) -> tuple[tuple[str, Any], ...]:
    """Every attribute a ParagraphStyle holds (parents' values are copied in), as a dict key."""
    return tuple(sorted((k, v) for k, v in style.__dict__.items() if k != "name" and k != "parent"))


class _Lru:
    """A bounded, thread-safe map from a hashable key to what reportlab worked out for it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: OrderedDict[Any, tuple[str, list[Any], Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> tuple[str, list[Any], Any] | None:
        try:
            hash(key)
        except TypeError:  # a style value reportlab allows but Python cannot hash: parse as usual
            return None
        with self.lock:
            hit = self.items.get(key)
            if hit is not None:
                self.items.move_to_end(key)
            return hit

    def put(self, key: Any, value: tuple[str, list[Any], Any]) -> None:
        try:
            hash(key)
        except TypeError:
            return
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.limit:
                self.items.popitem(last=False)


# Kept between exports in one process: a warm export (the GUI's export child, a batch) lays out
# the same markup again, and a re-export after an edit changes a few paragraphs. Parsing the
# markup (html.parser under ParaParser) and breaking lines were a third of a warm export. Keys hold
# the whole markup and every style value, and a font name is unique per registered face (see
# fonts.py), so another theme, finding or column width misses instead of reusing stale work.
_PARSED = _Lru(4096)  # (markup, caseSensitive, style) -> (text, fragments, bullet fragments)
_LAYOUTS = _Lru(4096)  # ((markup key, bullet), width) -> the lines of a first wrap


def _plain_layout(text: str, style: ParagraphStyle, bullet: Any) -> bool:
    """Whether kept lines may be shared. reportlab edits line fragments in place for soft hyphens,
    hyphenation and percentage-sized images; those, and the CJK, bidi, shaping and end-dots paths
    this writer does not use, are always laid out anew."""
    return (isinstance(bullet, (str, type(None))) and "\xad" not in text and "<img" not in text
            and not style.hyphenationLang and not style.embeddedHyphenation and not style.uriWasteReduce
            and not style.wordWrap and not style.endDots and not style.shaping
            and getattr(style, "autoLeading", "") in ("", "off", None))


class _Para(RLParagraph):
    """A Paragraph that parses and breaks its lines once for the same markup, style and width.

    Within an export, platypus measures most paragraphs more than once at one width: a table wraps
    its cells to size the rows and again to draw them, KeepTogether wraps its group before the
    frame wraps each member, and a flowable that misses the foot of a page is wrapped again at the
    top of the next. The lines depend only on the width, the fragments and the style, so the first
    answer stands while those are the same objects and reportlab has not dropped the lines (split
    does). Between exports, the parse and the first wrap come from _PARSED and _LAYOUTS, and
    paragraphs share the kept lines: drawing and splitting only read them (checked over every
    audience and the kitchen sink: no line or fragment changed after its wrap).
    """

    _wrapped: tuple[float, Any, Any, Any, float] | None = None
    _layout_key: Any = None

    def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:
        if frags is not None or not isinstance(text, str) or style is None:
            super()._setup(text, style, bulletText, frags, cleaner)
            return
        key = (text, self.caseSensitive, _style_key(style))
        hit = _PARSED.get(key)
        if hit is None:
            super()._setup(text, style, bulletText, frags, cleaner)
            self._layout_key = (key, bulletText) if _plain_layout(text, style, self.bulletText) else None
            if self.style is style:  # a <para> tag may swap the style: such markup is not kept
                _PARSED.put(key, (self.text, [f.clone() for f in self.frags], self.bulletText
                                  if self.bulletText is not bulletText else None))
            return
        self.text, parsed, bullet_frags = hit
        self.frags = [f.clone() for f in parsed]  # copies: reportlab hangs layout state on fragments
        self.style = style
        self.bulletText = bullet_frags if bullet_frags is not None else bulletText
        self.debug = 0
        self._layout_key = (key, bulletText) if _plain_layout(text, style, self.bulletText) else None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        memo = self._wrapped
        if (memo is not None and memo[0] == availWidth and memo[1] is self.__dict__.get("blPara")
                and memo[2] is self.style and memo[3] is self.frags):
            self.width = availWidth
            self.height = memo[4]
            return availWidth, memo[4]
        layout_key = self._layout_key
        self._layout_key = None  # only the first wrap starts from freshly parsed fragments
        if layout_key is not None:
            full = (layout_key, availWidth)
            known = _LAYOUTS.get(full)
            if known is not None:
                (self.blPara, self.frags, self.height, self._width_max, wrap_widths,
                 self._splitLongWordCount, self._hyphenations) = known
                self._wrapWidths = list(wrap_widths)
                self.width = availWidth
                self._wrapped = (availWidth, self.blPara, self.style, self.frags, self.height)
                return availWidth, self.height
        w, h = super().wrap(availWidth, availHeight)
        lines = self.__dict__.get("blPara") if w == availWidth else None  # None: too narrow to set
        self._wrapped = (availWidth, lines, self.style, self.frags, h) if lines is not None else None
        if layout_key is not None and lines is not None:
            _LAYOUTS.put(full, (lines, self.frags, h, self._width_max, tuple(self._wrapWidths),
                                self._splitLongWordCount, self._hyphenations))
        return w, h


class _Heading(_Para):
    """A heading that becomes a bookmark and an outline entry, and tells the contents its page."""

    def __init__(self, markup: str, style: ParagraphStyle, *, outline: str, key: str, level: int,
                 pages: dict[str, int]) -> None:
        super().__init__(markup, style)
        self.outline_title = outline
        self.key = key
        self.outline_level = level
        self.pages = pages

    def draw(self) -> None:
        super().draw()
        self.canv.bookmarkHorizontal(self.key, 0, self.height + self.style.fontSize * 0.5)
        self.canv.addOutlineEntry(self.outline_title, self.key, level=self.outline_level, closed=False)
        self.pages[self.key] = self.canv.getPageNumber()


class _Contents(Flowable):
    """The table of contents, laid out in the one and only build pass.

    Entry titles never depend on page numbers, so they are placed at once; the numbers, known only
    when the build ends, are drawn into a form XObject that this flowable shows now and the
    template defines at the end. One pass instead of reportlab's usual two or three.
    """

    NUMBER_WIDTH = 30.0

    def __init__(self, entries: Sequence[tuple[int, str, str]], styles: Sequence[ParagraphStyle],
                 late: _LateForms, part: int = 0) -> None:
        super().__init__()
        self.entries = list(entries)
        self.styles = styles
        self.late = late
        self.part = part
        self.paras: list[RLParagraph] = []
        self.heights: list[float] = []

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        self.paras, self.heights = [], []
        for level, markup, _ in self.entries:
            style = self.styles[min(level, len(self.styles) - 1)]
            para = _Para(markup, style)
            _, h = para.wrap(aw - self.NUMBER_WIDTH - 8, 10_000)
            self.paras.append(para)
            self.heights.append(h + style.spaceBefore + style.spaceAfter)
        self.height = sum(self.heights)
        return aw, self.height

    def split(self, aw: float, ah: float) -> list[Flowable]:
        self.wrap(aw, ah)
        used, n = 0.0, 0
        for h in self.heights:
            if used + h > ah:
                break
            used += h
            n += 1
        if n == 0:
            return []
        if n >= len(self.entries):
            return [self]
        return [_Contents(self.entries[:n], self.styles, self.late, self.part),
                _Contents(self.entries[n:], self.styles, self.late, self.part + 1)]

    def draw(self) -> None:
        c = self.canv
        y = self.height
        slots: list[tuple[str, float, str, float]] = []
        for (level, _, key), para, h in zip(self.entries, self.paras, self.heights):
            style = para.style
            y -= h
            bottom = y + style.spaceAfter
            para.drawOn(c, 0, bottom)
            baseline = bottom + (style.leading - style.fontSize) * 0.5 + style.fontSize * 0.22
            last_end = _last_line_end(para)
            c.saveState()
            c.setFillColor(colors.HexColor(self.late.muted))
            c.setFont(style.fontName, style.fontSize * 0.8)
            dot_w = stringWidth(". ", style.fontName, style.fontSize * 0.8)
            x = last_end + 6
            stop = self.width - self.NUMBER_WIDTH - 4
            if stop - x > dot_w * 2:
                c.drawString(x, baseline, ". " * int((stop - x) / dot_w))
            c.restoreState()
            c.linkRect("", key, (0, bottom, self.width, bottom + h - style.spaceAfter), relative=1, thickness=0)
            slots.append((key, baseline, style.fontName, style.fontSize))
        name = f"toc-pages-{self.part}"
        c.doForm(name)
        self.late.contents_forms.append((name, self.width, self.height, slots))


def _last_line_end(para: RLParagraph) -> float:
    """Where the last line of a wrapped Paragraph ends, for the leader dots."""
    try:
        lines = para.blPara.lines
        last = lines[-1]
        extra = last.extraSpace if hasattr(last, "extraSpace") else last[0]
        return para.style.leftIndent + (para.width - para.style.leftIndent - para.style.rightIndent) - extra
    except Exception:  # an odd layout just loses its dots
        return para.width


@dataclass
class _LateForms:
    """What only the end of the build knows: the page count and each heading's page."""

    muted: str
    pages: dict[str, int]
    contents_forms: list[tuple[str, float, float, list[tuple[str, float, str, float]]]]


class _Anchor(Flowable):
    """A zero-size named destination (the target of "[n]" links)."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.key, 0, 10)


class _Bottom(Flowable):
    """Fill the frame and set the content on its floor (the cover title sits on the band's foot)."""

    def __init__(self, inner: Flowable) -> None:
        super().__init__()
        self.inner = inner

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.inner_w, self.inner_h = self.inner.wrapOn(self.canv, aw, ah)
        self.width, self.height = aw, max(ah - 1, self.inner_h)
        return self.width, self.height

    def draw(self) -> None:
        self.inner.drawOn(self.canv, 0, 0)


class _Chart(Flowable):
    """A chart page scaled to the column; the same form is reused if the chart appears twice."""

    def __init__(self, page: ImportedPage | None, name: str, max_height: float, styles: _Styles,
                 placeholder: str) -> None:
        super().__init__()
        self.page = page
        self.name = name
        self.max_height = max_height
        self.styles = styles
        self.placeholder = placeholder
        self.scale = 1.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        if self.page is None:
            self.width, self.height = aw, min(aw * 0.4, self.max_height)
            return self.width, self.height
        self.scale = min(aw / self.page.width, self.max_height / self.page.height)
        self.width = self.page.width * self.scale
        self.height = self.page.height * self.scale
        return aw, self.height

    def draw(self) -> None:
        c = self.canv
        if self.page is None:
            c.setFillColor(self.styles.panel)
            c.setStrokeColor(self.styles.rule)
            c.rect(0, 0, self.width, self.height, fill=1, stroke=1)
            c.setFillColor(self.styles.muted)
            c.setFont(self.styles.fonts.regular, 9)
            c.drawCentredString(self.width / 2, self.height / 2, self.placeholder)
            return
        add_form(c._doc, self.name, self.page)
        c.saveState()
        c.scale(self.scale, self.scale)
        c.translate(-self.page.bbox[0], -self.page.bbox[1])
        c.doForm(self.name)
        c.restoreState()


# ---- Document template


class _BriefingTemplate(BaseDocTemplate):
    def __init__(self, buf: io.BytesIO, *, doc: Document, styles: _Styles, notes: Notes, report: _Reporter,
                 flowable_count: int, late: _LateForms, pagesize: tuple[float, float], **kw: Any) -> None:
        self.briefing = doc
        self.styles = styles
        self.notes = notes
        self.report = report
        self.late = late
        self.flowable_count = max(flowable_count, 1)
        self.last_page = 0
        self.flowables_seen = 0
        super().__init__(buf, pagesize=pagesize, **kw)
        self._make_templates()

    def _make_templates(self) -> None:
        w, h = self.pagesize
        lm, rm, tm, bm = self.leftMargin, self.rightMargin, self.topMargin, self.bottomMargin
        band_top = h - 20 * mm
        band_bottom = h * 0.47
        cover_band = Frame(lm, band_bottom + 14 * mm, w - lm - rm, band_top - band_bottom - 30 * mm,
                           id="band", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        cover_body = Frame(lm, bm + 10 * mm, w - lm - rm, band_bottom - bm - 26 * mm, id="cover-body",
                           leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        body = Frame(lm, bm, w - lm - rm, h - tm - bm, id="body", leftPadding=0, rightPadding=0,
                     topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate(id="cover", frames=[cover_band, cover_body], onPage=self._cover_page),
            PageTemplate(id="body", frames=[body], onPage=self._body_page),
        ])

    def beforeDocument(self) -> None:
        d = self.briefing.meta.date
        if d is not None:
            # invariant=1 fixes every date to 2000-01-01; the briefing's own date is more honest.
            stamp = f"D:{d.year:04d}{d.month:02d}{d.day:02d}000000+00'00'"
            self.canv.setDateFormatter(lambda *_: stamp)

    def afterPage(self) -> None:
        self.last_page = self.page

    def afterFlowable(self, flowable: Flowable) -> None:
        self.flowables_seen += 1
        self.report.options.check()  # cooperative cancel, between every two flowables
        if self.flowables_seen % 8 == 0:
            done = min(self.flowables_seen / self.flowable_count, 1.0)
            self.report(0.5 + 0.45 * done, "Laying out pages")

    def _endBuild(self) -> None:
        # Hold the save until the forms only the end of the build can fill are defined.
        self._doSave = 0
        super()._endBuild()
        self._define_late_forms()
        self.canv.save()

    def _define_late_forms(self) -> None:
        c = self.canv
        st = self.styles
        c.beginForm("page-count", 0, -2, 40, 10)
        c.setFont(st.fonts.regular, 7.5)
        c.setFillColor(st.muted)
        c.drawString(0, 0, str(self.last_page))
        c.endForm()
        for name, width, height, slots in self.late.contents_forms:
            c.beginForm(name, 0, 0, width, height)
            c.setFillColor(st.ink)
            for key, baseline, font, size in slots:
                page = self.late.pages.get(key)
                if page is not None:
                    c.setFont(font, size)
                    c.drawRightString(width, baseline, str(page))
            c.endForm()

    # -- page furniture

    def _cover_page(self, c: Any, _doc: Any) -> None:
        st = self.styles
        w, h = self.pagesize
        c.saveState()
        band_bottom = h * 0.47
        c.setFillColor(st.accent)
        c.rect(0, band_bottom, w, h - band_bottom, stroke=0, fill=1)
        # A darker foot on the band gives the cover its weight without a second colour.
        c.setFillColor(colors.Color(0, 0, 0, alpha=0.18))
        c.rect(0, band_bottom, w, 5 * mm, stroke=0, fill=1)
        c.setFillColor(st.accent)
        c.rect(self.leftMargin, self.bottomMargin - 2, 18 * mm, 2.2, stroke=0, fill=1)
        meta = self.briefing.meta
        footer = " · ".join(p for p in (meta.publisher, meta.date_text) if p)
        _draw_mixed(c, st, self.leftMargin, self.bottomMargin - 14, footer, 8, st.muted, w - 2 * self.leftMargin)
        c.restoreState()

    def _body_page(self, c: Any, _doc: Any) -> None:
        st = self.styles
        w, h = self.pagesize
        meta = self.briefing.meta
        lm, rm = self.leftMargin, self.rightMargin
        c.saveState()
        top = h - self.topMargin + 10 * mm
        right = meta.audience_name
        right_w = _mixed_width(st, right, 7.5) if right else 0
        _draw_mixed(c, st, lm, top, meta.title, 7.5, st.muted, w - lm - rm - right_w - 12)
        if right:
            _draw_mixed(c, st, w - rm - right_w, top, right, 7.5, st.accent, right_w + 1)
        c.setStrokeColor(st.rule)
        c.setLineWidth(0.5)
        c.line(lm, top - 5, w - rm, top - 5)
        bottom = self.bottomMargin - 10 * mm
        c.setFillColor(st.accent)
        c.rect(lm, bottom + 9, 10 * mm, 1.6, stroke=0, fill=1)
        footer = " · ".join(p for p in (meta.publisher, meta.date_text) if p)
        # "Page x of " now; the total is a form defined when the build ends (see _endBuild).
        page_text = f"Page {self.page} of "
        reserve = stringWidth("00", st.fonts.regular, 7.5)
        pw = stringWidth(page_text, st.fonts.regular, 7.5)
        _draw_mixed(c, st, lm, bottom, footer, 7.5, st.muted, w - lm - rm - pw - reserve - 12)
        c.setFont(st.fonts.regular, 7.5)
        c.setFillColor(st.muted)
        x = w - rm - reserve - pw
        c.drawString(x, bottom, page_text)
        c.translate(x + pw, bottom)
        c.doForm("page-count")
        c.restoreState()


def _segments(st: _Styles, text: str) -> list[tuple[str, str]]:
    """(font, text) runs for canvas drawing, where Paragraph markup is not available."""
    out: list[tuple[str, str]] = []
    for ch in text:
        code = ord(ch)
        if code in st.fonts.latin_cmap or ch == " ":
            font = st.fonts.regular
        elif code in st.fonts.cjk_cmap:
            font = st.fonts.cjk
        else:
            font, ch = st.fonts.regular, REPLACEMENT
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        else:
            out.append((font, ch))
    return out


def _mixed_width(st: _Styles, text: str, size: float) -> float:
    return sum(stringWidth(t, f, size) for f, t in _segments(st, text))


def _draw_mixed(c: Any, st: _Styles, x: float, y: float, text: str, size: float, color: Any,
                max_width: float) -> None:
    """Draw one line of user text in mixed faces, clipped with an ellipsis to `max_width`."""
    text = visual_order(" ".join(xml_safe(text).split()))
    if _mixed_width(st, text, size) > max_width:
        ell = "…"
        lo, hi = 0, len(text)
        while lo < hi:  # binary search for the longest prefix that fits with the ellipsis
            mid = (lo + hi + 1) // 2
            if _mixed_width(st, text[:mid].rstrip() + ell, size) <= max_width:
                lo = mid
            else:
                hi = mid - 1
        text = text[:lo].rstrip() + ell
    c.setFillColor(color)
    for font, part in _segments(st, text):
        c.setFont(font, size)
        c.drawString(x, y, part)
        x += stringWidth(part, font, size)


# ---- Story


def _build(doc: Document, options: WriteOptions, theme: Theme, fonts: FontSet, notes: Notes,
           pages: dict[int, ImportedPage | None], report: _Reporter) -> bytes:
    try:
        return _build_once(doc, options, theme, fonts, notes, pages, report, plain=False)
    except LayoutError as exc:
        # Something no page can hold (a table row taller than a page, say). Rather than fail the
        # export, lay the briefing out again with tables, tiles and boxes as plain paragraphs.
        notes.add(f"Part of the layout did not fit a page ({str(exc)[:120]}); tables, key figures and "
                  "boxes were written as plain paragraphs instead")
        return _build_once(doc, options, theme, fonts, notes, pages, report, plain=True)


def _build_once(doc: Document, options: WriteOptions, theme: Theme, fonts: FontSet, notes: Notes,
                pages: dict[int, ImportedPage | None], report: _Reporter, *, plain: bool) -> bytes:
    pagesize = PAGE_SIZES.get(options.page_size.upper(), A4)
    styles = _styles(theme, fonts, theme.accent(doc.meta.audience_key))
    markup = _Markup(styles, notes, {r.number for r in doc.references.entries})
    markup.accent_hex = theme.accent(doc.meta.audience_key)
    late = _LateForms(theme.muted, {}, [])
    story = _StoryBuilder(doc, styles, markup, pages, pagesize, options, late, plain=plain).story()
    meta = doc.meta
    buf = io.BytesIO()
    pdf = _BriefingTemplate(
        buf,
        doc=doc,
        styles=styles,
        notes=notes,
        report=report,
        flowable_count=len(story),
        late=late,
        pagesize=pagesize,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=25 * mm,
        bottomMargin=22 * mm,
        title=_meta_text(meta.title),
        author=_meta_text(meta.author),
        subject=_meta_text(meta.subject),
        keywords=", ".join(_meta_text(k) for k in meta.keywords),
        creator=f"Briefing {__version__}",
        producer=f"Briefing {__version__} (reportlab)",
        invariant=1,
        lang=meta.language or None,
    )
    pdf.build(story)
    if markup.clipped:
        notes.add(f"{len(markup.clipped)} heading(s), caption(s) or key-figure text(s) too long for a page were "
                  f"shortened in the PDF (the first: “{markup.clipped[0]}…”); other formats keep them whole")
    return buf.getvalue()


def _meta_text(text: str) -> str:
    return " ".join(xml_safe(text).split())


class _StoryBuilder:
    def __init__(self, doc: Document, styles: _Styles, markup: _Markup,
                 pages: dict[int, ImportedPage | None], pagesize: tuple[float, float], options: WriteOptions,
                 late: _LateForms, *, plain: bool = False) -> None:
        self.plain = plain  # the fallback layout: no tables, tiles or boxes, only paragraphs
        self.doc = doc
        self.st = styles
        self.m = markup
        self.pages = pages
        self.options = options
        self.late = late
        self.frame_width = pagesize[0] - 40 * mm
        self.frame_height = pagesize[1] - 47 * mm
        self.heading_count = 0
        self.toc_entries: list[tuple[int, str, str]] = []

    def story(self) -> list[Flowable]:
        doc = self.doc
        front: list[Flowable] = self.cover() + [NextPageTemplate("body"), PageBreak()]
        if doc.summary is not None:
            front += self.summary() + [PageBreak()]
        body: list[Flowable] = []
        for i, section in enumerate(doc.sections, start=1):
            self.options.check()
            body += self.section(section, i)
        if doc.references.entries:
            body.append(CondPageBreak(self.frame_height * 0.3))
            body.append(self.heading(doc.references.title, level=0, key="references", toc=True))
            body += [self.reference(r) for r in doc.references.entries]
        # The contents comes before the body it lists, but is built after it has seen every heading.
        contents = [self.heading(doc.contents_title, level=0, key="contents", toc=False),
                    _Contents(self.toc_entries, self.st.toc, self.late), PageBreak()]
        return front + contents + body

    # -- front matter

    def cover(self) -> list[Flowable]:
        meta = self.doc.meta
        st = self.st
        title_size = st.cover_title.fontSize
        n = len(meta.title)
        if n > 60:
            title_size = 24 if n <= 110 else 18
        title_style = ParagraphStyle("cover-title-fit", parent=st.cover_title, fontSize=title_size,
                                     leading=title_size * 1.14)
        kicker = "BRIEFING" + (f" · {meta.audience_name.upper()}" if meta.audience_name else "")
        band: list[Flowable] = [_Para(self.m.label(kicker, 200), st.cover_kicker),
                                _Para(self.m.label(meta.title, 400), title_style)]
        if meta.subtitle:
            band.append(_Para(self.m.label(meta.subtitle, 600), st.cover_subtitle))
        out: list[Flowable] = [_Bottom(KeepInFrame(0, 0, band, mode="shrink")), FrameBreak()]
        rows = [("Prepared for", meta.audience_name), ("Date", meta.date_text), ("Author", meta.author),
                ("Published by", meta.publisher)]
        body: list[Flowable] = []
        for label, value in rows:
            if value:
                body.append(_Para(self.m.text(label.upper()), st.cover_label))
                body.append(_Para(self.m.label(value, 300), st.cover_value))
        out.append(KeepInFrame(0, 0, body, mode="shrink"))
        return out

    def summary(self) -> list[Flowable]:
        summary = self.doc.summary
        assert summary is not None
        out: list[Flowable] = [self.heading(summary.title, level=0, key="summary", toc=True)]
        out += [self.paragraph(p, "lead") for p in summary.paragraphs]
        if summary.key_figures is not None and summary.key_figures.items:
            out.append(Spacer(1, 6))
            out += self.key_figures(summary.key_figures)
        return out

    def heading(self, text: str, *, level: int, key: str, toc: bool, number: int | None = None) -> _Heading:
        style = (self.st.h1, self.st.h2, self.st.h3)[min(level, 2)]
        text = self.m.clip(text, 400)
        body = self.m.text(text)
        if number is not None:
            shown = f'<font color="{self.m.accent_hex}">{number}</font>&nbsp;&nbsp;{body}'
            toc_markup = f'<font color="{self.m.accent_hex}">{number}</font>&nbsp;&nbsp;&nbsp;{body}'
        else:
            shown = toc_markup = body
        self.heading_count += 1
        if toc:
            self.toc_entries.append((min(level, 2), toc_markup, key))
        return _Heading(shown, style, outline=_meta_text(text) or "(untitled)", key=key, level=min(level, 1),
                        pages=self.late.pages)

    # -- sections and blocks

    def section(self, section: Section, number: int) -> list[Flowable]:
        out: list[Flowable] = [CondPageBreak(self.frame_height * 0.22)]
        out.append(self.heading(section.title, level=0, key=section.anchor or f"sec-{number}", toc=True,
                                number=number))
        for block in section.blocks:
            out += self.block(block)
        return out

    def block(self, block: Block) -> list[Flowable]:
        match block:
            case Paragraph():
                return [self.paragraph(block)]
            case Heading():
                level = max(1, min(block.level - 1, 2))
                self.heading_count += 1
                return [self.heading(block.text, level=level, key=block.anchor or f"h-{self.heading_count}",
                                     toc=level == 1)]
            case BulletList():
                return [_Para(self.m.runs(item.runs), self.st.bullet, bulletText="•") for item in block.items]
            case Figure():
                return self.figure(block)
            case Table():
                return self.table(block)
            case KeyFigures():
                return self.key_figures(block)
            case Callout():
                return self.callout(block)
            case _:
                assert_never(block)

    def paragraph(self, p: Paragraph, style: str | None = None) -> RLParagraph:
        name = style or p.style
        st = {"body": self.st.body, "lead": self.st.lead, "quote": self.st.quote, "note": self.st.note}.get(
            name, self.st.body)
        return _Para(self.m.runs(p.runs), st)

    def figure(self, fig: Figure) -> list[Flowable]:
        """An exhibit: number and title above the plot, subtitle under them, cited source below."""
        page = self.pages.get(fig.number)
        chart = _Chart(page, f"chart{fig.number}", self.frame_height * 0.34, self.st,
                       f"Figure {fig.number} could not be drawn")
        parts: list[Flowable] = [Spacer(1, 6)]
        if fig.anchor:
            parts.append(_Anchor(fig.anchor))
        parts.append(_Para(
            f'<font color="{self.m.accent_hex}">Figure {fig.number}:</font>&nbsp;{self.m.label(fig.caption, 500)}',
            self.st.figure_title))
        if fig.subtitle:
            parts.append(_Para(self.m.label(fig.subtitle, 800), self.st.figure_subtitle))
        parts += [Spacer(1, 4), chart]
        if fig.source:
            parts.append(_Para(self.m.label(fig.source, 1500), self.st.source))
        else:
            parts.append(Spacer(1, 12))
        return parts if self.plain else [KeepTogether(parts)]

    def table(self, table: Table) -> list[Flowable]:
        if self.plain:
            out: list[Flowable] = [_Para(f"<b>Table {table.number}:</b>&nbsp;{self.m.label(table.caption, 500)}",
                                               self.st.caption)]
            for r in table.rows:
                parts = [f"{self.m.label(c.title, 200)}: {self.m.runs(cell.runs)}" for c, cell in zip(table.columns, r)]
                out.append(_Para("; ".join(parts), self.st.body))
            if table.note:
                out.append(_Para(self.m.text(table.note), self.st.source))
            return out
        if not table.columns:
            self.m.notes.add(f"Table {table.number} has no columns and was left out")
            return []
        total = sum(max(c.width, 0.1) for c in table.columns)
        widths = [self.frame_width * max(c.width, 0.1) / total for c in table.columns]
        head = [_Para(self.m.label(c.title.upper(), 200), ParagraphStyle(
            "th", parent=self.st.cell_head, alignment=TA_RIGHT if c.align == "right" else TA_LEFT))
            for c in table.columns]
        rows: list[list[Any]] = [head]
        for r in table.rows:
            cells = list(r[: len(table.columns)]) + [None] * (len(table.columns) - len(r))
            if len(r) > len(table.columns):
                self.m.notes.add(f"Table {table.number}: a row has more cells than columns; the extra were dropped")
            row = []
            for cell, col in zip(cells, table.columns):
                style = self.st.cell_right if col.align == "right" else self.st.cell
                row.append(_Para(self.m.runs(cell.runs) if cell else "", style))
            rows.append(row)
        commands = [
            ("LINEBELOW", (0, 0), (-1, 0), 1.0, self.st.accent),
            ("LINEBELOW", (0, 1), (-1, -1), 0.4, self.st.rule),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        for i in range(2, len(rows), 2):
            commands.append(("BACKGROUND", (0, i), (-1, i), self.st.panel))
        grid = RLTable(rows, colWidths=widths, repeatRows=1, splitInRow=24, style=TableStyle(commands), hAlign="LEFT")
        caption = _Para(
            f'<font name="{self.st.fonts.bold}" color="{self.m.accent_hex}">Table {table.number}:</font>'
            f"&nbsp;{self.m.label(table.caption, 500)}", ParagraphStyle("tcap", parent=self.st.caption,
                                                                        keepWithNext=1, spaceAfter=4))
        out: list[Flowable] = [Spacer(1, 4)]
        if table.anchor:
            out.append(_Anchor(table.anchor))
        out += [caption, grid]
        out.append(_Para(self.m.text(table.note), self.st.source) if table.note else Spacer(1, 12))
        return out

    def key_figures(self, kf: KeyFigures) -> list[Flowable]:
        st = self.st
        if self.plain:
            head = [_Para(self.m.label(kf.title.upper(), 200), st.kicker)] if kf.title else []
            return head + [_Para(f"<b>{self.m.label(i.value, 40)}</b> {self.m.text(i.label)} "
                                       f"{self.m.text(i.context)}{self.m.marker(i.refs)}", st.bullet, bulletText="•")
                           for i in kf.items]
        per_row = 3 if len(kf.items) != 4 else 2
        gap = 8
        col_w = (self.frame_width - gap * (per_row - 1)) / per_row
        cells: list[list[Flowable]] = []
        for item in kf.items:
            cell: list[Flowable] = [_Para(self.m.label(item.value, 40), st.tile_value),
                                    _Para(self.m.label(item.label, 300), st.tile_label)]
            # The reference rides on the small context line: a marker beside a 20 pt number shouts.
            context = self.m.label(item.context, 300) if item.context else ""
            if item.refs:
                context = (context + "&nbsp;" if context else "") + self.m.marker(item.refs)
            if context:
                cell.append(_Para(context, st.tile_context))
            cells.append(cell)
        widths: list[float] = []
        for j in range(per_row):
            widths += [col_w, gap] if j < per_row - 1 else [col_w]
        out: list[Flowable] = []
        if kf.title:
            out.append(_Para(self.m.label(kf.title.upper(), 200), st.kicker))
        # One table per row of tiles, so a page break can fall between rows but never inside a tile;
        # the empty gap columns keep the tiles apart while each keeps its own panel and accent rule.
        for i in range(0, len(cells), per_row):
            chunk = cells[i: i + per_row]
            row: list[Any] = []
            commands: list[tuple[Any, ...]] = [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 9),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 9),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ]
            for j in range(per_row):
                row.append(chunk[j] if j < len(chunk) else "")
                if j < len(chunk):
                    commands.append(("BACKGROUND", (2 * j, 0), (2 * j, 0), st.panel))
                    commands.append(("LINEABOVE", (2 * j, 0), (2 * j, 0), 2.2, st.accent))
                if j < per_row - 1:
                    row.append("")
            out.append(RLTable([row], colWidths=widths, style=TableStyle(commands), hAlign="LEFT", splitInRow=24))
            out.append(Spacer(1, gap))
        return out

    def callout(self, callout: Callout) -> list[Flowable]:
        st = self.st
        if self.plain:
            head = [_Para(self.m.label(callout.title.upper(), 300), st.callout_title)] if callout.title else []
            return head + [_Para(self.m.runs(p.runs), st.quote) for p in callout.body]
        inner: list[Flowable] = []
        if callout.title:
            inner.append(_Para(self.m.label(callout.title.upper(), 300), st.callout_title))
        inner += [_Para(self.m.runs(p.runs), ParagraphStyle("callout-body", parent=st.body, spaceAfter=4))
                  for p in callout.body]
        if not inner:
            return []
        box = RLTable([[inner]], colWidths=[self.frame_width], splitInRow=24, hAlign="LEFT", style=TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), st.panel),
            ("LINEBEFORE", (0, 0), (0, -1), 3, st.accent),
            ("LEFTPADDING", (0, 0), (-1, -1), 14),
            ("RIGHTPADDING", (0, 0), (-1, -1), 12),
            ("TOPPADDING", (0, 0), (-1, -1), 10),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ]))
        return [Spacer(1, 6), box, Spacer(1, 12)]

    def reference(self, ref: Reference) -> Flowable:
        anchor = f'<a name="{ref.anchor or f"ref-{ref.number}"}"/>'
        if ref.anchor and ref.anchor != f"ref-{ref.number}":
            anchor += f'<a name="ref-{ref.number}"/>'
        text = f'{anchor}<font color="{self.m.accent_hex}">[{ref.number}]</font>&nbsp;&nbsp;{self.m.text(ref.label)}'
        if ref.url:
            text += " " + self.m.runs((Link(ref.url, ref.url),))
        return _Para(text, self.st.reference)


__all__ = ["write"]
