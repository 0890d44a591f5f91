"""Curated key-numbers tables, tiles in the template's words with the source's qualifier, one date
style, and a cover dated by the report (edition, data as of) rather than the export: on the real
PDF, Word and Markdown of every built-in audience (issue 15, items 3 and 6)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from pypdf import PdfReader

from briefing.compose import compose
from briefing.document import Document
from briefing.domain.errors import ValidationError
from briefing.domain.labels import period_text, split_label
from briefing.domain.templates import validate_template
from briefing.paths import SEED_DATA, TEMPLATES
from briefing.services.seeding import seed_database
from briefing.writers import WriteOptions, write
from briefing.writers.placeholder import placeholder_chart

AUDIENCES = ("full", "asia", "west", "investors")
GENERATED = date(2026, 11, 30)  # the export date: months after the data, as in the issue
OPTIONS = WriteOptions(render_chart=placeholder_chart)
# A period written as the database stores it ("2027-Q4", "2026-01") rather than as a reader says it.
ISO_PERIOD = re.compile(r"\b20\d\d-(?:Q[1-4]|H[12]|0[1-9]|1[0-2])\b")
# A metric label's qualifier in brackets: a database label on the page.
BRACKET_QUALIFIER = re.compile(r"\((?:over|approximately|roughly|up to|at least|more than|exceeding|could reach|"
                               r"surpassed|less than)[^)]*\)")
GLUED = re.compile(r"\d(?:[\d,.]*\d)?(?:%|×| ?(?:chips|units|models|years|companies|dies|million|billion))\[\d")


@pytest.fixture(scope="module")
def svc(module_service: Any) -> Any:
    return module_service


@pytest.fixture(scope="module")
def docs(svc: Any) -> dict[str, Document]:
    return {key: compose(svc, key, today=GENERATED) for key in AUDIENCES}


@pytest.fixture(scope="module")
def outputs(docs: dict[str, Document], tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each audience's PDF pages' text, its Word document, and its Markdown."""
    folder = tmp_path_factory.mktemp("curated-out")
    out: dict[str, dict[str, Any]] = {}
    for key, doc in docs.items():
        pdf = folder / f"{key}.pdf"
        pdf.write_bytes(write(doc, "pdf", OPTIONS).data)
        word = folder / f"{key}.docx"
        word.write_bytes(write(doc, "docx", OPTIONS).data)
        out[key] = {
            "pages": [page.extract_text() or "" for page in PdfReader(pdf).pages],
            "docx": docx.Document(str(word)),
            "md": write(doc, "md", OPTIONS).data.decode("utf-8"),
        }
    return out


def docx_text(word: Any) -> str:
    body = [p.text for p in word.paragraphs]
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    return "\n".join(body + cells)


def number_tables(word: Any) -> list[list[list[str]]]:
    """The Word document's key-numbers tables, as rows of cell texts (header first)."""
    out = []
    for t in word.tables:
        rows = [[c.text.strip() for c in row.cells] for row in t.rows]
        if rows and rows[0][:2] == ["Measure", "Value"]:
            out.append(rows)
    return out


# ---- The domain: labels and periods


def test_a_labels_bracketed_qualifier_is_split_off() -> None:
    assert split_label("Qwen derivative models on Hugging Face (over)") == (
        "Qwen derivative models on Hugging Face", "over")
    assert split_label("DeepSeek API price per million tokens (approximately)") == (
        "DeepSeek API price per million tokens", "about")
    assert split_label("Fraction of equivalent GPT pricing (roughly 1/180th)")[1] == "about"
    assert split_label("Announced AI spending in 2026 (exceeding)")[1] == "over"
    # A bracket that is no qualifier stays part of the name.
    assert split_label("2026 production (low)") == ("2026 production (low)", "")
    assert split_label("Models (overly broad)") == ("Models (overly broad)", "")
    assert split_label("Compute") == ("Compute", "")


def test_periods_print_in_one_date_style() -> None:
    assert period_text("2027-Q4") == "Q4 2027"
    assert period_text("2026-03") == "March 2026"
    assert period_text("2024-01/2026-03") == "January 2024 – March 2026"
    assert period_text("2026-02-16") == "16 February 2026"
    assert period_text("2026-02-16/2026-02-22") == "16–22 February 2026"
    assert period_text("2017-2020") == "2017–2020"
    assert period_text("late 2026") == "late 2026"
    assert period_text("2026") == "2026"


# ---- The template schema


def errors_of(raw: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as exc:
        validate_template(raw)
    return {e.field: e.message for e in exc.value.errors}


def test_a_curated_table_parses() -> None:
    t = validate_template({"title": "T", "reader": "The board", "method_note": "From the annual report.",
                           "disclaimer": "Not advice.", "sections": [{"key": "cost", "table": {
                               "title": "Costs in numbers",
                               "rows": [{"metric": "a-finding#1", "label": "A cost", "note": "2025"},
                                        {"metric": "b", "to": "b#1", "label": "A range"}]}}]})
    table = t.sections[0].table
    assert table is not None and table.title == "Costs in numbers"
    assert [(str(r.metric), r.label, r.note, str(r.to) if r.to else None) for r in table.rows] == [
        ("a-finding#1", "A cost", "2025", None), ("b", "A range", "", "b#1")]
    assert (t.reader, t.method_note, t.disclaimer) == ("The board", "From the annual report.", "Not advice.")
    assert validate_template({"title": "T", "sections": [{"key": "x", "title": "X", "table": True}]}
                             ).sections[0].table.title == "Key numbers"  # type: ignore[union-attr]
    assert validate_template({"title": "T", "sections": [{"key": "x", "title": "X"}]}).sections[0].table is None


@pytest.mark.parametrize(("table", "field", "fragment"), [
    ({"rows": [{"label": "No metric"}]}, "sections.0.table.rows.0.metric", "is required"),
    ({"rows": [{"metric": "ok#0", "label": "Fine"}, {"metric": "Not A Slug", "label": "Bad"}]},
     "sections.0.table.rows.1.metric", "is not “finding-slug#index”"),
    ({"rows": [{"metric": "ok#0"}]}, "sections.0.table.rows.0.label", "is required"),
    ({"rows": [{"metric": "ok#0", "label": "X", "to": 7}]}, "sections.0.table.rows.0.to", "must be"),
    ({"rows": [{"metric": "ok#0", "label": "X", "colour": "red"}]}, "sections.0.table.rows.0.colour",
     "is not a template field"),
    ({"rows": "ok#0"}, "sections.0.table.rows", "must be a list of rows"),
    ({"rows": []}, "sections.0.table.rows", "is empty"),
    ({"title": "Key numbers: chips"}, "sections.0.table.title", "colon"),
    ("yes", "sections.0.table", "must be true, false or a mapping"),
])
def test_a_bad_table_is_refused_naming_the_field(table: Any, field: str, fragment: str) -> None:
    errors = errors_of({"title": "T", "sections": [{"key": "x", "title": "X", "table": table}]})
    assert field in errors, errors
    assert fragment in errors[field]


def test_cover_fields_must_be_text() -> None:
    errors = errors_of({"title": "T", "reader": ["a"], "method_note": 3, "disclaimer": {"a": 1}})
    assert set(errors) >= {"reader", "method_note", "disclaimer"}


def test_every_table_in_the_built_in_templates_is_curated() -> None:
    for key in AUDIENCES:
        raw = yaml.safe_load((TEMPLATES / "audiences" / f"{key}.yaml").read_text("utf-8"))
        tables = [s["table"] for s in raw.get("sections", []) if isinstance(s, dict) and s.get("table")]
        assert tables, key
        for table in tables:
            assert isinstance(table, dict) and table["rows"], (key, table)


# ---- Compose: what the document holds


def test_tables_hold_the_templates_rows_only(docs: dict[str, Document]) -> None:
    for key, doc in docs.items():
        assert doc.warnings == (), (key, doc.warnings)
        for table in doc.tables:
            assert [c.title for c in table.columns][:2] == ["Measure", "Value"]
            assert table.columns[-1].title == "Source"
            assert ":" not in table.caption, table.caption
            labels = [row[0].plain for row in table.rows]
            assert not any(BRACKET_QUALIFIER.search(label) for label in labels), labels
            assert "Reinforcing factors behind the cost advantage" not in labels
            for row in table.rows:
                assert "[" not in row[1].plain, row[1].plain  # the value carries no marker
                assert re.fullmatch(r"\[\d+(?:, \d+)*\]", row[-1].plain), row[-1].plain


def test_tiles_speak_the_templates_words_and_keep_the_qualifier(docs: dict[str, Document]) -> None:
    for key, doc in docs.items():
        assert doc.summary is not None and doc.summary.key_figures is not None
        for tile in doc.summary.key_figures.items:
            for text in (tile.label, tile.context):
                assert not BRACKET_QUALIFIER.search(text), (key, text)
                assert " · " not in text, (key, text)  # "metric label · entity": a database line
    qwen = next(t for t in docs["full"].summary.key_figures.items  # type: ignore[union-attr]
                if t.finding == "qwen-over-100000-derivative-models")
    assert qwen.shown == "over 100,000"


# ---- The real outputs


@pytest.mark.parametrize("key", AUDIENCES)
def test_outputs_use_one_date_style_and_no_database_labels(outputs: dict[str, dict[str, Any]], key: str) -> None:
    out = outputs[key]
    # The Markdown's front matter is the machine-read manifest (ISO dates by design), not text a reader sees.
    md = re.sub(r"\A---\n.*?\n---\n", "", out["md"], flags=re.S)
    for name, text in (("pdf", "\n".join(out["pages"])), ("docx", docx_text(out["docx"])), ("md", md)):
        assert not ISO_PERIOD.findall(text), (name, ISO_PERIOD.findall(text))
        assert not BRACKET_QUALIFIER.search(text), (name, BRACKET_QUALIFIER.search(text))
        assert not GLUED.search(text.replace("\\[", "[")), (name, GLUED.search(text.replace("\\[", "[")))
        assert not re.search(r"Table \d+: [^\n:]*:", text), name  # "Table 2: Key numbers: Chips"
        assert "Key numbers:" not in text


@pytest.mark.parametrize("key", AUDIENCES)
def test_word_tables_put_citations_in_their_own_column(outputs: dict[str, dict[str, Any]], key: str) -> None:
    tables = number_tables(outputs[key]["docx"])
    assert tables, key
    for rows in tables:
        assert rows[0][-1] == "Source"
        for row in rows[1:]:
            assert "[" not in row[1] and row[1], row
            assert re.fullmatch(r"\[\d+(?:, \d+)*\]", row[-1]), row


def test_the_full_chip_table_reads_as_curated(outputs: dict[str, dict[str, Any]]) -> None:
    chips = next(rows for rows in number_tables(outputs["full"]["docx"]) if len(rows) > 10)
    values = {row[0]: row[1] for row in chips[1:]}
    assert values["Ascend 960 on Huawei’s roadmap"] == "Q4 2027"
    assert values["How far Chinese AI chips lag US-manufactured ones"] == "5–10 years"
    assert values["Ascend 910C chips Huawei plans to produce in 2026"] == "about 600,000 chips"
    assert values["Semiconductor companies backed by Huawei’s Hubble"] == "over 60 companies"
    assert values["Atlas 950 SuperPoD compute against NVIDIA’s NVL144"] == "6.7×"
    assert "Compute" not in values
    pdf = "\n".join(outputs["full"]["pages"])
    assert "Table 2: The parallel chip stack in numbers" in pdf
    assert "about 600,000 chips" in pdf and "Q4 2027" in pdf


@pytest.mark.parametrize("key", AUDIENCES)
def test_tiles_keep_the_qualifier_in_every_format(outputs: dict[str, dict[str, Any]], key: str) -> None:
    out = outputs[key]
    summary = out["pages"][1]
    word = docx_text(out["docx"])
    if key in ("full", "asia"):
        assert "over 100,000" in summary and "over 100,000" in word and "**over 100,000**" in out["md"]
    if key in ("full", "asia", "investors"):
        assert "about $0.028" in summary and "about $0.028" in word
    if key == "west":
        assert "over $650B" in summary and "over $650B" in word


@pytest.mark.parametrize("key", AUDIENCES)
def test_the_cover_is_dated_by_the_report(outputs: dict[str, dict[str, Any]], key: str) -> None:
    out = outputs[key]
    cover = out["pages"][0]
    assert "EDITION" in cover and "DATA AS OF" in cover and "April 2026" in cover
    assert "Generated 30 November 2026" in cover
    # The export date appears as "Generated" on the cover only: never as the briefing's date.
    assert "DATE\n" not in cover
    assert not any("30 November 2026" in page for page in out["pages"][1:])
    assert "Digital in Asia · April 2026" in out["pages"][1]  # the running footer: publisher and edition
    assert "METHOD" in cover and "none has been re-measured" in cover
    word = [p.text for p in out["docx"].paragraphs]
    assert "Data as of" in word and "Edition" in word and "Generated 30 November 2026" in word
    assert "Date" not in word
    footer = "".join(p.text for p in out["docx"].sections[-1].footer.paragraphs)
    assert "Digital in Asia · April 2026" in footer and "November" not in footer
    md = out["md"]
    assert "**Data as of:** April 2026" in md and "*Generated 30 November 2026*" in md
    assert "**Date:**" not in md
    if key == "full":  # the full report names no reader: an audience name is not a client
        assert "PREPARED FOR" not in cover and "Prepared for" not in word and "Prepared for" not in md
        assert "Full report" not in cover.split("\n", 1)[1].replace("FULL REPORT", "")
    else:
        assert "PREPARED FOR" in cover and "Prepared for" in word and "**Prepared for:**" in md
    if key == "investors":
        for text in (cover, "\n".join(word), md):
            assert "not investment advice" in text
    else:
        assert "not investment advice" not in md


def test_the_second_reports_board_pack_has_a_curated_table(service: Any, tmp_path: Path) -> None:
    seed_database(service, root=SEED_DATA / "examples" / "harbor-water")
    service.use_report("harbor-water-2025")
    doc = compose(service, "board", today=GENERATED)
    assert doc.warnings == ()
    assert doc.meta.reader == "The Harbor City Water Board" and doc.meta.data_as_of == "31 December 2025"
    [table] = doc.tables
    assert table.caption == "The finances in numbers"
    assert [(r[0].plain, r[1].plain) for r in table.rows] == [
        ("Treatment cost per cubic metre", "$0.42"), ("Average household bill", "$486"),
        ("Proposed tariff rise", "4%"), ("Capital plan", "$310 million")]
    text = "\n".join(p.extract_text() or "" for p in PdfReader(_write(doc, tmp_path)).pages)
    assert "PREPARED FOR\nThe Harbor City Water Board" in text and "31 December 2025" in text
    residents = compose(service, "residents", today=GENERATED)
    assert residents.meta.reader == ""


def _write(doc: Document, folder: Path) -> Path:
    path = folder / "board.pdf"
    path.write_bytes(write(doc, "pdf", OPTIONS).data)
    return path


def test_word_tables_size_the_grid_and_keep_rows_whole(outputs: dict[str, dict[str, Any]]) -> None:
    """LibreOffice sizes columns by <w:gridCol>: the Measure column must be the widest there too."""
    from docx.oxml.ns import qn

    for rows_table in outputs["full"]["docx"].tables:
        if rows_table.rows[0].cells[0].text != "Measure":
            continue
        grid = [int(c.get(qn("w:w"))) for c in rows_table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert grid[0] == max(grid) and grid[-1] == min(grid), grid
        # No row breaks across pages ("Ascend 910C chips Huawei plans to" | "produce in 2026" overleaf).
        assert all(row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
                   for row in rows_table.rows[1:])


@pytest.mark.parametrize("fmt", ["pdf", "docx", "md"])
def test_every_writer_prints_the_cover_fields_as_typed(fmt: str, tmp_path: Path) -> None:
    from briefing.document.samples import kitchen_sink

    data = write(kitchen_sink(hostile=False), fmt, OPTIONS).data
    if fmt == "pdf":
        path = tmp_path / "sink.pdf"
        path.write_bytes(data)
        text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(path).pages).split())
    elif fmt == "docx":
        path = tmp_path / "sink.docx"
        path.write_bytes(data)
        text = docx_text(docx.Document(str(path)))
    else:
        text = data.decode("utf-8").replace("\\", "")
    for piece in ("The <b>board</b> & co", "Spring <i>2026</i>", "31 March 2026",
                  "Figures as the sources state them & nothing re-measured.", "A second <u>paragraph</u>.",
                  "Not advice; for <i>testing</i> only.", "Generated 20 April 2026"):
        assert piece in text, (fmt, piece)
    assert "about" in text and "600,000" in text


def test_a_table_rows_words_are_checked_against_its_own_findings() -> None:
    from decimal import Decimal

    from briefing.checks import Library, check_template
    from briefing.domain.model import Audience, ClaimKind, Finding, Metric

    chips = Finding(1, "chips", "Chips", "About 600,000 chips, double 2025.", "overview", ClaimKind.MEASURED,
                    metrics=(Metric(0, "Chips (approximately)", Decimal("600000"), "chips"),
                             Metric(1, "Multiple", Decimal("2"), "×")))
    other = Finding(2, "other", "Other", "Some 900,000 units.", "overview", ClaimKind.MEASURED,
                    metrics=(Metric(0, "Units", Decimal("900000"), "units"),))
    template = {"title": "T", "sections": [{"key": "s", "title": "S", "findings": ["chips", "other"], "table": {
        "rows": [{"metric": "chips#0", "label": "Chips planned", "note": "double 2025 output"},
                 {"metric": "chips#0", "label": "Chips, against 900,000 units", "note": "triple 2025 output"}]}}]}
    problems = check_template(Audience("a", "A", template=template), Library([chips, other]))
    # 900,000 is a number of the briefing, but not of this row's finding; "triple" is no 2×.
    assert {p.field for p in problems} == {"sections.0.table.rows.1.label", "sections.0.table.rows.1.note"}
