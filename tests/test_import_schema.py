"""Import files are checked against one schema (JSON paths in every message), CSV cells are safe to open
in a spreadsheet, and `--dry-run` shows what an import would change without writing."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest

from briefing.domain.errors import ValidationError
from briefing.domain.model import FindingDraft, ReportDraft
from briefing.services import open_service

FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3 is cheap", "@SUM(A1:A2)", "'=already quoted", "''=twice"]


def test_csv_export_neutralises_formulas_and_import_restores_them(empty_service, tmp_path: Path) -> None:
    for i, text in enumerate(FORMULAS):
        empty_service.create_finding(FindingDraft(title=text, statement=text + " statement", section="cost",
                                                  slug=f"f{i}"))
    path = tmp_path / "out.csv"
    empty_service.export_findings(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    for row in rows:
        for column, cell in row.items():
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), (column, cell)
    assert rows[0]["title"] == "'=cmd|' /C calc'!A0"
    # Our own CSV comes back with the original text, including text that began with an apostrophe.
    other = open_service(tmp_path / "other.sqlite3", seed=False)
    try:
        other.create_report(ReportDraft(key="r", title="R", sections=(("cost", "Cost", ""),)))  # findings need one
        other.import_findings(path)
        assert [f.title for f in other.list_findings()] == FORMULAS
        assert [f.statement for f in other.list_findings()] == [t + " statement" for t in FORMULAS]
    finally:
        other.close()


def _finding(slug: str | None, title: str = "T", **extra: object) -> dict[str, object]:
    d: dict[str, object] = {"title": title, "statement": "S.", "section": "cost", **extra}
    if slug is not None:
        d["slug"] = slug
    return d


def _import(svc, tmp_path: Path, doc: object, **kw: object):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return svc.import_findings(path, **kw)


@pytest.mark.parametrize(
    ("doc", "needles"),
    [
        ({"findings": [_finding("a"),
                       _finding("b", metrics=[{"label": "L", "value": "1"}, {"label": "L", "value": "x"}])]},
         ["findings[1].metrics[1].value"]),
        ({"findings": [_finding("a", metrics=[{"label": "L", "value": True}])]},
         ["findings[0].metrics[0].value", "true/false"]),
        ({"findings": [_finding("dup"), _finding("dup", title="Other")]}, ["findings[1].slug", "findings[0]"]),
        ({"findings": [_finding("Case"), _finding("case", title="Other")]}, ["findings[1].slug", "case"]),
        ({"findings": [_finding(None, title="Same title"), _finding(None, title="Same title")]}, ["findings[1].slug"]),
        ({"sources": [{"key": "k", "publisher": "P", "title": "T"}, {"key": "k", "publisher": "Q", "title": "U"}],
          "findings": []}, ["sources[1].key", "sources[0]"]),
        ({"findings": [_finding("a", statment="typo")]}, ["findings[0].statment", "not a known field"]),
        ({"findings": [], "extra": 1}, ["extra", "not a known field"]),
        ({"format": "other-app", "findings": []}, ["format", "other-app"]),
        ({"format": "briefing-findings", "version": 999, "findings": []}, ["version", "999", "update Briefing"]),
        ({"findings": [_finding("a", sources=["nope"])]}, ["findings[0].sources", "nope"]),
        ({"sources": []}, ["findings", "missing"]),
    ],
)
def test_schema_problems_are_named_by_json_path(empty_service, tmp_path: Path, doc: object,
                                                needles: list[str]) -> None:
    with pytest.raises(ValidationError) as info:
        _import(empty_service, tmp_path, doc)
    for needle in needles:
        assert needle in str(info.value)
    assert empty_service.count_findings() == 0 and empty_service.list_sources() == []


def test_a_field_given_twice_in_one_record_is_refused(empty_service, tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text('{"findings": [{"title": "A", "title": "B", "statement": "S", "section": "cost"}]}')
    with pytest.raises(ValidationError, match="“title” appears twice"):
        empty_service.import_findings(path)


def test_a_bom_json_file_is_accepted(empty_service, tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"findings": [_finding("bom")]}).encode())
    assert empty_service.import_findings(path).created == 1


def test_dry_run_reports_and_writes_nothing(empty_service, tmp_path: Path) -> None:
    _import(empty_service, tmp_path, {"findings": [_finding("kept"), _finding("changed")]})
    db = Path(empty_service.db.url.database)
    empty_service.close()
    before = sqlite3.connect(db).execute("select slug, title, version from findings order by slug").fetchall()
    path = tmp_path / "next.json"
    path.write_text(json.dumps({"findings": [_finding("kept"), _finding("changed", title="New"), _finding("new")]}))
    import contextlib

    from briefing.cli import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--db", str(db), "findings", "import", "--dry-run", str(path)]) == 0
    text = out.getvalue()
    assert "1 added, 1 updated, 1 unchanged" in text and "nothing was written" in text
    assert "added: new" in text and "updated: changed" in text and "unchanged: kept" in text
    assert sqlite3.connect(db).execute("select slug, title, version from findings order by slug").fetchall() == before
    # The real import does what the dry run said, and leaves the unchanged finding's version alone.
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--db", str(db), "findings", "import", str(path)]) == 0
    rows = dict(sqlite3.connect(db).execute("select slug, version from findings").fetchall())
    assert rows == {"kept": 1, "changed": 2, "new": 1}


def test_metric_spec_escapes_semicolons(seeded_db: Path) -> None:
    import contextlib

    from briefing.cli import main
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--db", str(seeded_db), "findings", "add", "--slug", "esc", "--title", "T", "--statement", "S",
                     "--section", "cost", "--metric", r"label=Share\; of total;value=5;unit=%;entity=A\\B"]) == 0
    row = sqlite3.connect(seeded_db).execute(
        "select m.label, m.entity from metrics m join findings f on f.id=m.finding_id where f.slug='esc'").fetchone()
    assert row == ("Share; of total", "A\\B")
    help_text = _findings_add_help()
    assert "\\;" in help_text


def _findings_add_help() -> str:
    import contextlib

    from briefing.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(["findings", "add", "--help"])
    return out.getvalue()


def test_long_and_non_latin_titles_get_distinct_slugs(empty_service) -> None:
    long_title = "A very long finding title about inference prices in China that goes on for eighty characters"
    f = empty_service.create_finding(FindingDraft(title=long_title, statement="S", section="cost"))
    assert len(f.slug) <= 63 and f.slug.startswith("a-very-long-finding-title") and not f.slug.endswith("-")
    a = empty_service.create_finding(FindingDraft(title="推理成本下降", statement="S", section="cost"))
    b = empty_service.create_finding(FindingDraft(title="开源模型采用", statement="S", section="cost"))
    assert a.slug != b.slug and a.slug.startswith("finding-") and b.slug.startswith("finding-")


@pytest.mark.parametrize("stream", [True, False])
def test_large_files_are_read_record_by_record_with_the_same_result(
    service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stream: bool
) -> None:
    from briefing.store import transfer

    monkeypatch.setattr(transfer, "STREAM_MIN_BYTES", 0 if stream else 10**12)
    path = tmp_path / "all.json"
    service.export_findings(path)
    split = transfer._findings_array(path.read_bytes())
    assert split is not None and len(split[2]) == service.count_findings()
    other = open_service(tmp_path / "other.sqlite3", seed=False)
    try:
        from briefing.services.seeding import seed_database

        seed_database(other)  # audiences and sources; then replace the findings with the file's
        with other.db.writing() as s:
            from sqlalchemy import text

            s.execute(text("DELETE FROM findings"))
            s.execute(text("DELETE FROM findings_fts"))
        summary = other.import_findings(path)
        assert summary.created == service.count_findings()
        assert [transfer.finding_dict(f) for f in other.list_findings()] == \
            [transfer.finding_dict(f) for f in service.list_findings()]
        # Shapes the splitter does not handle fall back to the whole parse and its messages.
        for doc, needle in ((b'{"findings": [{"title": "A", "statement": "S", "section": "cost"}, 1]}', "findings[1]"),
                            (b'{"findings": [{"title": 5, "statement": "S", "section": "cost"}]}', "findings[0].title"),
                            (b'{"findings": [{"title": "A"} {"title": "B"}]}', "not valid JSON")):
            bad = tmp_path / "bad.json"
            bad.write_bytes(doc)
            with pytest.raises(ValidationError, match=re.escape(needle)):
                other.import_findings(bad)
    finally:
        other.close()


def test_json_numbers_pass_the_schema_exactly(empty_service, tmp_path: Path) -> None:
    path = tmp_path / "n.json"
    path.write_text('{"findings": [{"slug": "n", "title": "T", "statement": "S", "section": "cost", '
                    '"metrics": [{"label": "L", "value": 0.1}, {"label": "M", "value": 12}]}]}')
    assert empty_service.import_findings(path).created == 1
    assert [str(m.value) for m in empty_service.get_finding("n").metrics] == ["0.1", "12"]
