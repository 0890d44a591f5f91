"""Two hot spots of reportlab's PDF output made cheaper, without changing a byte of the output.

Measured on a warm full-report export (about 0.25 s; docs/performance.md):
- Serialising the document calls `pdfdoc.PDFName` (a per-character loop) and `pdfdoc.pdfdocEnc` (a
  codec lookup and encode) some 5,000 and 15,000 times, for a few hundred distinct names and short
  numbers. Both are pure functions of a string, so a bounded memo returns the same value.
- `TTFont.splitString` maps every character of every text run to its font-subset code in a Python
  loop. Once a character has a code in a document it keeps it, so text whose characters all have
  codes maps in one comprehension (`FastTTFont`); anything else takes reportlab's own path.

`install()` is idempotent and process-wide (the PDF writer calls it); `uninstall()` puts reportlab's
functions back, which the tests use to compare output bytes with and without.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import TTFont

_ORIGINAL: dict[str, Callable[..., Any]] = {}
_ENCODED: dict[str, bytes] = {}
_ENCODED_MAX = 50_000  # entries; names and numbers, a few dozen bytes each
_SHORT = 40  # longer strings (titles, URLs) are rarely repeated; encoding them is cheap enough


def install() -> None:
    if _ORIGINAL:
        return
    _ORIGINAL["PDFName"] = pdfdoc.PDFName
    _ORIGINAL["pdfdocEnc"] = pdfdoc.pdfdocEnc
    pdfdoc.PDFName = functools.lru_cache(maxsize=8192)(pdfdoc.PDFName)
    pdfdoc.pdfdocEnc = _pdfdoc_enc


def uninstall() -> None:
    if not _ORIGINAL:
        return
    pdfdoc.PDFName = _ORIGINAL.pop("PDFName")
    pdfdoc.pdfdocEnc = _ORIGINAL.pop("pdfdocEnc")
    _ENCODED.clear()


def installed() -> bool:
    return bool(_ORIGINAL)


def _pdfdoc_enc(x: Any) -> Any:
    if not isinstance(x, str):
        return x
    out = _ENCODED.get(x)
    if out is None:
        out = x.encode("extpdfdoc")
        if len(x) <= _SHORT and len(_ENCODED) < _ENCODED_MAX:
            _ENCODED[x] = out
    return out


class FastTTFont(TTFont):
    """reportlab's TTFont, with a fast path in splitString for characters that already have codes."""

    def splitString(self, text: Any, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        state = self.state.get(doc) if isinstance(text, str) else None
        if state is not None:
            assignments = state.assignments
            try:
                # reportlab maps U+00A0 (no-break space) to the space's code; so does this.
                codes = [assignments[c] for c in map(ord, text.replace("\xa0", " "))]
            except KeyError:  # a character new to this document: reportlab assigns it
                pass
            else:
                if not codes:
                    return []
                if max(codes) < 256:  # all in the first subset: one run
                    return [(0, bytes(codes))]
        return super().splitString(text, doc, encoding)
