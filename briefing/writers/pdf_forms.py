"""Place a one-page PDF (a matplotlib chart) into a reportlab document as a vector form XObject.

Why not PNG: reportlab re-encodes every image (about 1.5 s for eight 1920x1080 charts) and the
result is blurry when zoomed. Why not merging pages with pypdf after the build: that rewrites the
whole output file. Instead the chart page's content stream and resources are copied, still
compressed, into reportlab's own object graph as a Form XObject, which costs a few milliseconds.
"""

from __future__ import annotations

import hashlib
import io
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    StreamObject,
)
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream

# Keys that describe a stream's encoding: copied as they are, since the bytes stay encoded.
_STREAM_OWN = ("/Length",)


@dataclass(frozen=True)
class ImportedPage:
    """A parsed chart page, independent of any reportlab document (reused across build passes)."""

    width: float
    height: float
    bbox: tuple[float, float, float, float]
    content: bytes  # FlateDecode-compressed page content
    resources: Any  # pypdf DictionaryObject
    reader: PdfReader


def load_page(data: bytes) -> ImportedPage:
    """Parse the first page of a PDF; raise ValueError if it is not a usable PDF."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        page = reader.pages[0]
    except Exception as exc:  # pypdf raises a zoo of types for broken input
        raise ValueError(f"not a readable PDF ({exc})") from exc
    box = page.mediabox
    x0, y0, x1, y1 = (float(box.left), float(box.bottom), float(box.right), float(box.top))
    contents = page.get("/Contents")
    raw = _content_bytes(contents.get_object() if contents is not None else None)
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    return ImportedPage(x1 - x0, y1 - y0, (x0, y0, x1, y1), zlib.compress(raw, 6), resources, reader)


_PAGES: OrderedDict[bytes, ImportedPage] = OrderedDict()
_PAGES_LOCK = threading.Lock()
_PAGES_MAX = 64


def load_page_cached(data: bytes) -> ImportedPage:
    """load_page, remembered by content: an app re-exporting after one edit re-parses one chart."""
    key = hashlib.sha1(data, usedforsecurity=False).digest()
    with _PAGES_LOCK:
        page = _PAGES.get(key)
        if page is not None:
            _PAGES.move_to_end(key)
            return page
    page = load_page(data)
    with _PAGES_LOCK:
        _PAGES[key] = page
        while len(_PAGES) > _PAGES_MAX:
            _PAGES.popitem(last=False)
    return page


def _content_bytes(contents: Any) -> bytes:
    if contents is None:
        return b""
    if isinstance(contents, ArrayObject):
        return b"\n".join(_content_bytes(c.get_object()) for c in contents)
    return bytes(contents.get_data())


def add_form(doc: Any, name: str, page: ImportedPage) -> None:
    """Register `page` as form `name` in a reportlab PDFDocument (canvas._doc), once per document."""
    if doc.hasForm(name):
        return
    memo: dict[int, Any] = {}
    form = PDFDictionary(
        {
            "Type": PDFName("XObject"),
            "Subtype": PDFName("Form"),
            "FormType": 1,
            "BBox": PDFArray(list(page.bbox)),
            "Resources": _convert(page.resources, doc, memo),
            "Filter": PDFName("FlateDecode"),
        }
    )
    doc.addForm(name, PDFStream(dictionary=form, content=page.content))


def _convert(obj: Any, doc: Any, memo: dict[int, Any]) -> Any:
    """pypdf object -> reportlab object; indirect objects stay shared (one reportlab object each)."""
    if isinstance(obj, IndirectObject):
        key = obj.idnum
        if key in memo:
            return memo[key]
        target = obj.get_object()
        if isinstance(target, StreamObject):
            converted = _stream(target, doc, memo)
            memo[key] = converted  # reportlab references streams on its own when formatting
            return converted
        if isinstance(target, (DictionaryObject, ArrayObject)):
            holder = PDFDictionary({}) if isinstance(target, DictionaryObject) else PDFArray([])
            ref = doc.Reference(holder)
            memo[key] = ref  # set before recursing: PDF object graphs may be cyclic
            filled = _convert(target, doc, memo)
            if isinstance(holder, PDFDictionary):
                holder.dict.update(filled.dict)
            else:
                holder.sequence.extend(filled.sequence)
            return ref
        converted = _convert(target, doc, memo)
        memo[key] = converted
        return converted
    if isinstance(obj, StreamObject):
        return _stream(obj, doc, memo)
    if isinstance(obj, DictionaryObject):
        return PDFDictionary({str(k)[1:]: _convert(v, doc, memo) for k, v in obj.items()})
    if isinstance(obj, ArrayObject):
        return PDFArray([_convert(v, doc, memo) for v in obj])
    if isinstance(obj, NameObject):
        return PDFName(str(obj)[1:])
    if isinstance(obj, NullObject):
        return b"null"
    # Numbers, booleans and strings: pypdf writes exact PDF syntax, which reportlab passes through.
    out = io.BytesIO()
    obj.write_to_stream(out)
    return out.getvalue()


def _stream(stream: StreamObject, doc: Any, memo: dict[int, Any]) -> PDFStream:
    entries = {str(k)[1:]: _convert(v, doc, memo) for k, v in stream.items() if k not in _STREAM_OWN}
    raw = stream._data  # still encoded: /Filter and /DecodeParms are copied with it
    if "Filter" not in entries:
        # reportlab would apply its own filters to an unfiltered stream; mark it as already final.
        raw = zlib.compress(bytes(raw), 6)
        entries["Filter"] = PDFName("FlateDecode")
    return PDFStream(dictionary=PDFDictionary(entries), content=bytes(raw))
