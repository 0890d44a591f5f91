"""Freshness and per-audience completeness: a report's staleness threshold, "superseded by" links
between findings, and templates that ask for every finding in the audience's own words. Over the
real seeded SQLite file, through the service and the real CLI."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.checks import run_checks
from briefing.cli.check import gather
from briefing.domain.errors import ValidationError
from briefing.domain.model import FindingDraft, ReportDraft

POLICY = "ai-plus-targets-70pct-2027-90pct-2030"  # as of 2025-08: the seed's oldest dated findings
NEWER = "ai-plus-six-priority-domains"


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRIEFING_DB": str(db), "BRIEFING_SERVER": "off"}
    env.pop("BRIEFING_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "briefing", *args], check=False, capture_output=True, text=True,
                          env=env, timeout=120)


def _edit_report(svc, **changes: object) -> None:  # type: ignore[no-untyped-def]
    r = svc.get_report()
    fields = dict(key=r.key, title=r.title, subtitle=r.subtitle, publisher=r.publisher, author=r.author,
                  edition=r.edition, data_as_of=r.data_as_of, published=r.published, summary=r.summary,
                  stale_after_days=r.stale_after_days)
    svc.update_report(r.key, ReportDraft(**{**fields, **changes}))  # type: ignore[arg-type]


def _supersede(svc, old: str, new: str | None) -> None:  # type: ignore[no-untyped-def]
    f = svc.get_finding(old)
    svc.update_finding(f.id, FindingDraft(**{**f.to_draft().__dict__, "superseded_by": new}), f.version)


# ---- Freshness: the report's threshold


def test_the_seed_report_sets_a_threshold_and_checks_clean(service) -> None:  # type: ignore[no-untyped-def]
    r = service.get_report()
    assert (r.data_as_of.isoformat(), r.stale_after_days) == ("2026-04-01", 548)
    assert [p for p in run_checks(gather(service)) if p.rule in ("stale", "superseded", "missing-wording")] == []


def test_a_finding_older_than_the_threshold_is_stale(service) -> None:  # type: ignore[no-untyped-def]
    _edit_report(service, stale_after_days=200)
    stale = [p for p in run_checks(gather(service)) if p.rule == "stale"]
    # 2025-08-01 is 243 days before 2026-04-01; 2025-01-01 (two findings "as of 2025") 455 days.
    subjects = {p.subject for p in stale}
    assert POLICY in subjects and NEWER in subjects and "li-qiang-open-and-open-source" in subjects
    old = next(p for p in stale if p.subject == POLICY)
    assert old.field == "as_of" and old.severity == "warning"
    assert old.message == ("as of 2025-08-01, 243 days before the report's data (2026-04-01); the report calls "
                           "evidence stale after 200 days")
    # Every stale finding is older than the threshold, and none within it is named.
    for f in service.list_findings():
        age = (service.get_report().data_as_of - f.as_of).days if f.as_of else 0
        assert (f.slug in subjects) == (age > 200)
    _edit_report(service, stale_after_days=243)
    assert POLICY not in {p.subject for p in run_checks(gather(service)) if p.rule == "stale"}
    _edit_report(service, stale_after_days=None)
    assert [p for p in run_checks(gather(service)) if p.rule == "stale"] == []


@pytest.mark.parametrize(("value", "words"), [
    ("0", "is 0; it must be 1 to 3653 days"), ("-5", "is not a whole number of days"),
    ("two weeks", "is not a whole number of days"), ("40000", "is 40000"),
])
def test_a_bad_threshold_is_refused_naming_the_field(service, value: str, words: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as err:
        _edit_report(service, stale_after_days=value)
    assert err.value.errors[0].field == "stale_after_days" and words in err.value.errors[0].message
    assert service.get_report().stale_after_days == 548  # nothing half-saved


def test_reports_edit_sets_the_threshold_and_check_names_the_stale_finding(seeded_db: Path) -> None:
    r = cli(seeded_db, "reports", "edit", "digital-in-asia-2026-04", "--stale-after", "300")
    assert r.returncode == 0, r.stderr
    shown = json.loads(cli(seeded_db, "reports", "show", "--json").stdout)
    assert shown["stale_after_days"] == 300
    r = cli(seeded_db, "check")
    assert r.returncode == 1
    stale = [line for line in r.stdout.splitlines() if "[stale]" in line]
    assert stale and all("stale after 300 days" in line for line in stale)
    assert any(line.startswith("finding li-qiang-open-and-open-source · as_of [stale]: as of 2025-01-01, 455 days")
               for line in stale)
    r = cli(seeded_db, "reports", "edit", "digital-in-asia-2026-04", "--stale-after", "soon")
    assert r.returncode != 0 and "stale_after_days" in r.stderr and "not a whole number of days" in r.stderr
    r = cli(seeded_db, "reports", "edit", "digital-in-asia-2026-04", "--stale-after", "")
    assert r.returncode == 0 and json.loads(cli(seeded_db, "reports", "show", "--json").stdout)[
        "stale_after_days"] is None
    assert cli(seeded_db, "check").returncode == 0


# ---- Superseded by


def test_superseded_by_is_refused_for_itself_another_report_unknown_and_cycles(service) -> None:  # type: ignore[no-untyped-def]
    def refusal(old: str, new: str) -> str:
        with pytest.raises(ValidationError) as err:
            _supersede(service, old, new)
        (error,) = err.value.errors
        assert error.field == "superseded_by"
        return error.message

    assert refusal(POLICY, POLICY) == "a finding cannot be superseded by itself"
    assert refusal(POLICY, "no-such-finding") == "no finding “no-such-finding” in this report"
    _supersede(service, POLICY, NEWER)
    assert refusal(NEWER, POLICY) == (f"would make a cycle: {NEWER} → {POLICY} → {NEWER}")
    third = "fully-intelligent-economy-by-2035"
    _supersede(service, NEWER, third)
    assert refusal(third, POLICY) == f"would make a cycle: {third} → {POLICY} → {NEWER} → {third}"
    # A finding of another report (by id, which is the library's) is not one of this report's.
    service.new_edition(key="next", edition="May 2026", data_as_of="2026-05-01")
    other = service.for_report("next").get_finding(third)
    assert refusal(third, str(other.id)) == f"no finding “{other.id}” in this report"
    assert service.get_finding(third).superseded_by_id is None  # nothing half-saved
    assert service.get_finding(POLICY).superseded_by_id == service.get_finding(NEWER).id


def test_findings_edit_superseded_by_and_check_names_it_in_the_briefings(seeded_db: Path) -> None:
    r = cli(seeded_db, "findings", "edit", POLICY, "--superseded-by", POLICY)
    assert r.returncode != 0 and "superseded_by" in r.stderr and "by itself" in r.stderr
    r = cli(seeded_db, "findings", "edit", POLICY, "--superseded-by", NEWER)
    assert r.returncode == 0, r.stderr
    assert f"superseded by {json.loads(cli(seeded_db, 'findings', 'show', NEWER, '--json').stdout)['id']}" \
        in cli(seeded_db, "findings", "show", POLICY).stdout
    listed = cli(seeded_db, "findings", "list", "--section", "state-strategy").stdout
    assert f"{POLICY}  [state-strategy · target · superseded]" in listed
    r = cli(seeded_db, "check", "--json")
    assert r.returncode == 1
    (problem,) = json.loads(r.stdout)["problems"]
    assert (problem["rule"], problem["subject"], problem["field"], problem["text"]) == (
        "superseded", POLICY, "superseded_by", NEWER)
    assert problem["message"].startswith(f"is superseded by “{NEWER}” but is still in the briefings for ")
    assert "Full report" in problem["message"]
    # The export of a briefing that shows it warns; --strict refuses.
    r = cli(seeded_db, "export", "--audience", "full", "--format", "md", "--strict", "-o", str(seeded_db.parent) + "/")
    assert r.returncode == 1 and "[superseded]" in r.stderr
    r = cli(seeded_db, "findings", "edit", POLICY, "--superseded-by", "")
    assert r.returncode == 0 and cli(seeded_db, "check").returncode == 0


def test_a_superseded_finding_no_briefing_shows_is_no_problem(service) -> None:  # type: ignore[no-untyped-def]
    _supersede(service, POLICY, NEWER)
    for a in service.list_audiences():  # every template leaves the old finding out
        template = dict(a.template)
        template["excluded"] = [*template.get("excluded", []), POLICY]
        service.update_audience(a.key, template=template)
    assert [p for p in run_checks(gather(service)) if p.rule == "superseded"] == []


def test_db_copy_and_a_new_edition_carry_the_link(seeded_db: Path, tmp_path: Path) -> None:
    from briefing.services import open_service

    svc = open_service(seeded_db)
    try:
        # A finding superseded by a later one (a higher id): the copy cannot insert it in id order.
        late = svc.create_finding(FindingDraft(title="The AI+ targets, restated", statement="Restated.",
                                               section="state-strategy"))
        _supersede(svc, POLICY, late.slug)
        svc.new_edition(key="may", edition="May 2026", data_as_of="2026-05-01")
        may = svc.for_report("may")
        assert may.get_finding(POLICY).superseded_by_id == may.get_finding(late.slug).id
        assert may.get_finding(late.slug).id != late.id
    finally:
        svc.close()
    target = tmp_path / "copy.sqlite3"
    r = cli(seeded_db, "db", "copy", "--to", str(target))
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(target) as con:
        pairs = con.execute("SELECT a.slug, b.slug, a.report_id = b.report_id FROM findings a JOIN findings b "
                            "ON a.superseded_by_id = b.id ORDER BY a.id").fetchall()
        stale = con.execute("SELECT key, stale_after_days FROM reports ORDER BY id").fetchall()
    assert pairs == [(POLICY, late.slug, 1), (POLICY, late.slug, 1)]
    assert stale == [("digital-in-asia-2026-04", 548), ("may", 548)]


def test_deleting_a_report_and_undoing_it_keeps_links(service) -> None:  # type: ignore[no-untyped-def]
    late = service.create_finding(FindingDraft(title="The AI+ targets, restated", statement="Restated.",
                                               section="state-strategy"))
    _supersede(service, POLICY, late.slug)
    service.new_edition(key="may", edition="May 2026", data_as_of="2026-05-01")
    snapshot = service.delete_report("may")
    service.restore_report(snapshot)
    may = service.for_report("may")
    assert may.get_finding(POLICY).superseded_by_id == may.get_finding(late.slug).id
    assert may.get_report().stale_after_days == 548


# ---- Per-audience completeness


def test_a_template_that_asks_for_wordings_lists_findings_without_one(service) -> None:  # type: ignore[no-untyped-def]
    asia = service.get_audience("asia")
    service.update_audience("asia", template={**asia.template, "wordings": True})
    missing = [p for p in run_checks(gather(service)) if p.rule == "missing-wording"]
    shown = gather(service).briefings["asia"]
    worded = {f.slug for f in service.list_findings() if f.wordings.get("asia")}
    assert {p.subject for p in missing} == set(shown) - worded
    assert missing and all(p.field == "wordings.asia" and p.severity == "warning" for p in missing)
    assert missing[0].message == ("has no wording for the Asia briefing, whose template asks for one (it would "
                                  "print the statement)")
    # Giving one its wording takes it off the list; the flag off, the list is empty.
    f = service.get_finding(missing[0].subject)
    service.update_finding(f.id, FindingDraft(**{**f.to_draft().__dict__, "wordings": {
        **f.wordings, "asia": f.statement}}), f.version)
    assert f.slug not in {p.subject for p in run_checks(gather(service)) if p.rule == "missing-wording"}
    service.update_audience("asia", template={**asia.template, "wordings": False})
    assert [p for p in run_checks(gather(service)) if p.rule == "missing-wording"] == []


def test_the_wordings_flag_must_be_true_or_false(service) -> None:  # type: ignore[no-untyped-def]
    asia = service.get_audience("asia")
    with pytest.raises(ValidationError) as err:
        service.update_audience("asia", template={**asia.template, "wordings": "yes"})
    assert [e.field for e in err.value.errors] == ["wordings"]
    assert "must be true or false" in err.value.errors[0].message


def test_postgresql_carries_the_threshold_and_a_forward_link_both_ways(
        pg_cluster, seeded_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL the foreign key is checked at each insert: the copy inserts findings in id
    order and a link to a later finding must follow them. The service's rules hold there too."""
    from briefing.services import open_service

    svc = open_service(seeded_db)
    try:
        late = svc.create_finding(FindingDraft(title="The AI+ targets, restated", statement="Restated.",
                                               section="state-strategy"))
        _supersede(svc, POLICY, late.slug)
        _edit_report(svc, stale_after_days=300)
    finally:
        svc.close()
    name = "freshness_copy"
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_cluster.admin(f"CREATE DATABASE {name}")
    pg = pg_cluster.url(name)
    try:
        r = cli(seeded_db, "db", "copy", "--to", pg)
        assert r.returncode == 0, r.stderr
        back = tmp_path / "back.sqlite3"
        r = cli(seeded_db, "db", "copy", "--from", pg, "--to", str(back))
        assert r.returncode == 0, r.stderr
        with sqlite3.connect(back) as con:
            assert con.execute("SELECT a.slug, b.slug FROM findings a JOIN findings b ON a.superseded_by_id = b.id"
                               ).fetchall() == [(POLICY, late.slug)]
            assert con.execute("SELECT stale_after_days FROM reports").fetchall() == [(300,)]
        svc = open_service(pg)
        try:
            with pytest.raises(ValidationError) as err:
                _supersede(svc, late.slug, POLICY)
            assert err.value.errors[0].message == f"would make a cycle: {late.slug} → {POLICY} → {late.slug}"
            assert {p.subject for p in run_checks(gather(svc)) if p.rule == "superseded"} == {POLICY}
        finally:
            svc.close()
    finally:
        pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
