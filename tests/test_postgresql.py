"""PostgreSQL as a first-class engine, on the session's throwaway cluster: migrations from the same
scripts, exact decimals, timestamps with time zone, search equal to SQLite's FTS5 on the seed,
the CLI end to end, and one-line errors that name the server and never the password."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from briefing.domain.errors import ConflictError, DatabaseError
from briefing.domain.model import FindingDraft, MetricDraft
from briefing.services import open_service
from briefing.store.engine import SCHEMA_HEAD, Database


@pytest.fixture
def empty_pg(pg_cluster):  # type: ignore[no-untyped-def]
    """A database with nothing in it (not even a schema)."""
    name = "empty_for_test"
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_cluster.admin(f"CREATE DATABASE {name}")
    yield pg_cluster.url(name)
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _diff(db: Database) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from briefing.store.models import Base

    def hand_made(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
        # findings_search and its GIN index are created by hand in 0004 (no model: raw SQL keeps them).
        return not (name and name.startswith(("findings_search", "ix_findings_search")))

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": hand_made, "compare_type": True})
        return compare_metadata(ctx, Base.metadata)


def test_the_same_migrations_build_the_models_schema_on_postgresql_and_go_down_and_up(empty_pg: str) -> None:
    db = Database(empty_pg)
    try:
        assert db.current_revision() == SCHEMA_HEAD
        assert _diff(db) == []
        assert db.has_fts()
        with db.engine.connect() as conn:
            kinds = dict(conn.execute(text(
                "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
                "WHERE column_name IN ('created_at', 'updated_at')")).all())
            index = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_findings_search_doc'"))
            assert "USING gin (doc)" in index.scalar()
        assert kinds == dict.fromkeys(["findings.created_at", "findings.updated_at", "charts.updated_at",
                                       "reports.created_at"],
                                      "timestamp with time zone")
        db.downgrade("base")
        with db.engine.connect() as conn:
            left = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        assert set(left) <= {"alembic_version"}
        db.upgrade()
        assert _diff(db) == [] and db.has_fts()
    finally:
        db.dispose()


def test_decimals_round_trip_exactly_on_postgresql(pg_service) -> None:  # type: ignore[no-untyped-def]
    values = ["123456789012345678901234.5678", "0.000000000000000000000001", "-42.10"]
    draft = FindingDraft(title="Exact numbers", statement="Numbers kept exactly.", section="cost",
                         kind="estimate", metrics=tuple(MetricDraft(label=f"m{i}", value=v)
                                                        for i, v in enumerate(values)))
    f = pg_service.create_finding(draft)
    got = [m.value for m in pg_service.get_finding(f.id).metrics]
    assert got == [Decimal(v) for v in values]
    assert [format(v, "f") for v in got] == values  # the digits themselves, trailing zero included
    with pg_service.db.engine.connect() as conn:
        stored = conn.execute(text("SELECT value FROM metrics WHERE finding_id = :f ORDER BY position"),
                              {"f": f.id}).scalars().all()
    assert stored == values


def test_timestamps_are_utc_whatever_the_servers_time_zone(pg_cluster, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    name = pg_url.rsplit("/", 1)[1]
    pg_cluster.admin(f"ALTER DATABASE {name} SET timezone = 'Pacific/Auckland'")
    svc = open_service(pg_url)
    try:
        before = datetime.now(UTC).replace(tzinfo=None)
        f = svc.create_finding(FindingDraft(title="Time", statement="When.", section="cost", kind="estimate"))
        after = datetime.now(UTC).replace(tzinfo=None)
        assert f.updated_at.tzinfo is None and before - timedelta(seconds=1) <= f.updated_at <= after
        with svc.db.engine.connect() as conn:
            zone = conn.execute(text("SHOW timezone")).scalar()
            utc = conn.execute(text("SELECT updated_at AT TIME ZONE 'UTC' FROM findings WHERE id = :i"),
                               {"i": f.id}).scalar()
        assert zone == "Pacific/Auckland" and utc == f.updated_at
    finally:
        svc.close()


# ---- Search: the same queries on the seed give the same findings on both engines

QUERIES = [
    "deepseek", "DeepSeek price", "deep seek", "open router", "prices", "pricing", "pric", "chips",
    "chip", "Huawei Ascend", "companies", "company", "China’s a", "tokens week", "r1", "2026",
    "cost advantage structural", "ipo hong kong", "Café", "词元", "no-such-word-anywhere",
    "open-source", "GPT", "1/180th", "a_b", "minimax doubled", "$0.028", "the", "s", "x",
]


@pytest.fixture(scope="module")
def both_engines(pg_cluster, pg_seeded_template, seeded_template):  # type: ignore[no-untyped-def]
    """The seed on SQLite and on PostgreSQL, opened read-only by the search tests of this module."""
    name = "search_compare"
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_cluster.admin(f"CREATE DATABASE {name} TEMPLATE {pg_seeded_template}")
    sqlite, pg = open_service(seeded_template), open_service(pg_cluster.url(name))
    yield sqlite, pg
    sqlite.close()
    pg.close()
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_the_seed_is_the_same_on_both_engines(both_engines) -> None:  # type: ignore[no-untyped-def]
    sqlite, pg = both_engines
    def strip(f: Any) -> tuple[Any, ...]:
        return (f.slug, f.title, f.statement, f.tags, f.metrics, f.wordings, f.sources)

    assert [strip(f) for f in sqlite.list_findings()] == [strip(f) for f in pg.list_findings()]
    assert pg.db.has_fts() and pg.db.is_postgresql


@pytest.mark.parametrize("query", QUERIES)
def test_search_gives_the_same_findings_on_both_engines(both_engines, query: str) -> None:  # type: ignore[no-untyped-def]
    sqlite, pg = both_engines
    ranked_sqlite, ranked_pg = sqlite.search_ids(query, limit=None), pg.search_ids(query, limit=None)
    assert set(ranked_pg) == set(ranked_sqlite)
    # In report order the lists are equal element for element, filters included.
    for filters in ({}, {"section": "cost"}, {"kind": "reported"}, {"tag": "deepseek"}):
        assert ([f.id for f in pg.list_findings(search=query, order="report", **filters)]
                == [f.id for f in sqlite.list_findings(search=query, order="report", **filters)])


def test_enough_queries_match_something_for_the_comparison_to_mean_anything(both_engines) -> None:  # type: ignore[no-untyped-def]
    sqlite, _ = both_engines
    hits = {q: len(sqlite.search_ids(q, limit=None)) for q in QUERIES}
    assert sum(1 for n in hits.values() if n) >= 20, hits
    assert hits["no-such-word-anywhere"] == 0


def test_ranking_puts_a_title_match_first_on_postgresql(both_engines) -> None:  # type: ignore[no-untyped-def]
    _, pg = both_engines
    top = pg.list_findings(search="MiniMax doubled", limit=1)[0]
    assert "MiniMax" in top.title and "doubled" in top.title


def test_postgresql_search_reads_the_gin_index(both_engines) -> None:  # type: ignore[no-untyped-def]
    from briefing.store import fts

    _, pg = both_engines
    with pg.db.engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))  # the seed is small: make the planner show it can
        plan = "\n".join(conn.execute(text("EXPLAIN SELECT finding_id FROM findings_search "
                                           "WHERE doc @@ CAST(:q AS tsquery)"),
                                      {"q": fts.pg_tsquery("deep seek")}).scalars())
    assert "ix_findings_search_doc" in plan


def test_the_index_follows_edits_in_the_same_transaction(pg_service) -> None:  # type: ignore[no-untyped-def]
    f = pg_service.list_findings(section="cost")[0]
    pg_service.update_finding(f.id, FindingDraft(**{**f.to_draft().__dict__, "title": "Zanzibarian pricing"}),
                              f.version)
    assert pg_service.search_ids("zanzibar") == [f.id]
    # A refused edit (stale version) leaves the index as the record: nothing half-written.
    with pytest.raises(ConflictError):
        pg_service.update_finding(f.id, FindingDraft(**{**f.to_draft().__dict__, "title": "Quetzal"}), f.version)
    assert pg_service.search_ids("quetzal") == [] and pg_service.search_ids("zanzibar") == [f.id]
    gone = pg_service.delete_finding(f.id)
    assert pg_service.search_ids("zanzibar") == []
    pg_service.restore_finding(gone)
    assert pg_service.search_ids("zanzibar") == [f.id]


# ---- Faults: one line naming the server, never the password; nothing written


def test_an_unreachable_server_is_one_line_naming_it_without_the_password(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens once closed
    with pytest.raises(DatabaseError) as err:
        Database(f"postgresql+psycopg://analyst:s3cret-pw@127.0.0.1:{port}/desk")
    message = str(err.value)
    assert f"127.0.0.1:{port}/desk" in message and "s3cret-pw" not in message and "\n" not in message
    with pytest.raises(DatabaseError) as err:
        Database(pg_cluster.url("no_such_database").replace("briefing@", "briefing:pw@"))
    assert "no_such_database" in str(err.value) and "pw@" not in str(err.value)


def test_a_connection_dropped_between_saves_is_reconnected(pg_cluster, pg_service) -> None:  # type: ignore[no-untyped-def]
    f = pg_service.list_findings(section="cost")[0]
    name = pg_service.db.url.database
    with pg_service.db.engine.connect() as conn:  # a connection in the pool, then killed by the server
        conn.execute(text("SELECT 1"))
    pg_cluster.admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    saved = pg_service.update_finding(f.id, FindingDraft(**{**f.to_draft().__dict__, "title": "After a drop"}),
                                      f.version)
    assert saved.title == "After a drop" and saved.version == f.version + 1


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_database_at_a_newer_schema_is_refused_by_name_untouched(engine: str, request, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = request.getfixturevalue("pg_url") if engine == "postgresql" else f"sqlite:///{tmp_path / 'new.db'}"
    db = Database(url)
    with db.writing() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        before = s.execute(text("SELECT count(*) FROM findings")).scalar()
    db.dispose()
    with pytest.raises(DatabaseError, match=r"newer version of Briefing \(schema 9999"):
        open_service(url)
    db = Database(url, migrate=False)
    with db.reading() as s:
        assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
        assert s.execute(text("SELECT count(*) FROM findings")).scalar() == before
    db.dispose()


# ---- The CLI on PostgreSQL, in subprocesses, as a user would run it


def _run(url: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # A fixed clock for the manifest's generation time: exports from SQLite and PostgreSQL compare byte for byte.
    env = {**os.environ, "BRIEFING_DB": url, "BRIEFING_SERVER": "off", "SOURCE_DATE_EPOCH": "1767225600"}
    env.pop("BRIEFING_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True,
                          env=env, timeout=180, cwd=cwd, check=False)


def test_the_commands_run_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    def ok(r: subprocess.CompletedProcess[str]) -> None:
        assert r.returncode == 0, r.stderr

    ok(r := _run(pg_url, "findings", "list", "--search", "deep seek", "--json"))
    hits = json.loads(r.stdout)
    assert any("DeepSeek" in h["title"] for h in hits)
    ok(_run(pg_url, "findings", "add", "--title", "Team finding", "--statement", "Written on the server.",
            "--section", "cost", "--kind", "estimate", "--metric", "label=Price;value=$0.0280;entity=X"))
    ok(r := _run(pg_url, "findings", "show", "team-finding"))
    assert "Written on the server." in r.stdout
    ok(_run(pg_url, "findings", "edit", "team-finding", "--title", "Team finding, edited"))
    ok(r := _run(pg_url, "findings", "list", "--search", "edited", "--json"))
    assert [h["slug"] for h in json.loads(r.stdout)] == ["team-finding"]
    ok(_run(pg_url, "findings", "export", str(tmp_path / "all.json")))
    ok(_run(pg_url, "findings", "delete", "team-finding", "--yes"))
    ok(_run(pg_url, "findings", "import", str(tmp_path / "all.json")))
    ok(r := _run(pg_url, "findings", "show", "team-finding"))
    assert "0.0280" in r.stdout or "0.028" in r.stdout
    for args in (["sources", "list"], ["audiences", "list"], ["charts", "list"], ["check"],
                 ["db", "path"]):
        r = _run(pg_url, *args)
        assert r.returncode in (0, 1) and not r.stderr.startswith("briefing: unexpected"), (args, r.stderr)
    ok(_run(pg_url, "export", "--audience", "west", "--format", "pdf", "--output", str(tmp_path / "w.pdf")))
    assert (tmp_path / "w.pdf").read_bytes().startswith(b"%PDF")
    r = _run(pg_url, "db", "backup", str(tmp_path / "b.sqlite3"))
    assert r.returncode != 0 and "unexpected" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    ok(_run(pg_url, "db", "reset", "--seed", "--yes"))
    ok(r := _run(pg_url, "findings", "list", "--json"))
    assert len(json.loads(r.stdout)) == 103 and "team-finding" not in r.stdout



def test_bulk_imported_ids_come_from_the_sequence_so_later_ids_never_collide(pg_service) -> None:  # type: ignore[no-untyped-def]
    top = max(f.id for f in pg_service.list_findings())
    drafts = [(FindingDraft(title=f"Imported {n}", statement="Came in bulk.", section="cost", kind="estimate"), [])
              for n in range(3)]
    pg_service.import_records([], drafts)
    made = pg_service.create_finding(FindingDraft(title="Typed after", statement="By hand.", section="cost",
                                                  kind="estimate"))
    ids = [f.id for f in pg_service.list_findings() if f.title.startswith(("Imported", "Typed after"))]
    assert len(set(ids)) == 4 and min(ids) > top and made.id == max(ids)


# ---- Live refresh: LISTEN/NOTIFY moves the change counter of every open app


def test_the_change_counter_moves_within_a_second_when_another_app_commits(pg_url: str) -> None:
    import time

    mine, theirs = open_service(pg_url), open_service(pg_url)
    try:
        before = mine.change_counter()
        assert before is not None and mine.change_counter() == before  # nothing committed: still
        f = theirs.list_findings(section="cost")[0]
        theirs.update_finding(f.id, FindingDraft(**{**f.to_draft().__dict__, "title": "Theirs"}), f.version)
        committed = time.monotonic()
        while mine.change_counter() == before:
            assert time.monotonic() - committed < 1.0, "no notification within a second"
            time.sleep(0.01)
        moved = mine.change_counter()
        # A refused write (stale version) commits nothing, so it announces nothing.
        with pytest.raises(ConflictError):
            theirs.update_finding(f.id, FindingDraft(**{**f.to_draft().__dict__, "title": "X"}), f.version)
        time.sleep(0.2)
        assert mine.change_counter() == moved
        start = time.perf_counter()
        for _ in range(200):
            mine.change_counter()
        assert (time.perf_counter() - start) / 200 < 0.002  # cheap enough to poll twice a second
    finally:
        mine.close()
        theirs.close()


# ---- db copy: SQLite -> PostgreSQL -> SQLite, all or nothing, verified


def test_db_copy_moves_the_library_to_postgresql_and_back_with_identical_pdfs(
    pg_cluster, seeded_db: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    name = "copy_target"
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_cluster.admin(f"CREATE DATABASE {name}")
    pg = pg_cluster.url(name)
    try:
        r = _run(str(seeded_db), "db", "copy", "--to", pg)
        assert r.returncode == 0, r.stderr
        assert "Copied and verified" in r.stdout and "103 findings" in r.stdout
        # A second copy into the now full database is refused, and changes nothing.
        r = _run(str(seeded_db), "db", "copy", "--to", pg)
        assert r.returncode != 0 and "not empty" in r.stderr and len(r.stderr.strip().splitlines()) == 1
        back = tmp_path / "back.sqlite3"
        r = _run(str(seeded_db), "db", "copy", "--from", pg, "--to", str(back))
        assert r.returncode == 0, r.stderr
        assert "103 findings" in r.stdout and back.exists()
        # The seed report exported from SQLite and from the PostgreSQL copy: byte-identical PDFs.
        pdfs = {}
        for label, url in (("sqlite", str(seeded_db)), ("postgresql", pg)):
            out = tmp_path / f"{label}.pdf"
            r = _run(url, "export", "--audience", "investors", "--format", "pdf", "--output", str(out))
            assert r.returncode == 0, r.stderr
            pdfs[label] = out.read_bytes()
        assert pdfs["sqlite"] == pdfs["postgresql"]
        svc = open_service(pg)
        try:  # the sequences moved past the copied ids, and search works on the copy
            made = svc.create_finding(FindingDraft(title="After the copy", statement="New.", section="cost",
                                                   kind="estimate"))
            assert made.id == 104 and svc.search_ids("deep seek")
        finally:
            svc.close()
    finally:
        pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_failed_copy_leaves_the_target_as_it_was(pg_cluster, seeded_db: Path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from briefing.services import copy_library

    # A row the target's schema refuses (a title over its 300 characters) fails the copy midway.
    with sqlite3.connect(seeded_db) as conn:
        conn.execute("UPDATE findings SET title = ? WHERE id = 90", ("x" * 400,))
    name = "copy_fails"
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_cluster.admin(f"CREATE DATABASE {name}")
    try:
        with pytest.raises(DatabaseError, match=r"refused a row of findings.*nothing was written"):
            copy_library(seeded_db, pg_cluster.url(name))
        db = Database(pg_cluster.url(name))
        try:
            with db.reading() as s:
                for table in ("sources", "findings", "metrics", "audiences", "findings_search"):
                    assert s.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
        finally:
            db.dispose()
    finally:
        pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
