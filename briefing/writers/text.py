"""Text as data on its way into a file format: XML-safe characters, web-only links, RTL display order."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

# Characters XML 1.0 forbids (python-docx/lxml refuse them) plus lone surrogates. Tab, LF and CR
# are legal; the domain layer already drops other controls, but a writer must not trust that.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_MIRROR = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")
_RTL = ("R", "AL")
_RTL_RANGE = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


class Notes:
    """Warnings a writer collects while it works, each said once, in the order first met."""

    def __init__(self) -> None:
        self._items: dict[str, None] = {}

    def add(self, message: str) -> None:
        self._items.setdefault(message, None)

    def extend(self, messages: Iterable[object]) -> None:
        for m in messages:
            self.add(str(m))

    def list(self) -> list[str]:
        return list(self._items)


def xml_safe(text: str, notes: Notes | None = None) -> str:
    """`text` without the characters an XML file cannot hold (NUL, other C0 controls, lone surrogates)."""
    if not _XML_ILLEGAL.search(text):
        return text
    if notes is not None:
        notes.add("Control characters (invisible, not allowed in documents) were removed from the text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text)


def is_web_url(url: str | None) -> bool:
    """Only http(s) links become clickable; javascript:, file:, data: and friends stay text."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and not _XML_ILLEGAL.search(url) \
        and not any(c.isspace() for c in url.strip())


def has_rtl(text: str) -> bool:
    return bool(_RTL_RANGE.search(text))


def visual_order(text: str) -> str:
    """Reorder right-to-left runs into display order for a renderer that lays out left to right.

    A deliberately small subset of the Unicode bidi algorithm: each run that starts and ends with a
    strong right-to-left letter (spaces, punctuation and combining marks inside it) is reversed by
    grapheme, with digits kept left to right and brackets mirrored. PDF text extractors reverse such
    runs back, so the text layer reads in logical order. Left-to-right paragraphs only.
    """
    if not has_rtl(text):
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if unicodedata.bidirectional(text[i]) not in _RTL:
            out.append(text[i])
            i += 1
            continue
        j = i
        last_strong = i
        while j < n:
            cls = unicodedata.bidirectional(text[j])
            if cls in _RTL:
                last_strong = j
            elif cls == "L" or text[j] == "\n":
                break
            j += 1
        out.append(_reverse_run(text[i:last_strong + 1] + _marks_after(text, last_strong + 1)))
        i = last_strong + 1 + len(_marks_after(text, last_strong + 1))
    return "".join(out)


def _marks_after(text: str, start: int) -> str:
    end = start
    while end < len(text) and unicodedata.category(text[end]) in ("Mn", "Me"):
        end += 1
    return text[start:end]


def _reverse_run(run: str) -> str:
    clusters: list[str] = []
    for ch in run:
        cat = unicodedata.category(ch)
        cls = unicodedata.bidirectional(ch)
        if clusters and cat in ("Mn", "Me"):
            clusters[-1] += ch  # a combining mark stays after its base
        elif clusters and cls in ("EN", "AN") and clusters[-1][-1:].isdigit():
            clusters[-1] += ch  # numbers read left to right even inside RTL text
        else:
            clusters.append(ch)
    return "".join(c.translate(_MIRROR) if len(c) == 1 else c for c in reversed(clusters))
