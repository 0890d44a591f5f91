"""The PDF writer (reportlab platypus): cover, key figures, contents, sections, references.

Every user string is escaped before it becomes Paragraph markup (`markup`), then CJK runs are
wrapped in the CJK face (`fonts`); charts arrive as matplotlib PDF pages and are placed as vector
form XObjects (`forms`). `styles` makes the paragraph styles, `story` the flowables, `page` the
page template; `memo` keeps layout between exports. This module runs one export.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.platypus.doctemplate import LayoutError

from briefing import __version__
from briefing.document import Document
from briefing.theme import Theme
from briefing.writers import Progress, WriteOptions, WriteResult, render_figures
from briefing.writers.manifest import pdf_canvas_with_manifest
from briefing.writers.pdf.flowables import LateForms
from briefing.writers.pdf.fonts import FontSet, register_fonts
from briefing.writers.pdf.forms import ImportedPage, load_page_cached
from briefing.writers.pdf.markup import Markup, meta_text
from briefing.writers.pdf.page import BriefingTemplate, LateFormCanvas
from briefing.writers.pdf.story import StoryBuilder
from briefing.writers.pdf.styles import make_styles
from briefing.writers.text import Notes

PAGE_SIZES = {"A4": A4, "LETTER": LETTER}


def write(doc: Document, options: WriteOptions, progress: Progress | None = None) -> WriteResult:
    """Render `doc` as PDF bytes. Never mutates `doc`; builds a fresh story on every call."""
    notes = Notes()
    notes.extend(doc.warnings)
    report = Reporter(progress, options)
    theme = options.resolved_theme(doc)
    fonts = register_fonts(theme)
    report(0.02, "Preparing fonts")
    report(0.05, "Drawing charts")
    # One PDF page per figure, rendered once per export however many build passes follow.
    pages = render_figures(doc, options, theme, fmt="pdf", dpi=None, convert=load_page_cached,
                           note=notes.add, report=report)
    options.check()
    with no_ascii85():
        data = build(doc, options, theme, fonts, notes, pages, report)
    report(0.98, "PDF ready")
    return WriteResult(data, notes.list())


class Reporter:
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


_A85_LOCK = threading.Lock()
_A85_USERS = 0
_A85_SAVED: int | bool = 1


@contextmanager
def no_ascii85() -> Iterator[None]:
    """Build without ASCII85 stream filters, and give reportlab's setting back afterwards.

    ASCII85 makes every stream 25% larger and costs ~10% of the build; it only helps 7-bit mail.
    reportlab reads `rl_config.useA85` while it writes streams and has no per-document switch, so
    it is off while any export in this process builds and restored when the last one ends.
    """
    global _A85_USERS, _A85_SAVED
    with _A85_LOCK:
        if _A85_USERS == 0:
            _A85_SAVED = rl_config.useA85
            rl_config.useA85 = 0
        _A85_USERS += 1
    try:
        yield
    finally:
        with _A85_LOCK:
            _A85_USERS -= 1
            if _A85_USERS == 0:
                rl_config.useA85 = _A85_SAVED


def build(doc: Document, options: WriteOptions, theme: Theme, fonts: FontSet, notes: Notes,
          pages: dict[int, ImportedPage | None], report: Reporter) -> bytes:
    try:
        return build_once(doc, options, theme, fonts, notes, pages, report, plain=False)
    except LayoutError as exc:
        # Something no page can hold (a table row taller than a page, say). Rather than fail the
        # export, lay the briefing out again with tables, tiles and boxes as plain paragraphs.
        notes.add(f"Part of the layout did not fit a page ({str(exc)[:120]}); tables, key figures and "
                  "boxes were written as plain paragraphs instead")
        return build_once(doc, options, theme, fonts, notes, pages, report, plain=True)


def build_once(doc: Document, options: WriteOptions, theme: Theme, fonts: FontSet, notes: Notes,
               pages: dict[int, ImportedPage | None], report: Reporter, *, plain: bool) -> bytes:
    pagesize = PAGE_SIZES.get(options.page_size.upper(), A4)
    styles = make_styles(theme, fonts, theme.text_accent(doc.meta.audience_key))
    markup = Markup(styles, notes, {r.number for r in doc.references.entries})
    markup.accent_hex = theme.text_accent(doc.meta.audience_key)
    late = LateForms(theme.muted, {}, [])
    story = StoryBuilder(doc, styles, markup, pages, pagesize, options, late, plain=plain).story()
    meta = doc.meta
    buf = io.BytesIO()
    pdf = BriefingTemplate(
        buf,
        doc=doc,
        styles=styles,
        report=report,
        check=options.check,
        flowable_count=len(story),
        late=late,
        pagesize=pagesize,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=25 * mm,
        bottomMargin=22 * mm,
        title=meta_text(meta.title),
        author=meta_text(meta.author),
        subject=meta_text(meta.subject),
        keywords=", ".join(meta_text(k) for k in meta.keywords),
        creator=f"Briefing {__version__}",
        producer=f"Briefing {__version__} (reportlab)",
        invariant=1,
        lang=meta.language or None,
        # The canvas's first font; left at reportlab's Helvetica it is referenced, never embedded.
        initialFontName=fonts.regular,
    )
    pdf.build(story, canvasmaker=lambda *a, **k: pdf_canvas_with_manifest(LateFormCanvas(*a, **k), doc.manifest))
    if markup.clipped:
        notes.add(f"{len(markup.clipped)} heading(s), caption(s) or key-figure text(s) too long for a page were "
                  f"shortened in the PDF (the first: “{markup.clipped[0]}…”); other formats keep them whole")
    return buf.getvalue()


__all__ = ["write"]
