"""Place a one-page PDF (a matplotlib chart) into a reportlab document as a vector form XObject.

Why not PNG: reportlab re-encodes every image (about 1.5 s for eight 1920x1080 charts) and the
result is blurry when zoomed. Why not merging pages with pypdf after the build: that rewrites the
whole output file. Instead the chart page's content stream and resources are copied, still
compressed, into reportlab's own object graph as a Form XObject, which costs a few milliseconds.
The walk over pypdf's objects happens once per chart file (`load_page_cached`); each document
then builds its reportlab objects from that plan.
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
    plan: _Plan  # the resources as plain values, ready to build into any reportlab document


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
    targets: dict[int, Any] = {}
    plan = _Plan(_plan(resources, targets), targets)
    return ImportedPage(x1 - x0, y1 - y0, (x0, y0, x1, y1), zlib.compress(raw, 6), resources, reader, plan)


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
    """Register `page` as form `name` in a reportlab PDFDocument, once per document."""
    if doc.hasForm(name):
        return
    memo: dict[int, Any] = {}
    form = PDFDictionary(
        {
            "Type": PDFName("XObject"),
            "Subtype": PDFName("Form"),
            "FormType": 1,
            "BBox": PDFArray(list(page.bbox)),
            "Resources": _build(page.plan.root, page.plan.targets, doc, memo),
            "Filter": PDFName("FlateDecode"),
        }
    )
    doc.addForm(name, PDFStream(dictionary=form, content=page.content))


@dataclass(frozen=True)
class _Plan:
    """A chart page's resources, read once: nodes are ("ref", id), ("dict", ((key, node), ...)),
    ("array", (node, ...)), ("stream", ((key, node), ...), bytes) or ("value", PDF syntax);
    `targets` maps each indirect object's id to its node."""

    root: Any
    targets: dict[int, Any]


def _plan(obj: Any, targets: dict[int, Any], *, inline: bool = True) -> Any:
    if isinstance(obj, IndirectObject):
        key = obj.idnum
        if key not in targets:
            targets[key] = None  # set before recursing: PDF object graphs may be cyclic
            targets[key] = _plan(obj.get_object(), targets, inline=False)
        return ("ref", key)
    if isinstance(obj, StreamObject):
        entries = [(str(k)[1:], _plan(v, targets)) for k, v in obj.items() if k not in _STREAM_OWN]
        raw = obj._data  # still encoded: /Filter and /DecodeParms are copied with it
        if not any(k == "Filter" for k, _ in entries):
            # reportlab would apply its own filters to an unfiltered stream; mark it as already final.
            raw = zlib.compress(bytes(raw), 6)
            entries.append(("Filter", ("value", PDFName("FlateDecode"))))
        return ("stream", tuple(entries), bytes(raw))
    if isinstance(obj, DictionaryObject):
        return _settled(("dict", tuple((str(k)[1:], _plan(v, targets)) for k, v in obj.items())), inline)
    if isinstance(obj, ArrayObject):
        return _settled(("array", tuple(_plan(v, targets) for v in obj)), inline)
    if isinstance(obj, NameObject):
        return ("value", PDFName(str(obj)[1:]))
    if isinstance(obj, NullObject):
        return ("value", b"null")
    # Numbers, booleans and strings: pypdf writes exact PDF syntax, which reportlab passes through.
    out = io.BytesIO()
    obj.write_to_stream(out)
    return ("value", out.getvalue())


def _settled(node: Any, inline: bool) -> Any:
    """An inline dictionary or array of plain values (a font's /Widths, a /BBox) formatted once, as
    reportlab would format it in every document; an indirect object stays an object of its own."""
    children = node[1] if node[0] == "array" else [v for _, v in node[1]]
    if not inline or any(child[0] != "value" for child in children):
        return node
    return ("value", _build(node, {}, None, {}).format(None))


def _build(node: Any, targets: dict[int, Any], doc: Any, memo: dict[int, Any]) -> Any:
    """Plan -> reportlab objects; indirect objects stay shared (one reportlab object each)."""
    kind = node[0]
    if kind == "value":
        return node[1]
    if kind == "ref":
        key = node[1]
        if key in memo:
            return memo[key]
        target = targets[key]
        if target[0] == "dict" or target[0] == "array":
            holder = PDFDictionary({}) if target[0] == "dict" else PDFArray([])
            ref = doc.Reference(holder)
            memo[key] = ref  # set before recursing: PDF object graphs may be cyclic
            filled = _build(target, targets, doc, memo)
            if isinstance(holder, PDFDictionary):
                holder.dict.update(filled.dict)
            else:
                holder.sequence.extend(filled.sequence)
            return ref
        converted = _build(target, targets, doc, memo)  # reportlab references streams on its own
        memo[key] = converted
        return converted
    if kind == "dict":
        return PDFDictionary({k: _build(v, targets, doc, memo) for k, v in node[1]})
    if kind == "array":
        return PDFArray([_build(v, targets, doc, memo) for v in node[1]])
    if kind == "stream":
        entries = {k: _build(v, targets, doc, memo) for k, v in node[1]}
        return PDFStream(dictionary=PDFDictionary(entries), content=node[2])
    raise ValueError(f"unknown plan node {kind!r}")
