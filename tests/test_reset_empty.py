"""`db reset --yes` without --seed stays empty: the next command does not re-seed (issue 13, item 5)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRIEFING_SERVER": "off", "BRIEFING_DB": str(db)}
    env.pop("BRIEFING_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "briefing", *args], check=False, capture_output=True, text=True,
                          env=env, timeout=120)


def _count(db: Path, table: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.close()


def test_reset_without_seed_then_import_holds_only_the_import(seeded_db: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"findings": [{"slug": "mine", "title": "Mine", "statement": "Only this.",
                                              "section": "cost"}]}), encoding="utf-8")
    r = _cli(seeded_db, "db", "reset", "--yes")
    assert r.returncode == 0 and "0 finding(s) now" in r.stdout, r.stderr
    r = _cli(seeded_db, "findings", "list", "--json")
    assert r.returncode == 0 and json.loads(r.stdout) == [], r.stderr
    r = _cli(seeded_db, "findings", "import", str(mine))
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(seeded_db)
    assert con.execute("select slug from findings").fetchall() == [("mine",)]
    con.close()
    assert _count(seeded_db, "sources") == 0 and _count(seeded_db, "charts") == 0


def test_reset_without_seed_stays_empty_on_reopen_and_reset_with_seed_restores(service) -> None:  # type: ignore[no-untyped-def]
    from briefing.services import open_service

    n = service.count_findings()
    url = service.db.url.database
    service.reset(seed=False)
    for _ in range(2):
        again = open_service(url)
        try:
            assert again.count_findings() == 0 and again.list_audiences() == []
        finally:
            again.close()
    service.reset(seed=True)
    assert service.count_findings() == n
    # And a seeded database whose findings were all deleted by hand is not re-seeded either.
    for f in service.list_findings():
        service.delete_finding(f.id)
    again = open_service(url)
    try:
        assert again.count_findings() == 0
    finally:
        again.close()
