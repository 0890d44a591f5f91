"""A finding's history (issue 18 item 4): who changed what and when, field by field, written in the
change's own transaction on SQLite and PostgreSQL; `findings history`; restoring a version; db copy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from briefing.domain.errors import ConflictError, ValidationError
from briefing.domain.model import FindingDraft, MetricDraft
from briefing.services import BriefingService, open_service
from briefing.store.models import HistoryRow


def _rows(svc: BriefingService) -> int:
    with svc.db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(HistoryRow)) or 0)


def _edit(svc: BriefingService, fid: int, **changes: object):  # type: ignore[no-untyped-def]
    f = svc.get_finding(fid)
    return svc.update_finding(fid, replace(f.to_draft(), **changes), f.version)


def _life_of_a_finding(svc: BriefingService) -> None:
    made = svc.create_finding(FindingDraft(title="Fresh finding", statement="Prices fell 10%.", section="cost",
                                           kind="estimate", metrics=(MetricDraft(label="Fall", value="10",
                                                                                 unit="%"),)))
    edited = _edit(svc, made.id, title="Fresh finding, revised",
                   metrics=(MetricDraft(label="Fall", value="12.5", unit="%"),))
    gone = svc.delete_finding(made.id, edited.version)
    svc.restore_finding(gone)
    entries = svc.finding_history(made.id)
    assert [e.action for e in entries] == ["create", "edit", "delete", "restore"]
    assert [e.version for e in entries] == [1, 2, 2, 3]
    create, edit, delete, restore = entries
    assert {c.field for c in create.changes} >= {"title", "statement", "section", "kind", "metrics[1]"}
    assert [(c.field, c.before, c.after) for c in edit.changes] == [
        ("title", "Fresh finding", "Fresh finding, revised"),
        ("metrics[1]", {"label": "Fall", "value": "10", "unit": "%", "scale": None, "entity": "", "period": "",
                        "as_of": None, "series": ""},
         {"label": "Fall", "value": "12.5", "unit": "%", "scale": None, "entity": "", "period": "",
          "as_of": None, "series": ""}),
    ]
    assert all(c.after is None for c in delete.changes) and delete.snapshot["title"] == "Fresh finding, revised"
    assert restore.snapshot["metrics"][0]["value"] == "12.5"
    assert all(e.who for e in entries) and entries[0].at <= entries[-1].at


def test_every_change_is_a_history_row_with_each_fields_before_and_after(service: BriefingService) -> None:
    _life_of_a_finding(service)


def test_the_history_is_written_in_the_changes_own_transaction(service: BriefingService) -> None:
    f = service.list_findings(section="cost")[0]
    before = _rows(service)
    with pytest.raises(ConflictError):  # refused: no row
        service.update_finding(f.id, replace(f.to_draft(), title="Stale"), f.version - 1 if f.version > 1 else 99)
    with pytest.raises(ValidationError):  # refused after the history row's read of the old state: no row
        service.update_finding(f.id, replace(f.to_draft(), title=""), f.version)
    assert _rows(service) == before
    _edit(service, f.id, statement="A new statement.")
    assert _rows(service) == before + 1


def test_restoring_a_version_is_a_versioned_edit_and_a_row_of_its_own(service: BriefingService) -> None:
    f = service.list_findings(section="cost")[0]
    first = _edit(service, f.id, title="One")
    second = _edit(service, f.id, title="Two", tags="x, y")
    entry = service.finding_history(f.id)[0]
    with pytest.raises(ConflictError):  # someone saved since the version the restorer saw
        service.restore_version(f.id, entry.id, first.version)
    back = service.restore_version(f.id, entry.id, second.version)
    assert back.title == "One" and back.tags == f.tags and back.version == second.version + 1
    last = service.finding_history(f.id)[-1]
    assert ("title", "Two", "One") in [(c.field, c.before, c.after) for c in last.changes]


def _cli(db: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefing", "--db", db, *args], capture_output=True, text=True,
                          env={**os.environ, "BRIEFING_SERVER": "off", **(env or {})}, timeout=120, check=False)


def test_findings_history_prints_text_and_json(seeded_db: Path) -> None:
    db = str(seeded_db)
    assert _cli(db, "findings", "edit", "1", "--title", "A title from the CLI").returncode == 0
    r = _cli(db, "findings", "history", "1")
    assert r.returncode == 0, r.stderr
    assert " edit " in r.stdout and "→  A title from the CLI" in r.stdout and "UTC" in r.stdout
    r = _cli(db, "findings", "history", "1", "--json")
    records = json.loads(r.stdout)
    assert records[0]["action"] == "edit" and records[0]["at"].endswith("+00:00")
    assert records[0]["changes"][0]["field"] == "title" and records[0]["changes"][0]["after"] == "A title from the CLI"
    r = _cli(db, "findings", "history", "99999")
    assert r.returncode != 0 and "99999" in r.stderr and len(r.stderr.strip().splitlines()) == 1


# ---- PostgreSQL: two analysts, two roles


def test_on_postgresql_two_roles_edits_show_both_with_diffs(pg_cluster, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    name = pg_url.rsplit("/", 1)[1]
    for role in ("alice", "bob"):
        pg_cluster.role(role)
        pg_cluster.grant(name, role)
    alice = open_service(pg_url.replace("briefing@", "alice@"))
    bob = open_service(pg_url.replace("briefing@", "bob@"))
    alice.history_who = bob.history_who = "database"
    try:
        _life_of_a_finding(alice)
        f = alice.list_findings(section="cost")[0]
        _edit(alice, f.id, title="Alice's title")
        _edit(bob, f.id, statement="Bob's statement.")
        entries = bob.finding_history(f.id)
        assert [(e.who, e.action) for e in entries] == [("alice", "edit"), ("bob", "edit")]
        assert [c.field for c in entries[0].changes] == ["title"] and entries[0].changes[0].after == "Alice's title"
        assert [c.field for c in entries[1].changes] == ["statement"]
        r = _cli(pg_url, "findings", "history", str(f.id), "--json")
        assert [e["who"] for e in json.loads(r.stdout)] == ["alice", "bob"]
    finally:
        alice.close()
        bob.close()


def test_db_copy_carries_the_history_both_ways(pg_cluster, seeded_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from briefing.services import copy_library

    svc = open_service(seeded_db)
    try:
        _life_of_a_finding(svc)
        ours = [(e.action, e.who, e.at, e.changes) for e in svc.finding_history(104)]
    finally:
        svc.close()
    name = "history_copy"
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_cluster.admin(f"CREATE DATABASE {name}")
    try:
        counts, _ = copy_library(seeded_db, pg_cluster.url(name))
        assert counts["finding_history"] == 4
        back = tmp_path / "back.sqlite3"
        copy_library(pg_cluster.url(name), back)
        for url in (pg_cluster.url(name), str(back)):
            other = open_service(url)
            try:
                assert [(e.action, e.who, e.at, e.changes) for e in other.finding_history(104)] == ours
                _edit(other, 104, title="After the copy")  # the id sequence moved past the copied rows
                assert other.finding_history(104)[-1].id == 5
            finally:
                other.close()
    finally:
        pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
