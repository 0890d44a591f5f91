"""User text to reportlab Paragraph markup: text is data, so escape first, then add the little markup we mean."""

from __future__ import annotations

from collections.abc import Sequence
from typing import assert_never
from xml.sax.saxutils import escape, quoteattr

from briefing.document import Cite, Emphasis, Inline, Link, NumberRef, Strong, Text
from briefing.document.links import cite_anchor
from briefing.writers.pdf.fonts import REPLACEMENT
from briefing.writers.pdf.styles import Styles
from briefing.writers.text import Notes, has_rtl, is_web_url, visual_order, xml_safe


def meta_text(text: str) -> str:
    """Text for a document property or an outline entry: no markup, one line."""
    return " ".join(xml_safe(text).split())


class Markup:
    def __init__(self, styles: Styles, notes: Notes, ref_numbers: set[int]) -> None:
        self.fonts = styles.fonts
        self.notes = notes
        self.refs = ref_numbers
        # (reference number, finding slug) pairs whose entry holds a destination for that finding.
        self.cited: set[tuple[int, str]] = set()
        self.accent_hex = styles.theme.text_accent(None)
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
                        # Its own destination at the reference entry, named for the finding: the
                        # app's preview reads the name to select the finding a number belongs to.
                        name = (cite_anchor(first, run.finding) if (first, run.finding) in self.cited
                                else f"ref-{first}")
                        body = f'<a href={quoteattr("#" + name)}>{body}</a>'
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

