"""Every built-in audience in every format, from a seeded database: the briefing a client would get."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from briefing.compose import compose, select_findings
from briefing.document import Document, Figure, Paragraph
from briefing.domain.model import Audience, Finding
from briefing.domain.templates import validate_template
from briefing.writers import WriteOptions, export, write
from briefing.writers.placeholder import placeholder_chart

AUDIENCES = ("full", "asia", "west", "investors")
TODAY = date(2026, 4, 20)
OPTIONS = WriteOptions(render_chart=placeholder_chart)
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


@pytest.fixture(scope="module")
def svc(module_service: Any) -> Any:
    return module_service


@pytest.fixture(scope="module")
def docs(svc: Any) -> dict[str, Document]:
    return {key: compose(svc, key, author="A. Consultant", today=TODAY) for key in AUDIENCES}


def squash(text: str) -> str:
    return " ".join(text.split())


def opening(text: str) -> str:
    """The first clause (at most 60 characters): a snippet no [n] marker can interrupt (a wording's
    marker may close a clause before its colon, semicolon or dash)."""
    return squash(re.split(r"(?<=[.!?…])\s|\s[—–]\s|[:;]\s", text.strip())[0])[:60].rstrip(".!?")


def page_body(text: str, doc: Document) -> str:
    """A page's text without its running head and foot, so a sentence that runs over a page break
    reads on as one (one-sentence paragraphs join their neighbours, so openings cross pages)."""
    out: list[str] = []
    number_follows = False
    for line in text.splitlines():
        bare = line.strip()
        if number_follows and bare.isdigit():
            number_follows = False
            continue
        number_follows = False
        if re.fullmatch(r"Page \d+ of ?(\d+)?", bare):
            number_follows = not bare[-1].isdigit()
            continue
        if bare in (doc.meta.title, doc.meta.audience_name) or bare.startswith(f"{doc.meta.publisher} · "):
            continue
        out.append(line)
    return "\n".join(out)


def included(doc: Document, svc: Any) -> list[Finding]:
    slugs = {r.finding for s in doc.sections for b in s.blocks if isinstance(b, Paragraph)
             for r in b.runs if hasattr(r, "finding")}
    return [f for f in svc.list_findings() if f.slug in slugs]


def excluded(svc: Any, key: str) -> list[Finding]:
    audience = svc.get_audience(key)
    template = validate_template(audience.template, audience.sections)
    return [f for f in svc.list_findings() if f.slug in template.excluded]


@pytest.mark.parametrize("key", AUDIENCES)
def test_built_in_audiences_compose_without_warnings(docs: dict[str, Document], key: str) -> None:
    doc = docs[key]
    assert doc.warnings == ()
    assert doc.meta.author == "A. Consultant" and doc.meta.audience_key == key
    assert len(doc.sections) >= 6 and doc.figures and doc.references.entries
    assert doc.summary is not None and doc.summary.key_figures is not None
    assert len(doc.summary.key_figures.items) == 6


@pytest.mark.parametrize("key", AUDIENCES)
def test_excluded_findings_would_otherwise_be_in(svc: Any, key: str) -> None:
    audience = svc.get_audience(key)
    template = dict(audience.template)
    gone = set(template.pop("excluded", []))
    if key == "full":
        assert not gone
        return
    assert gone
    unfiltered = Audience(audience.key, audience.name, template=MappingProxyType(template),
                          sections=audience.sections)
    assert gone <= {f.slug for f in select_findings(unfiltered, svc.list_findings())}
    assert not gone & {f.slug for f in select_findings(audience, svc.list_findings())}


def test_audiences_differ_in_findings_and_order(docs: dict[str, Document], svc: Any) -> None:
    orders = {k: [f.slug for f in included(d, svc)] for k, d in docs.items()}
    assert len({tuple(o) for o in orders.values()}) == 4
    assert set(orders["asia"]) != set(orders["west"])
    assert len(orders["full"]) == len(svc.list_findings())


@pytest.mark.parametrize("key", AUDIENCES)
def test_pdf(docs: dict[str, Document], svc: Any, key: str) -> None:
    doc = docs[key]
    result = write(doc, "pdf", OPTIONS)
    reader = PdfReader(io.BytesIO(result.data))
    assert len(reader.pages) > 5
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top == ["At a glance", "Contents", *[s.title for s in doc.sections], "References"]
    charts = [n for p in reader.pages for n in p["/Resources"].get("/XObject", {}) if "chart" in str(n)]
    assert len(charts) == len(doc.figures)
    text = squash(" ".join(page_body(p.extract_text(), doc) for p in reader.pages))
    for f in included(doc, svc):
        assert opening(f.wording_for(key)) in text, f.slug
    for f in excluded(svc, key):
        assert opening(f.wording_for(key)) not in text, f.slug
    meta = reader.metadata
    assert meta.title == doc.meta.title and meta.author == "A. Consultant"
    assert meta.subject == doc.meta.subject and meta.get("/Keywords")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler not installed")
@pytest.mark.parametrize("key", AUDIENCES)
def test_pdf_pagination_holds_together(docs: dict[str, Document], key: str) -> None:
    """No lonely line or heading, no split callout, no page but a chapter's last over 35 % blank."""
    from briefing.writers.pdf.audit import audit_pdf

    audit = audit_pdf(write(docs[key], "pdf", OPTIONS).data)
    assert len(audit.pages) > 5
    assert audit.problems == []


def text_colours(page: Any) -> list[tuple[tuple[float, ...], float, str]]:
    """(fill colour, font size, text) for every string the page's own content shows."""
    from pypdf.generic import ContentStream

    out: list[tuple[tuple[float, ...], float, str]] = []
    fill: tuple[float, ...] = (0.0, 0.0, 0.0)
    stack: list[tuple[float, ...]] = []
    size = 0.0
    for operands, op in ContentStream(page.get_contents(), page.pdf).operations:
        if op == b"q":
            stack.append(fill)
        elif op == b"Q" and stack:
            fill = stack.pop()
        elif op == b"rg":
            fill = tuple(float(v) for v in operands)
        elif op == b"g":
            fill = (float(operands[0]),) * 3
        elif op == b"Tf":
            size = float(operands[1])
        elif op in (b"Tj", b"TJ", b"'", b'"'):
            out.append((fill, size, str(operands[-1])[:40]))
    return out


@pytest.mark.parametrize("key", AUDIENCES)
def test_pdf_text_colours_reach_aa_and_every_font_is_embedded(docs: dict[str, Document], key: str) -> None:
    from briefing.theme import contrast, default_theme

    theme = default_theme()
    reader = PdfReader(io.BytesIO(write(docs[key], "pdf", OPTIONS).data))
    checked = 0
    for number, page in enumerate(reader.pages[1:], start=2):  # the cover's white-on-band: test_theme_contrast
        for rgb, size, text in text_colours(page):
            colour = "#" + "".join(f"{round(c * 255):02X}" for c in rgb)
            need = 3.0 if size >= 18 else 4.5
            worst = min(contrast(colour, theme.background), contrast(colour, theme.panel))
            assert worst >= need, f"page {number}: {colour} at {size} pt gives {worst:.2f}:1 ({text!r})"
            checked += 1
    assert checked > 500

    def fonts(resources: Any) -> Iterator[Any]:
        for font in resources.get("/Font", {}).values():
            yield font.get_object()
        for xobject in resources.get("/XObject", {}).values():
            inner = xobject.get_object().get("/Resources")
            if inner is not None:
                yield from fonts(inner.get_object())

    seen = set()
    for page in reader.pages:
        for font in fonts(page["/Resources"]):
            name = str(font.get("/BaseFont", font.get("/Name")))
            seen.add(name)
            if font.get("/Subtype") == "/Type3":
                continue  # glyphs drawn in the file itself
            if font.get("/Subtype") == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None, f"{name} is referenced without being embedded"
            descriptor = descriptor.get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} not embedded"
    assert not any("Helvetica" in n for n in seen), seen


@pytest.mark.parametrize("key", AUDIENCES)
def test_docx(docs: dict[str, Document], svc: Any, key: str) -> None:
    doc = docs[key]
    d = docx.Document(io.BytesIO(write(doc, "docx", OPTIONS).data))
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["At a glance", *[s.title for s in doc.sections], "References"]
    assert len(d.inline_shapes) == len(doc.figures)
    descr = [e.get("descr") for e in d.element.body.iter(WP_DOCPR)]
    assert descr == [f.alt_text for f in doc.figures] and all(descr)
    assert any("TOC \\o" in (i.text or "") for i in d.element.body.iter(qn("w:instrText")))
    assert d.settings.element.find(qn("w:updateFields")) is not None
    core = d.core_properties
    assert core.title == doc.meta.title and core.author == "A. Consultant" and core.subject == doc.meta.subject
    text = squash("\n".join(p.text for p in d.paragraphs))
    for f in included(doc, svc):
        assert opening(f.wording_for(key)) in text, f.slug
    for f in excluded(svc, key):
        assert opening(f.wording_for(key)) not in text, f.slug


@pytest.mark.parametrize("key", AUDIENCES)
def test_markdown(docs: dict[str, Document], key: str) -> None:
    text = write(docs[key], "md", OPTIONS).data.decode("utf-8")
    # The manifest's front matter first (what the file was made from), then the briefing.
    front, text = text.removeprefix("---\n").split("\n---\n\n", 1)
    assert front.startswith("briefing-manifest: {") and f'"audience":{{"key":"{key}"' in front
    assert text.startswith(f"# {docs[key].meta.title}")
    assert all(f"## {i}. " in text for i in range(1, len(docs[key].sections) + 1))


def test_real_charts_embed_as_vectors_and_200_dpi_pictures(
    docs: dict[str, Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    # The first section only (four charts): real drawing is the slow part of this test.
    doc = replace(docs["asia"], sections=docs["asia"].sections[:1])
    assert len(doc.figures) >= 3
    pdf = export(doc, "pdf", tmp_path / "asia.pdf")
    reader = PdfReader(str(pdf.path))
    forms = {}
    for page in reader.pages:
        for name, ref in page["/Resources"].get("/XObject", {}).items():
            if "chart" in str(name):
                forms[str(name)] = ref.get_object()
    assert len(forms) == len(doc.figures)
    assert all(f["/Subtype"] == "/Form" for f in forms.values())
    word = export(doc, "docx", tmp_path / "asia.docx")
    d = docx.Document(str(word.path))
    assert len(d.inline_shapes) == len(doc.figures)
    image = d.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    blob = d.part.related_parts[image].blob
    from PIL import Image

    with Image.open(io.BytesIO(blob)) as im:
        px_width = im.size[0]
    shown_inches = d.inline_shapes[0].width.inches
    assert px_width / shown_inches >= 199
    assert not [w for w in pdf.warnings + word.warnings if "could not" in w]


def test_figure_sources_cite_references(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        numbers = {r.number for r in doc.references.entries}
        for fig in doc.figures:
            assert isinstance(fig, Figure) and fig.alt_text and fig.caption
            marker = re.search(r"\[(\d+(?:, \d+)*)\]", fig.source)
            assert marker, fig.source
            cited = {int(n) for n in marker.group(1).split(", ")}
            assert cited and cited <= numbers


def test_the_service_lists_an_audiences_findings_in_briefing_order(docs: dict[str, Document], svc: Any) -> None:
    listed = [f.slug for f in svc.list_findings(audience="west")]
    in_doc = []
    for s in docs["west"].sections:
        for b in s.blocks:
            if isinstance(b, Paragraph):
                for r in b.runs:
                    slug = getattr(r, "finding", None)
                    if slug and slug not in in_doc:
                        in_doc.append(slug)
    assert [s for s in listed if s in in_doc] == in_doc
    assert set(in_doc) <= set(listed)
