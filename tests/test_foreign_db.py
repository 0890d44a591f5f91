"""A SQLite file that is not a Briefing database is never changed (issue 13, item 7)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.store.engine import APPLICATION_ID, NotBriefingDatabaseError


def _foreign(path: Path, *, wal: bool = False, app_id: int = 0) -> Path:
    con = sqlite3.connect(path)
    if wal:
        con.execute("PRAGMA journal_mode=WAL")
    if app_id:
        con.execute(f"PRAGMA application_id={app_id}")
    con.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    con.executemany("INSERT INTO contacts(name) VALUES (?)", [("Ada",), ("Grace",)])
    con.commit()
    con.close()
    return path


def _state(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRIEFING_SERVER": "off", "BRIEFING_DB": str(db)}
    env.pop("BRIEFING_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "briefing", *args], check=False, capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.mark.parametrize("kind", ["plain", "wal", "other-app-id"])
def test_a_foreign_sqlite_file_is_refused_and_its_bytes_unchanged(kind: str, tmp_path: Path) -> None:
    from briefing.services import open_service

    folder = tmp_path / "other"
    folder.mkdir()
    path = _foreign(folder / "contacts.db", wal=kind == "wal", app_id=0x1234 if kind == "other-app-id" else 0)
    before = _state(folder)
    with pytest.raises(NotBriefingDatabaseError) as info:
        open_service(path)
    assert str(path) in str(info.value) and "untouched" in str(info.value)
    assert _state(folder) == before
    r = _cli(path, "findings", "list")
    assert r.returncode == 2 and "untouched" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert _state(folder) == before
    con = sqlite3.connect(path)
    tables = {n for (n,) in con.execute("select name from sqlite_master where type='table'")}
    assert tables == {"contacts"}
    con.close()


def test_a_file_that_is_not_sqlite_is_refused_unchanged(tmp_path: Path) -> None:
    from briefing.services import open_service

    path = tmp_path / "notes.txt"
    data = os.urandom(8192)
    path.write_bytes(data)
    with pytest.raises(NotBriefingDatabaseError):
        open_service(path)
    assert path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_new_database_carries_the_application_id(tmp_path: Path) -> None:
    from briefing.services import open_service

    path = tmp_path / "new.sqlite3"
    open_service(path, seed=False).close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    con.close()


def test_an_earlier_briefing_database_without_the_id_is_accepted_and_stamped(seeded_template: Path,
                                                                            tmp_path: Path) -> None:
    from briefing.services import open_service

    path = tmp_path / "old.sqlite3"
    shutil.copyfile(seeded_template, path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA application_id=0")
    con.commit()
    n = con.execute("select count(*) from findings").fetchone()[0]
    con.close()
    svc = open_service(path)
    try:
        assert svc.count_findings() == n
    finally:
        svc.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    con.close()


def test_an_empty_file_is_a_new_database(tmp_path: Path) -> None:
    from briefing.services import open_service

    path = tmp_path / "empty.sqlite3"
    path.touch()
    svc = open_service(path, seed=False)
    try:
        assert svc.count_findings() == 0
    finally:
        svc.close()
