"""Issue 15, item 1: a sourcing model that tells the truth.

Sources cited via another (the seed's are all known from one report), "Accessed" only when an
access date was recorded, sources that can be cited, numbers attributed to what the report names,
and citation markers on evidence only, never on an audience's analysis or a template's sentences."""

from __future__ import annotations

import io
import re
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from briefing.compose import compose
from briefing.document import Callout, Cite, Document, Paragraph, Text
from briefing.domain.errors import NotFoundError, ValidationError
from briefing.domain.model import SourceDraft
from briefing.services import BriefingService, open_service
from briefing.writers import WriteOptions, write
from briefing.writers.placeholder import placeholder_chart

REPORT = "digital-in-asia-2026-04"
TODAY = date(2026, 4, 20)
OPTIONS = WriteOptions(render_chart=placeholder_chart)


@pytest.fixture(params=["sqlite", "postgresql"])
def service(request: pytest.FixtureRequest) -> Iterator[BriefingService]:
    if request.param == "sqlite":
        svc = open_service(request.getfixturevalue("seeded_db"))
        yield svc
        svc.close()
    else:
        yield request.getfixturevalue("pg_service")


@pytest.fixture(scope="module")
def svc(module_service: BriefingService) -> BriefingService:
    return module_service


@pytest.fixture(scope="module")
def docs(svc: BriefingService) -> dict[str, Document]:
    return {key: compose(svc, key, today=TODAY) for key in ("full", "asia", "west", "investors")}


@pytest.fixture(scope="module")
def pdf_text(docs: dict[str, Document]) -> dict[str, str]:
    out = {}
    for key, doc in docs.items():
        reader = PdfReader(io.BytesIO(write(doc, "pdf", OPTIONS).data))
        out[key] = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return out


# ---- The model: via, validated, on both engines


def test_a_source_is_cited_via_another_and_the_chain_is_resolved(service: BriefingService) -> None:
    report = service.create_source(SourceDraft(publisher="Digest", title="Monthly digest", published="2026-04"))
    middle = service.create_source(SourceDraft(publisher="Wire", title="A wire story", via=report.key))
    rand = service.create_source(SourceDraft(publisher="RAND", title="Costs", published="2026", via=middle.key))
    assert rand.via is not None and rand.via.key == middle.key and rand.via.via is not None
    assert [s.key for s in service.get_source(rand.id).via_chain()] == [middle.key, report.key]
    assert next(s for s in service.list_sources() if s.id == rand.id).via == middle
    # Undone and redone: the draft carries the via key.
    assert rand.to_draft().via == middle.key
    cleared = service.update_source(rand.id, SourceDraft(publisher="RAND", title="Costs", key=rand.key, via=""))
    assert cleared.via is None


def test_via_refuses_unknown_keys_and_loops_naming_the_field(service: BriefingService) -> None:
    a = service.create_source(SourceDraft(publisher="A", title="First"))
    b = service.create_source(SourceDraft(publisher="B", title="Second", via=a.key))
    with pytest.raises(ValidationError) as info:
        service.create_source(SourceDraft(publisher="C", title="Third", via="no-such-source"))
    assert info.value.errors[0].field == "via" and "no-such-source" in str(info.value)
    with pytest.raises(ValidationError) as info:
        service.update_source(a.id, SourceDraft(publisher="A", title="First", key=a.key, via=b.key))
    assert info.value.errors[0].field == "via" and "loop" in str(info.value)
    with pytest.raises(ValidationError) as info:
        service.update_source(a.id, SourceDraft(publisher="A", title="First", key=a.key, via=a.key))
    assert info.value.errors[0].field == "via"
    assert service.get_source(a.id).via is None  # nothing half-saved
    # A source others are cited via cannot be deleted from under them.
    with pytest.raises(ValidationError) as info:
        service.delete_source(a.id)
    assert "via" in str(info.value) and b.key in str(info.value)


def test_a_source_without_publisher_or_title_cannot_be_cited(service: BriefingService) -> None:
    for draft, field in ((SourceDraft(publisher="", title="Public statements", key="leaders"), "publisher"),
                         (SourceDraft(publisher="Chip industry leaders", title="  ", key="leaders"), "title")):
        with pytest.raises(ValidationError) as info:
            service.create_source(draft)
        assert [e.field for e in info.value.errors] == [field]
        assert "leaders" in str(info.value)  # the message names the source
        with pytest.raises(NotFoundError):
            service.get_source("leaders")


def test_migration_0007_adds_via_to_an_older_database_and_downgrades(seeded_db: Path) -> None:
    from briefing.store.engine import SCHEMA_HEAD, Database

    def columns() -> list[str]:
        with sqlite3.connect(seeded_db) as conn:
            return [r[1] for r in conn.execute("PRAGMA table_info(sources)")]

    db = Database(f"sqlite:///{seeded_db}")
    db.downgrade("0005")
    assert "via_id" not in columns()
    db.dispose()
    db = Database(f"sqlite:///{seeded_db}")  # opening migrates
    try:
        assert db.current_revision() == SCHEMA_HEAD and "via_id" in columns()  # 0007 and any later
        with sqlite3.connect(seeded_db) as conn:
            fks = [tuple(r) for r in conn.execute("PRAGMA foreign_key_list(sources)")]
        assert any(fk[2] == "sources" and fk[3] == "via_id" and fk[4] == "id" for fk in fks)
    finally:
        db.dispose()


def test_db_copy_carries_via_even_to_a_source_with_a_higher_id(pg_cluster, seeded_db: Path) -> None:  # type: ignore[no-untyped-def]
    from briefing.services import copy_library

    svc = open_service(seeded_db)
    try:
        low = svc.create_source(SourceDraft(publisher="Low", title="Cited second-hand"))
        high = svc.create_source(SourceDraft(publisher="High", title="Read first-hand"))
        svc.update_source(low.id, SourceDraft(publisher="Low", title="Cited second-hand", key=low.key, via=high.key))
        expected = {s.key: s.via.key if s.via else None for s in svc.list_sources()}
    finally:
        svc.close()
    assert expected[low.key] == high.key and expected["rand-2026"] == REPORT
    name = "copy_via"
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_cluster.admin(f"CREATE DATABASE {name}")
    try:
        copy_library(seeded_db, pg_cluster.url(name))
        pg = open_service(pg_cluster.url(name))
        try:
            assert {s.key: s.via.key if s.via else None for s in pg.list_sources()} == expected
        finally:
            pg.close()
    finally:
        pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_json_export_and_import_carry_via(svc: BriefingService, tmp_path: Path, empty_service) -> None:  # type: ignore[no-untyped-def]
    from briefing.store.transfer import write_findings

    path = tmp_path / "findings.json"
    write_findings(path, [svc.get_finding("rand-chinese-models-one-sixth-to-one-quarter-cost")])
    text = path.read_text()
    assert '"via": "digital-in-asia-2026-04"' in text and f'"key": "{REPORT}"' in text
    empty_service.import_findings(path)
    assert empty_service.get_source("rand-2026").via.key == REPORT


def test_an_import_refuses_a_via_to_nowhere_or_an_uncitable_source_naming_it(empty_service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "briefing-findings", "version": 1, "findings": [], "sources": [
        {"key": "rand", "publisher": "RAND", "title": "Costs", "via": "nowhere"},
        {"key": "chip-leaders", "publisher": "Chinese chip industry leaders", "title": ""}]}))
    with pytest.raises(ValidationError) as info:
        empty_service.import_findings(path)
    fields = {e.field: e.message for e in info.value.errors}
    assert "nowhere" in fields["sources[0].via"]
    assert fields["sources[1].title"] == "is required (source “chip-leaders”)"
    for key in ("rand", "chip-leaders"):  # all or nothing
        with pytest.raises(NotFoundError):
            empty_service.get_source(key)


# ---- The seed: what the report says, and no more


def test_the_seed_records_access_only_for_the_report_that_was_read(svc: BriefingService) -> None:
    sources = svc.list_sources()
    accessed = [s.key for s in sources if s.accessed is not None]
    assert accessed == [REPORT]
    second_hand = [s for s in sources if s.key != REPORT]
    assert second_hand and all(s.via is not None and s.via.key == REPORT for s in second_hand)


def test_the_seed_cites_no_unnamed_group_and_attributes_numbers_to_what_the_report_names(
    svc: BriefingService,
) -> None:
    keys = {s.key for s in svc.list_sources()}
    assert "china-chip-industry-leaders" not in keys and "chinese-model-developers" not in keys

    def cited(slug: str) -> list[str]:
        return [s.key for s in svc.get_finding(slug).sources]

    # The report names no source for GPT-4's ~$100M (nor R1's ~$6M): it is the report's own figure.
    assert cited("deepseek-r1-training-cost-6-million") == [REPORT]
    assert cited("chinese-chips-lag-five-to-ten-years") == [REPORT]
    assert cited("twenty-days-revenue-exceeded-all-of-2025") == [REPORT]
    assert cited("doubao-155-million-weekly-active-users") == ["questmobile"]  # "(QuestMobile)"
    assert cited("atlas-950-vs-nvidia-nvl144-multiples") == ["huawei"]  # "Huawei claims"
    assert cited("minimax-m2-5-topped-openrouter-in-under-a-week") == ["openrouter-2026"]


# ---- References in every writer


def test_references_render_the_via_chain_and_no_invented_access_date(docs: dict[str, Document]) -> None:
    doc = docs["full"]
    entries = {r.publisher: r for r in doc.references.entries}
    report_number = entries["Digital in Asia"].number
    assert entries["RAND"].label == ("RAND. Report on the cost of Chinese AI models relative to comparable US "
                                     f"systems. 2026. Cited in Digital in Asia, April 2026 [{report_number}].")
    assert [r.publisher for r in doc.references.entries if r.accessed] == ["Digital in Asia"]
    for key, d in docs.items():  # every briefing lists the report its sources are known through
        assert "Digital in Asia" in {r.publisher for r in d.references.entries}, key


def test_pdf_word_and_markdown_render_the_chain(docs: dict[str, Document]) -> None:
    doc = docs["full"]
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(write(doc, "pdf", OPTIONS).data)).pages)
    word = docx.Document(io.BytesIO(write(doc, "docx", OPTIONS).data))
    md = write(doc, "md", OPTIONS).data.decode()
    refs_pdf = " ".join(pdf.split()).split("References")[-1]
    refs_word = " ".join(p.text for p in word.paragraphs if p.style.name == "Reference")
    refs_md = md.split("## References")[-1]
    for text in (refs_pdf, refs_word, refs_md):
        assert text.count("Cited in Digital in Asia, April 2026") == len(doc.references.entries) - 1
        assert text.count("Accessed") == 1


# ---- Evidence and analysis


def _marked_after(text: str, phrase: str) -> bool:
    """Is `phrase` (closing punctuation aside) followed by a citation marker in the PDF text?"""
    squashed = " ".join(phrase.split())
    hits = [m.end() for m in re.finditer(re.escape(squashed), text)]
    assert hits, f"“{phrase}” is not in the PDF"
    return any(re.match(r"[.,;:!?”’)]*\s?\[\d", text[end:]) for end in hits)


@pytest.mark.parametrize(("key", "analysis", "evidence"), [
    ("asia", "Chinese models are winning the evaluation", "2.7 trillion for US models"),
    ("investors", "part of the technology stack whether they have been chosen or not",
     "top ten models in February 2026"),
    ("west", "becoming the default for a large share of the world’s AI deployment",
     "among the top ten models in February 2026"),
    # A wording that states no number cites the claim it restates, up to the dash that turns to comment.
    ("west", "were not a one-off but a systemic shift", "Four of the top five most-used models globally are Chinese"),
    ("investors", "comparison every operator should be running across providers",
     "drawn by comparable capability at lower cost"),
])
def test_audience_analysis_carries_no_data_citation_and_evidence_does(
    pdf_text: dict[str, str], key: str, analysis: str, evidence: str
) -> None:
    text = pdf_text[key]
    assert not _marked_after(text, analysis)
    assert _marked_after(text, evidence)


def test_sentences_a_template_adds_carry_no_citation(docs: dict[str, Document]) -> None:
    for key, doc in docs.items():
        added = [p for s in doc.sections for b in s.blocks if isinstance(b, Callout) for p in b.body]
        added += list(doc.summary.paragraphs) if doc.summary else []
        assert added, key
        assert not any(isinstance(r, Cite) for p in added for r in p.runs), key


def test_a_template_can_mark_a_wording_as_analysis_or_say_how_many_sentences_are_evidence(
    svc: BriefingService,
) -> None:
    audience = svc.get_audience("asia")
    slug = "openrouter-weekly-tokens-china-vs-us"

    def cites(template: dict[str, Any]) -> list[tuple[str, ...]]:
        doc = compose(svc, "asia", today=TODAY, template=template)
        paragraphs = [b for s in doc.sections for b in s.blocks if isinstance(b, Paragraph)
                      and any(getattr(r, "finding", "") == slug for r in b.runs)]
        out = []
        for p in paragraphs:
            before = ""
            for r in p.runs:
                if isinstance(r, Cite) and r.finding == slug:  # a joined paragraph holds other findings' too
                    out.append(before.rstrip()[-20:])
                before += r.text if isinstance(r, Text) else getattr(r, "text", "")
        return out

    automatic = cites(dict(audience.template))
    assert automatic == ["illion for US models"]  # the clause holding the numbers, not the reading after it
    assert cites({**audience.template, "evidence": {slug: 0}}) == []
    assert cites({**audience.template, "evidence": {slug: 1}}) == ["ning the evaluation."]
    from briefing.domain.templates import validate_template

    with pytest.raises(ValidationError) as info:
        validate_template({**audience.template, "evidence": {slug: -1}}, audience.sections)
    assert info.value.errors[0].field == f"evidence.{slug}"


# ---- The command line and the app edit it


def test_cli_sources_add_edit_and_refusals_name_the_field(seeded_db: Path) -> None:
    from tests.test_cli import run

    r = run(seeded_db, "sources", "add", "--publisher", "Chip industry leaders", "--title", "", "--key", "leaders")
    assert r.returncode != 0 and r.stderr.strip() == "briefing: source “leaders”: title: is required"
    r = run(seeded_db, "sources", "add", "--publisher", "Wire", "--title", "A story", "--key", "wire", "--via", "nope")
    assert r.returncode != 0 and "via: no source with key “nope”" in r.stderr
    r = run(seeded_db, "sources", "add", "--publisher", "Wire", "--title", "A story", "--key", "wire",
            "--via", "rand-2026")
    assert r.returncode == 0 and "cited in rand-2026" in r.stdout, r.stderr
    r = run(seeded_db, "sources", "edit", REPORT, "--via", "wire")
    assert r.returncode != 0 and "via: would make a loop" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = run(seeded_db, "sources", "edit", "wire", "--via", "")
    assert r.returncode == 0, r.stderr
    r = run(seeded_db, "sources", "show", "rand-2026")
    assert "cited in: Digital in Asia (digital-in-asia-2026-04)" in r.stdout
    with sqlite3.connect(seeded_db) as conn:  # the real rows
        rows = dict(conn.execute("SELECT s.key, v.key FROM sources s LEFT JOIN sources v ON v.id = s.via_id"))
    assert rows["wire"] is None and rows["rand-2026"] == REPORT and "leaders" not in rows


def test_a_csv_export_carries_the_via_chain_in_its_cells(svc: BriefingService, tmp_path: Path, empty_service) -> None:  # type: ignore[no-untyped-def]
    from briefing.store.transfer import write_findings

    path = tmp_path / "findings.csv"
    write_findings(path, [svc.get_finding("rand-chinese-models-one-sixth-to-one-quarter-cost")])
    assert f'""via"": {{""key"": ""{REPORT}""' in path.read_text(encoding="utf-8-sig")
    empty_service.import_findings(path)  # into a library that has never seen the report
    assert empty_service.get_source("rand-2026").via.key == REPORT
    assert empty_service.get_source(REPORT).accessed is not None
