"""The layout memo: parsed markup and line breaking kept between exports in one process.

A warm export (the app's export process, a batch, a command forked from the server) lays out the
same markup again, and a re-export after an edit changes a few paragraphs. Parsing the markup
(html.parser under reportlab's ParaParser) and breaking lines were a third of a warm export
(measured: a warm full report 91 ms with the memo, 216 ms with it cleared). Keys hold the whole
markup and every style value, and a font name is unique per registered face (see fonts.py), so
another theme, finding or column width misses instead of reusing stale work.

Only reportlab's public API is used: a hit passes the kept fragments through Paragraph's own
`frags=` argument, and `breakLines` (a public method that `wrap` calls) returns kept lines.
`BRIEFING_PDF_MEMO=off` turns the memo off: `Para` is then a plain reportlab Paragraph.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

ENV = "BRIEFING_PDF_MEMO"


def enabled() -> bool:
    """Read on every paragraph, so a test (or a user chasing a layout bug) can switch it live."""
    return os.environ.get(ENV, "").strip().lower() not in ("off", "0", "no", "false")


def style_key(style: ParagraphStyle) -> tuple[tuple[str, Any], ...]:
    """Every attribute a ParagraphStyle holds (parents' values are copied in), as a dict key."""
    return tuple(sorted((k, v) for k, v in vars(style).items() if k != "name" and k != "parent"))


class Lru:
    """A bounded, thread-safe map from a hashable key to what reportlab worked out for it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Any:
        try:
            hash(key)
        except TypeError:  # a style value reportlab allows but Python cannot hash: parse as usual
            return None
        with self.lock:
            hit = self.items.get(key)
            if hit is not None:
                self.items.move_to_end(key)
            return hit

    def put(self, key: Any, value: Any) -> None:
        try:
            hash(key)
        except TypeError:
            return
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.limit:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


PARSED = Lru(4096)  # (markup, caseSensitive, style) -> (text, fragments, bullet fragments or None)
LAYOUTS = Lru(4096)  # ((markup key, bullet), line widths) -> (lines, fragments) of a first breaking


def clear() -> None:
    PARSED.clear()
    LAYOUTS.clear()


def _plain_layout(text: str, style: ParagraphStyle, bullet: Any) -> bool:
    """Whether kept lines may be shared. reportlab edits line fragments in place for soft hyphens,
    hyphenation and percentage-sized images; those, and the CJK, bidi, shaping and end-dots paths
    this writer does not use, are always laid out anew."""
    return (isinstance(bullet, (str, type(None))) and "\xad" not in text and "<img" not in text
            and not style.hyphenationLang and not style.embeddedHyphenation and not style.uriWasteReduce
            and not style.wordWrap and not style.endDots and not style.shaping
            and getattr(style, "autoLeading", "") in ("", "off", None))


class Para(Paragraph):
    """A Paragraph that parses and breaks its lines once for the same markup, style and widths.

    Within an export, platypus measures most paragraphs more than once at one width: a table wraps
    its cells to size the rows and again to draw them, KeepTogether wraps its group before the
    frame wraps each member, and a flowable that misses the foot of a page is wrapped again at the
    top of the next. The lines depend only on the widths, the fragments and the style, so the first
    answer stands while those are the same objects. Between exports, the parse and the first
    breaking come from PARSED and LAYOUTS, and paragraphs share the kept lines: drawing and
    splitting only read them (checked over every audience and the kitchen sink: no line or fragment
    changed after its wrap; output is byte-identical to an export with the memo off, tested).
    """

    def __init__(self, text: Any, style: ParagraphStyle | None = None, bulletText: Any = None,
                 frags: Any = None, caseSensitive: int = 1, encoding: str = "utf8") -> None:
        self._layout_key: Any = None
        self._kept: tuple[tuple[float, ...], Any, Any, Any] | None = None
        self._memo = enabled()
        if not self._memo or frags is not None or not isinstance(text, str) or style is None:
            # The memo off, or reportlab splitting a paragraph (it passes the remaining fragments).
            super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
            return
        key = (text, caseSensitive, style_key(style))
        hit = PARSED.get(key)
        if hit is None:
            super().__init__(text, style, bulletText, None, caseSensitive, encoding)
            if self.style is style:  # a <para> tag may swap the style: such markup is not kept
                bullet = self.bulletText
                PARSED.put(key, (self.text, [f.clone() for f in self.frags],
                                 None if bullet is bulletText else bullet))
        else:
            cleaned, frags, bullet_frags = hit
            # Copies: reportlab hangs layout state on fragments. Given frags, it skips its parser.
            super().__init__(cleaned, style, bullet_frags if bullet_frags is not None else bulletText,
                             [f.clone() for f in frags], caseSensitive, encoding)
        if _plain_layout(text, style, self.bulletText):
            self._layout_key = (key, bulletText)

    def breakLines(self, width: Any) -> Any:
        if not self._memo:
            return super().breakLines(width)
        widths = tuple(width) if isinstance(width, (list, tuple)) else (width,)
        kept = self._kept
        if (kept is not None and kept[0] == widths and kept[1] is self.__dict__.get("blPara")
                and kept[2] is self.style and kept[3] is self.frags):
            return kept[1]  # wrapped again at the same widths: the lines stand
        layout_key = self._layout_key
        self._layout_key = None  # only the first breaking starts from freshly parsed fragments
        known = LAYOUTS.get((layout_key, widths)) if layout_key is not None else None
        if known is not None:
            lines, self.frags = known
        else:
            lines = super().breakLines(width)
            if layout_key is not None:
                LAYOUTS.put((layout_key, widths), (lines, self.frags))
        self._kept = (widths, lines, self.style, self.frags)
        return lines
