"""A pagination audit of a finished PDF: blank area per page and lines left alone at a page's top or foot.

It reads only the PDF (text lines with their font and size through pypdf; ink through poppler's
`pdftoppm`), so it judges what a reader sees, whatever produced the file.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader

# The body frame of the house page (points from the page's foot and top); see pdf/__init__.py.
TOP_MARGIN = 25 * 72 / 25.4
BOTTOM_MARGIN = 22 * 72 / 25.4
ENDS_SENTENCE = re.compile(r"[.!?:;…)\]”’\"']\s*(\[\d+(?:[,–-]\s*\d+)*\])?\s*$")
REFERENCE = re.compile(r"^\s*\[\d+\]")


@dataclass
class Line:
    top: float  # distance of the baseline from the page's top, in points
    size: float
    bold: bool
    text: str


@dataclass
class PageAudit:
    number: int
    blank: float  # fraction of the body frame under the last ink
    lines: list[Line] = field(default_factory=list)


@dataclass
class Audit:
    pages: list[PageAudit]
    problems: list[str]


def fragments(page: Any) -> list[tuple[float, float, bool, float, str, str]]:
    """A page's own text pieces: (baseline from the top, size, bold, x, text, font name)."""
    height = float(page.mediabox.height)
    frags: list[tuple[float, float, bool, float, str, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if not text.strip():
            return
        y = tm[5] * cm[3] + tm[4] * cm[1] + cm[5]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        shown = size * abs(tm[3]) * (abs(cm[3]) or 1.0) if tm[3] else size
        name = str(font.get("/BaseFont", "")) if font is not None else ""
        frags.append((round(height - y, 0), shown, "Bold" in name, x, text, name))

    page.extract_text(visitor_text=visit)
    # Text drawn by the page itself, not inside a chart (a form XObject with fonts of its own):
    # a chart's tick labels are part of the figure, not lines of the text.
    own = {str(f.get_object().get("/BaseFont")) for f in page.get("/Resources", {}).get("/Font", {}).values()}
    return [f for f in frags if f[5] in own]


def page_lines(reader: PdfReader) -> list[list[Line]]:
    """Each page's text lines inside the body frame, top to bottom (header and footer left out)."""
    out: list[list[Line]] = []
    for page in reader.pages:
        height = float(page.mediabox.height)
        rows: dict[float, list[tuple[float, float, bool, float, str, str]]] = {}
        for f in fragments(page):
            rows.setdefault(f[0], []).append(f)
        lines = []
        for top in sorted(rows):
            if top < TOP_MARGIN - 2 or top > height - BOTTOM_MARGIN + 2:
                continue  # running head and foot
            parts = sorted(rows[top], key=lambda f: f[3])
            text = " ".join(p[4].strip() for p in parts if p[4].strip())
            lines.append(Line(top, max(p[1] for p in parts), all(p[2] for p in parts), text))
        out.append(lines)
    return out


def blank_fractions(data: bytes, page_count: int, dpi: int = 24) -> list[float]:
    """Per page, the share of the body frame below its lowest ink (poppler renders the pages)."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(src), str(Path(tmp) / "p")],
                       check=True, capture_output=True, timeout=120)
        files = sorted(Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[1]))
        out: list[float] = []
        for path in files[:page_count]:
            with Image.open(path) as im:
                w, h = im.size
                px = im.load()
                assert px is not None
                top = int(TOP_MARGIN / 72 * dpi) + 1
                bottom = h - int(BOTTOM_MARGIN / 72 * dpi) - 1
                lowest = top
                for y in range(bottom, top, -1):
                    if any(px[x, y] < 235 for x in range(w)):  # type: ignore[operator]
                        lowest = y
                        break
                out.append((bottom - lowest) / max(bottom - top, 1))
        return out


def audit_pdf(data: bytes, *, max_blank: float = 0.35, front_pages: int = 1, chapter_size: float = 20) -> Audit:
    """Blank pages, lines alone at a page's top or foot, a heading left at a page's foot.

    A page may be emptier than `max_blank` when it ends a chapter (the next page opens with a
    top-level heading of `chapter_size` points, or it is the last page) or is front matter
    (`front_pages`: the cover).
    """
    reader = PdfReader(io.BytesIO(data))
    lines = page_lines(reader)
    blanks = blank_fractions(data, len(lines))
    pages = [PageAudit(i + 1, b, ls) for i, (b, ls) in enumerate(zip(blanks, lines))]
    problems: list[str] = []
    for i, page in enumerate(pages):
        ls = page.lines
        nxt = pages[i + 1].lines if i + 1 < len(pages) else []
        chapter_end = not nxt or (nxt[0].bold and nxt[0].size >= chapter_size - 0.5)
        if i < front_pages:
            continue
        if not chapter_end and page.blank > max_blank:
            problems.append(f"page {page.number}: {page.blank:.0%} blank")
        if not ls:
            continue
        ls = [ln for ln in ls if not ln.text.isdigit()]  # the contents' page numbers
        if not ls:
            continue
        last = ls[-1]
        gap_before_last = last.top - ls[-2].top if len(ls) > 1 else 99.0
        alone_at_foot = gap_before_last > last.size * 1.9
        if alone_at_foot and last.bold and nxt:
            problems.append(f"page {page.number}: heading alone at the foot: “{last.text[:50]}”")
        elif alone_at_foot and nxt and not ENDS_SENTENCE.search(last.text) and not REFERENCE.match(last.text):
            problems.append(f"page {page.number}: a paragraph's first line alone at the foot: “{last.text[:50]}”")
        if i > front_pages and pages[i - 1].lines:
            first = ls[0]
            gap_after_first = ls[1].top - first.top if len(ls) > 1 else 99.0
            prev_last = pages[i - 1].lines[-1]
            if (gap_after_first > first.size * 1.9 and not first.bold and not REFERENCE.match(first.text)
                    and not ENDS_SENTENCE.search(prev_last.text)):
                problems.append(f"page {page.number}: a paragraph's last line alone at the top: “{first.text[:50]}”")
        refs = [ln for ln in ls if REFERENCE.match(ln.text)]
        if len(refs) == 1 and REFERENCE.match(ls[0].text):
            problems.append(f"page {page.number}: a single reference alone: “{refs[0].text[:50]}”")
    return Audit(pages, problems)
