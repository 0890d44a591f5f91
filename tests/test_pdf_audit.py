"""The pagination audit finds what it is meant to find, on pages drawn by hand."""

from __future__ import annotations

import io
import shutil

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from briefing.theme import default_theme
from briefing.writers.pdf.audit import audit_pdf
from briefing.writers.pdf.fonts import register_fonts

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler not installed")
W, H = A4
TOP = 80.0  # a baseline just inside the body frame


def make_pdf(pages: list[list[tuple[float, float, bool, str]]]) -> bytes:
    """Pages of (distance from the top, size, bold, text) lines in the house fonts."""
    fonts = register_fonts(default_theme())
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    for lines in pages:
        for top, size, bold, text in lines:
            c.setFont(fonts.bold if bold else fonts.regular, size)
            c.drawString(60, H - top, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def body(start: float, n: int, last: str = "and the paragraph ends here.") -> list[tuple[float, float, bool, str]]:
    lines = [(start + i * 14, 9.5, False, "a full line of body text that runs on and on across the column") for i in
             range(n - 1)]
    return [*lines, (start + (n - 1) * 14, 9.5, False, last)]


def test_a_full_report_passes() -> None:
    pages = [[(TOP, 20, True, "Cover")], body(TOP, 49), body(TOP, 49)]
    assert audit_pdf(make_pdf(pages)).problems == []


def test_a_half_empty_page_mid_chapter_is_reported_but_not_a_chapters_end() -> None:
    half = body(TOP, 20)
    audit = audit_pdf(make_pdf([[(TOP, 20, True, "Cover")], half, body(TOP, 49), half,
                                [(TOP, 20, True, "2  Next chapter"), *body(TOP + 30, 47)]]))
    blank = [p for p in audit.problems if "blank" in p]
    assert len(blank) == 1 and blank[0].startswith("page 2:"), audit.problems
    assert audit.pages[1].blank > 0.5 and audit.pages[2].blank < 0.1


def test_a_heading_left_at_the_foot_is_reported() -> None:
    page = [*body(TOP, 46), (TOP + 46 * 14 + 20, 9, True, "THE BOTTOM LINE FOR ASIA")]
    audit = audit_pdf(make_pdf([[(TOP, 20, True, "Cover")], page, body(TOP, 49)]))
    assert audit.problems == ["page 2: heading alone at the foot: “THE BOTTOM LINE FOR ASIA”"]


def test_lonely_first_and_last_lines_are_reported() -> None:
    foot = [*body(TOP, 45), (TOP + 45 * 14 + 20, 9.5, False, "A new paragraph starts and runs over")]
    top = [(TOP, 9.5, False, "the page break to end here."), *body(TOP + 30, 47)]
    audit = audit_pdf(make_pdf([[(TOP, 20, True, "Cover")], foot, top]))
    assert audit.problems == [
        "page 2: a paragraph's first line alone at the foot: “A new paragraph starts and runs over”",
        "page 3: a paragraph's last line alone at the top: “the page break to end here.”"]


def test_a_single_reference_alone_on_a_page_is_reported() -> None:
    refs = [(TOP + i * 16, 8.5, False, f"[{i + 1}]  Publisher. Title. April 2026.") for i in range(40)]
    audit = audit_pdf(make_pdf([[(TOP, 20, True, "Cover")], refs, [(TOP, 8.5, False, "[41]  Last. Title.")]]))
    assert audit.problems == ["page 3: a single reference alone: “[41]  Last. Title.”"]
