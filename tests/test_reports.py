"""Reports are records: the seed report, its sections and audiences live in the database (not in
code), a database made by the release before reports upgrades intact, and reports are created,
edited and deleted (and restored) through the service with every bad field named."""

from __future__ import annotations

import ast
import io
import shutil
import sqlite3
import tokenize
from pathlib import Path

import pytest

from briefing.domain.errors import ValidationError
from briefing.domain.model import FindingDraft, ReportDraft
from briefing.services import open_service
from briefing.store.engine import SCHEMA_HEAD
from briefing.store.seed import load_report, load_seed

PACKAGE = Path(__file__).resolve().parents[1] / "briefing"
RELEASE_DB = Path(__file__).parent / "fixtures" / "release-0003.sqlite3"
COUNTED = ("findings", "metrics", "finding_tags", "wordings", "finding_sources", "sources", "audiences", "charts")


def _literals(path: Path) -> list[tuple[int, str]]:
    """Every string literal of a module (f-string pieces as written), with its line."""
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if tok.type == tokenize.STRING:
            try:
                value = ast.literal_eval(tok.string)
            except (ValueError, SyntaxError):  # an f-string: its text as written
                value = tok.string
            out.append((tok.start[0], str(value)))
    return out


def test_no_report_heading_section_or_audience_key_is_in_the_code() -> None:
    report = load_report()
    keys = {s["key"] for s in report["sections"]} | {a["key"] for a in load_seed()["audiences"]}
    titles = [s["title"] for s in report["sections"]] + [report["title"]]
    assert {"full", "asia", "cost", "chips"} <= keys  # the scan looks for what the seed really holds
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(PACKAGE)}: heading “{t}”" for t in titles if t in text]
        found += [f"{path.relative_to(PACKAGE)}:{line}: key {value!r}"
                  for line, value in _literals(path) if value in keys]
    assert found == []


def _counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in COUNTED}
    finally:
        conn.close()


def test_a_database_made_by_the_previous_release_upgrades_intact(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(RELEASE_DB, path)
    before = _counts(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0003"
    board = conn.execute("SELECT w.text, f.slug FROM wordings w JOIN findings f ON f.id = w.finding_id "
                         "WHERE w.audience_key = 'board'").fetchone()
    metrics = conn.execute("SELECT finding_id, label, value FROM metrics ORDER BY id").fetchall()
    conn.close()
    assert before["findings"] == 103 and board is not None

    svc = open_service(path)
    try:
        after = _counts(path)
        assert after == before
        [report] = svc.list_reports()
        seed = load_report()
        assert (report.key, report.title, report.edition) == (seed["key"], seed["title"], seed["edition"])
        assert [s.key for s in report.sections] == [s["key"] for s in seed["sections"]]
        assert [s.title for s in report.sections] == [s["title"] for s in seed["sections"]]
        assert svc.count_findings() == 103
        assert [a.key for a in svc.list_audiences()][-1] == "board"
        assert svc.get_finding(board[1]).wordings["board"] == board[0]
        assert len(svc.list_charts()) == before["charts"]
        check = sqlite3.connect(path)
        assert check.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
        assert check.execute("SELECT COUNT(*) FROM findings WHERE report_id != ?", (report.id,)).fetchone()[0] == 0
        assert check.execute("SELECT finding_id, label, value FROM metrics ORDER BY id").fetchall() == metrics
        assert check.execute("SELECT COUNT(*) FROM meta WHERE key = 'report'").fetchone()[0] == 0
        check.close()
        # The upgraded database works as a new one does: a finding goes in, the search finds it.
        made = svc.create_finding(FindingDraft(title="Upgraded", statement="Made after the upgrade.",
                                               section=seed["sections"][0]["key"]))
        assert [f.id for f in svc.list_findings(search="upgrade")] == [made.id]
    finally:
        svc.close()


def test_upgrading_reaches_the_models_schema(tmp_path: Path) -> None:
    from tests.test_store import _diff

    path = tmp_path / "old.sqlite3"
    shutil.copyfile(RELEASE_DB, path)
    svc = open_service(path)
    try:
        assert _diff(svc.db) == []
    finally:
        svc.close()


def _second(key: str = "gulf-energy", **kw: object) -> ReportDraft:
    fields: dict = {"key": key, "title": "Gulf Energy Monitor", "edition": "Q2 2026",
                    "sections": (("supply", "Supply", "Supply"), ("prices", "Prices", ""), ("outlook", "Outlook", ""))}
    fields.update(kw)
    return ReportDraft(**fields)


def test_two_reports_keep_their_own_findings_audiences_and_charts(service) -> None:  # type: ignore[no-untyped-def]
    seed_key = service.get_report().key
    n = service.count_findings()
    other = service.create_report(_second(), use=True)
    assert service.get_report().key == "gulf-energy" and other.section_keys == ("supply", "prices", "outlook")
    assert service.count_findings() == 0 and service.list_charts() == []
    assert [a.key for a in service.list_audiences()] == ["standard"]  # a new report exports at once
    service.create_audience("traders", "Traders")
    f = service.create_finding(FindingDraft(title="Output rose", statement="Output rose.", section="supply"))
    with pytest.raises(ValidationError) as info:
        service.create_finding(FindingDraft(title="Chips", statement="x", section="chips"))
    assert "supply, prices, outlook" in str(info.value)
    assert [x.slug for x in service.list_findings()] == [f.slug]
    service.use_report(seed_key)
    assert service.count_findings() == n and "traders" not in {a.key for a in service.list_audiences()}
    # The same slug may live in two reports (an edition's copy keeps its slugs).
    twin = service.create_finding(FindingDraft(title="Output rose", statement="Output rose.",
                                               section=service.sections()[0].key))
    assert twin.slug == f.slug and twin.id != f.id


def test_the_last_report_used_is_the_default(seeded_db: Path) -> None:
    svc = open_service(seeded_db)
    svc.create_report(_second(), use=True)
    svc.close()
    again = open_service(seeded_db)
    try:
        assert again.get_report().key == "gulf-energy"
    finally:
        again.close()


@pytest.mark.parametrize(
    ("draft", "field", "fragment"),
    [
        (_second(key="digital-in-asia-2026-04"), "key", "already exists"),
        (_second(title="  "), "title", "required"),
        (_second(sections=(("a", "A", ""), ("a", "Again", ""))), "sections.1.key", "unique"),
        (_second(sections=(("ok", "", ""),)), "sections.0.title", "required"),
        (_second(data_as_of="April"), "data_as_of", "not a date"),
    ],
)
def test_bad_reports_are_refused_naming_the_field(service, draft: ReportDraft, field: str,  # type: ignore[no-untyped-def]
                                                  fragment: str) -> None:
    before = [r.key for r in service.list_reports()]
    with pytest.raises(ValidationError) as info:
        service.create_report(draft)
    messages = {e.field: e.message for e in info.value.errors}
    assert field in messages and fragment in messages[field], messages
    assert [r.key for r in service.list_reports()] == before


def test_a_section_findings_use_cannot_be_removed(service) -> None:  # type: ignore[no-untyped-def]
    sections = service.sections()
    used = sum(1 for f in service.list_findings() if f.section == sections[-1].key)
    with pytest.raises(ValidationError) as info:
        service.set_sections(sections[:-1])
    assert f"{used} finding(s) in “{sections[-1].key}”" in str(info.value)
    assert service.sections() == sections
    # Renaming, reordering and adding are fine.
    renamed = (sections[1], sections[0].__class__(sections[0].key, "Opening", "Opening"), *sections[2:],
               ("annex", "Annex", ""))
    report = service.set_sections(renamed)
    assert [s.key for s in report.sections][:2] == [sections[1].key, sections[0].key]
    assert report.sections[1].title == "Opening" and report.sections[-1].key == "annex"


def test_deleting_a_report_takes_its_records_and_restore_brings_them_back(service) -> None:  # type: ignore[no-untyped-def]
    key = service.get_report().key
    service.create_report(_second())
    before = (service.count_findings(), service.list_audiences(), service.list_charts(), service.list_findings())
    sources = service.list_sources()
    snapshot = service.delete_report(key)
    assert [r.key for r in service.list_reports()] == ["gulf-energy"]
    assert service.count_findings() == 0 and service.list_sources() == sources  # sources are the library's
    conn = sqlite3.connect(service.db.url.database)
    assert conn.execute("SELECT COUNT(*) FROM metrics").fetchone()[0] == 0
    conn.close()
    service.restore_report(snapshot)
    service.use_report(key)
    after = (service.count_findings(), service.list_audiences(), service.list_charts(), service.list_findings())
    assert after[:3] == before[:3]

    def whole(f):  # type: ignore[no-untyped-def]  # metric rows are re-created: compare their contents
        return (f.id, f.slug, f.section, [(m.label, m.value, m.unit) for m in f.metrics],
                [x.key for x in f.sources], dict(f.wordings))

    assert [whole(f) for f in after[3]] == [whole(f) for f in before[3]]


def test_the_only_report_is_not_deleted(service) -> None:  # type: ignore[no-untyped-def]
    key = service.get_report().key
    with pytest.raises(ValidationError, match="only report"):
        service.delete_report(key)
    assert service.count_findings() == 103
