"""Numbers that trace back: in the PDF every number drawn from a metric links to its reference
entry, and every entry lists (and links back to) the findings that cite it. Read back with pypdf
(the link annotations and where they point) and pdfium (the text under each rectangle)."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPointF
from PySide6.QtPdf import QPdfDocument

from briefing.compose import compose
from briefing.document import NumberRef
from briefing.document.links import link_finding
from briefing.writers import write

TODAY = date(2026, 4, 20)


@pytest.fixture(scope="module")
def asia(tmp_path_factory: pytest.TempPathFactory, seeded_template: Path) -> dict[str, Any]:
    from briefing.services import open_service

    svc = open_service(seeded_template)
    try:
        doc = compose(svc, "asia", author="A. Consultant", today=TODAY)
        findings = {f.slug: f for f in svc.list_findings()}
    finally:
        svc.close()
    data = write(doc, "pdf").data
    path = tmp_path_factory.mktemp("traceback") / "asia.pdf"
    path.write_bytes(data)
    return {"doc": doc, "data": data, "path": path, "findings": findings}


def _squash(text: str) -> str:
    return "".join(text.split())


def _number_refs(node: object) -> list[NumberRef]:
    """Every NumberRef in a document (a walk over its dataclasses and tuples)."""
    if isinstance(node, NumberRef):
        return [node]
    if isinstance(node, (tuple, list)):
        return [r for item in node for r in _number_refs(item)]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return [r for f in dataclasses.fields(node) for r in _number_refs(getattr(node, f.name))]
    return []


def _links(data: bytes) -> list[dict[str, Any]]:
    """Every internal link: its page, rectangle (PDF points, bottom-left origin), description,
    and the page and height it jumps to."""
    reader = PdfReader(io.BytesIO(data))
    index = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    out = []
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots", []) or []:
            a = annot.get_object()
            dest = a.get("/Dest")
            if dest is None:
                continue
            out.append({"page": i, "rect": [float(x) for x in a["/Rect"]], "text": str(a.get("/Contents", "")),
                        "to_page": index[dest[0].idnum], "to_left": float(dest[2]), "to_top": float(dest[3]),
                        "height": float(page.mediabox.height)})
    return out


def _text_in(pdf: QPdfDocument, page: int, left: float, top: float, right: float, bottom: float) -> str:
    """pdfium's text from the character at (left, top) to the one at (right, bottom), in points from
    the page's top-left (a selection as a mouse drag makes it: both ends must fall on characters)."""
    return pdf.getSelection(page, QPointF(left, top), QPointF(right, bottom)).text()


def _line_at(pdf: QPdfDocument, link: dict[str, Any], width: float = 300) -> str:
    """The first line of text a link lands on: at or just below its target's top (within 16 pt),
    from its left edge."""
    for dy in range(0, 17, 2):
        y = link["height"] - link["to_top"] + dy
        for reach in (width, width / 2, 100, 14):  # the selection's end must fall on a character too
            text = _text_in(pdf, link["to_page"], link["to_left"] + 2, y, link["to_left"] + reach, y + 2)
            if text.strip() and "\n" not in text:  # in a gap, pdfium reaches back to the line before
                return text
    return ""


def test_every_number_links_to_its_reference_entry(asia: dict[str, Any], qapp: Any) -> None:
    pdf = QPdfDocument()
    pdf.load(str(asia["path"]))
    numbers = [link for link in _links(asia["data"]) if link_finding(link["text"])]
    assert len(numbers) >= 40
    entries = {r.number: r for r in asia["doc"].references.entries}
    stated: dict[str, list[str]] = {}
    for run in _number_refs(asia["doc"]):
        stated.setdefault(run.finding, []).append(run.text)
    shown = {slug for r in entries.values() for slug in (c.finding for c in r.cited_by)}
    for link in numbers:
        slug = link_finding(link["text"])
        finding = asia["findings"][slug]
        n = int(re.match(r"Reference \[(\d+)\]", link["text"])[1])
        # The finding cites that reference, and the entry names it.
        assert n in entries and slug in shown
        assert entries[n].source_id in {s.id for s in finding.sources}
        # Under the rectangle: a number the finding states, one of its metrics' values.
        x0, y0, x1, y1 = link["rect"]
        h = link["height"]
        mid = h - (y0 + y1) / 2
        under = _text_in(pdf, link["page"], x0 + 0.5, mid, x1 - 0.5, mid).strip()
        assert re.search(r"\d", under), (slug, under)
        # ... one that compose drew from a metric of that finding (a number wrapped over two lines
        # has a link on each part).
        assert any(_squash(under) in _squash(text) for text in stated[slug]), (slug, under, stated[slug])
        # The target: the page and height of the entry "[n]" in the references.
        target = _line_at(pdf, link)
        assert target.lstrip().startswith(f"[{n}]"), (n, target)
    # Every finding the body shows with a number from a metric has at least one such link.
    assert {link_finding(x["text"]) for x in numbers} >= {"china-daily-tokens-140-trillion",
                                                           "deepseek-api-0-028-per-million-tokens"}


def test_each_reference_lists_the_findings_that_cite_it_and_links_back(asia: dict[str, Any], qapp: Any) -> None:
    pdf = QPdfDocument()
    pdf.load(str(asia["path"]))
    reader = PdfReader(io.BytesIO(asia["data"]))
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    first = max(i for i, t in enumerate(texts) if "References [1]" in t or t.startswith("References"))
    last = " ".join(texts[first:])  # the reference list, which may run over two pages
    doc = asia["doc"]
    rand = next(r for r in doc.references.entries if r.publisher == "RAND")
    assert [c.finding for c in rand.cited_by] == ["rand-chinese-models-one-sixth-to-one-quarter-cost"]
    labels = [c.label for c in rand.cited_by]
    assert labels == ["2.1"]
    assert f"[{rand.number}] RAND." in last and "Cited for: 2.1" in last
    # "2.1" is the first finding of section 2: its title opens the paragraph the label jumps to.
    links = [x for x in _links(asia["data"]) if x["page"] >= first and not x["text"]]
    finding = asia["findings"]["rand-chinese-models-one-sixth-to-one-quarter-cost"]
    hits = []
    for link in links:
        x0, y0, x1, y1 = link["rect"]
        h = link["height"]
        mid = h - (y0 + y1) / 2
        if _text_in(pdf, link["page"], x0 + 0.5, mid, x1 - 0.5, mid).strip() != "2.1":
            continue
        hits.append(link)
        opening = _line_at(pdf, link, 400)
        assert " ".join(finding.title.split()[:4]) in " ".join(opening.split()), opening
    assert hits
    # Labels in reading order, numbered as the PDF numbers sections; none is cited twice.
    for r in doc.references.entries:
        placed = [tuple(int(p) for p in c.label.split(".")) for c in r.cited_by if c.label]
        assert placed == sorted(placed) and len(set(placed)) == len(placed)
