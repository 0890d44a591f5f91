"""The Word writer: styles from the reference document, TOC field, pictures with alt text, links, fields."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from briefing.document.samples import HOSTILE_EXPECTED, kitchen_sink
from briefing.writers import ExportCancelled, WriteOptions, write
from briefing.writers.docx import bookmark_name
from briefing.writers.docx.reference import REFERENCE_DOCX, TABLE_STYLE, build_reference
from briefing.writers.placeholder import placeholder_chart

OPTIONS = WriteOptions(render_chart=placeholder_chart)
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


@pytest.fixture(scope="module")
def sink() -> docx.document.Document:
    return docx.Document(io.BytesIO(write(kitchen_sink(long=True), "docx", OPTIONS).data))


def texts(d: docx.document.Document) -> list[str]:
    out = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            for cell in row.cells:
                out += [p.text for p in cell.paragraphs]
    return out


def test_headings_follow_the_document(sink: docx.document.Document) -> None:
    doc = kitchen_sink(long=True)
    h1 = [p.text for p in sink.paragraphs if p.style.name == "Heading 1"]
    assert h1 == ["At a glance", *[s.title for s in doc.sections], "References"]
    assert [p.text for p in sink.paragraphs if p.style.name == "Heading 2"] == ["A second-level heading"]
    assert [p.text for p in sink.paragraphs if p.style.name == "Heading 3"] == ["A third-level heading"]


def test_toc_field_and_update_flag(sink: docx.document.Document) -> None:
    body = sink.element.body
    instr = [i.text for i in body.iter(qn("w:instrText"))]
    assert ' TOC \\o "1-3" \\h \\z \\u ' in instr
    kinds = [f.get(qn("w:fldCharType")) for f in body.iter(qn("w:fldChar"))]
    assert kinds[:3] == ["begin", "separate", "end"] or (kinds[:2] == ["begin", "separate"] and "end" in kinds)
    update = sink.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    # Schema order: updateFields precedes compat in CT_Settings, or Word calls the file corrupt.
    names = [c.tag.rsplit("}", 1)[-1] for c in sink.settings.element]
    assert names.index("updateFields") < names.index("compat")


def test_pictures_have_alt_text_and_numbered_captions(sink: docx.document.Document) -> None:
    doc = kitchen_sink()
    assert len(sink.inline_shapes) == len(doc.figures)
    descr = [e.get("descr") for e in sink.element.body.iter(WP_DOCPR)]
    assert descr == [f.alt_text for f in doc.figures]
    seq = [f.get(qn("w:instr")) for f in sink.element.body.iter(qn("w:fldSimple"))]
    assert seq.count(" SEQ Figure \\* ARABIC ") == 2 and seq.count(" SEQ Table \\* ARABIC ") == 1
    # python-docx's paragraph.text skips field results, so read every w:t of the caption.
    captions = ["".join(t.text for t in p._p.iter(qn("w:t"))) for p in sink.paragraphs if p.style.name == "Caption"]
    assert "Figure 1: A sample chart" in captions and "Table 1: Key numbers compared" in captions
    width = sink.inline_shapes[0].width
    assert width and width.cm > 10


def test_hyperlinks_are_relationships_and_only_for_the_web(sink: docx.document.Document) -> None:
    part = sink.part
    external = {r.target_ref for r in part.rels.values() if r.is_external}
    assert {"https://example.com/page", "https://example.com/report?a=1&b=2"} <= external
    assert not any("javascript" in t for t in external)
    links = list(sink.element.body.iter(qn("w:hyperlink")))
    assert any(link.get(qn("r:id")) for link in links)
    anchors = {link.get(qn("w:anchor")) for link in links if link.get(qn("w:anchor"))}
    bookmarks = {b.get(qn("w:name")) for b in sink.element.body.iter(qn("w:bookmarkStart"))}
    assert {"ref_1", "ref_2", "sec_every_inline"} <= anchors <= bookmarks


def test_footer_page_fields_and_header(sink: docx.document.Document) -> None:
    body_section = sink.sections[-1]
    footer = body_section.footer._element
    codes = [i.text.strip() for i in footer.iter(qn("w:instrText"))]
    assert "PAGE" in codes and "NUMPAGES" in codes
    assert sink.sections[0].different_first_page_header_footer
    header_text = "".join(t.text for t in body_section.header._element.iter(qn("w:t")))
    assert "Kitchen sink <b>briefing</b> & co" in header_text and "Testers" in header_text


def test_core_properties(sink: docx.document.Document) -> None:
    core = sink.core_properties
    assert core.title == "Kitchen sink <b>briefing</b> & co"
    assert core.author == "Test Author" and core.subject == "Writer coverage"
    assert core.keywords == "test, kitchen sink"
    assert core.created is not None and core.created.date().isoformat() == "2026-04-20"


def test_hostile_text_round_trips(sink: docx.document.Document) -> None:
    all_text = "\n".join(texts(sink))
    for key, expected in HOSTILE_EXPECTED.items():
        assert f"[{key}] {expected}" in all_text, key
    assert "Strong <i>tag</i> em & amp" in all_text
    long = next(t for t in texts(sink) if t.startswith("BEGIN-OF-LONG-TEXT"))
    assert long.endswith("END-OF-LONG-TEXT") and len(long) >= 49_900


def test_tables_use_the_house_table_style(sink: docx.document.Document) -> None:
    styled = [t for t in sink.tables if t.style is not None and t.style.name == TABLE_STYLE]
    assert len(styled) == 1
    header = styled[0].rows[0]
    assert [c.text for c in header.cells] == ["Measure", "Who", "Value"]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None


def test_a_company_reference_document_keeps_its_styles(tmp_path: Path) -> None:
    company = docx.Document()  # python-docx's own template: no Lead, Source, Key Figure... styles
    company.styles["Heading 1"].font.name = "Company Serif"
    company.add_paragraph("Sample text that must not leak into the briefing")
    path = tmp_path / "company.docx"
    company.save(str(path))
    result = write(kitchen_sink(hostile=False), "docx", replace(OPTIONS, reference_docx=path))
    d = docx.Document(io.BytesIO(result.data))
    assert d.styles["Heading 1"].font.name == "Company Serif"
    for name in ("Lead", "Source", "Key Figure Value", "Reference Mark", TABLE_STYLE):
        assert name in [s.name for s in d.styles]
    assert "Sample text that must not leak" not in "\n".join(texts(d))


def test_a_missing_reference_document_is_a_warning(tmp_path: Path) -> None:
    result = write(kitchen_sink(hostile=False), "docx", replace(OPTIONS, reference_docx=tmp_path / "none.docx"))
    assert any("could not be read" in w for w in result.warnings)
    assert docx.Document(io.BytesIO(result.data)).paragraphs


def test_reference_docx_is_current() -> None:
    d = docx.Document(str(REFERENCE_DOCX))
    fresh = build_reference()
    names = {s.name for s in d.styles}
    assert {s.name for s in fresh.styles} <= names
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Caption", "Quote", "List Bullet",
                 TABLE_STYLE, "TOC 1", "Hyperlink"):
        assert name in names
    assert not d.paragraphs or not any(p.text for p in d.paragraphs)


def test_bookmark_names() -> None:
    assert bookmark_name("ref-1") == "ref_1"
    assert bookmark_name("1-x") == "b_1_x"
    assert len(bookmark_name("a" * 90)) == 40


def test_valid_zip_and_cancel() -> None:
    data = write(kitchen_sink(hostile=False), "docx", OPTIONS).data
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None and "word/document.xml" in z.namelist()
    with pytest.raises(ExportCancelled):
        write(kitchen_sink(), "docx", replace(OPTIONS, cancelled=lambda: True))


def test_callouts_and_the_last_references_hold_together(sink: docx.document.Document) -> None:
    """Word keeps a callout's row whole and its heading with its text; the last two references share a page."""
    callouts = [t for t in sink.tables if t.rows[0].cells[0].paragraphs[0].style.name == "Callout Title"]
    assert callouts
    for box in callouts:
        row_props = box.rows[0]._tr.trPr
        assert row_props is not None and row_props.find(qn("w:cantSplit")) is not None
        paras = box.rows[0].cells[0].paragraphs
        assert [p.paragraph_format.keep_with_next for p in paras] == [True] * (len(paras) - 1) + [None]
    refs = [p for p in sink.paragraphs if p.style.name == "Reference"]
    assert len(refs) >= 3
    assert [bool(p.paragraph_format.keep_with_next) for p in refs[-3:]] == [False, True, False]
