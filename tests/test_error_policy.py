"""One error policy: every failure a user can cause is one or two lines saying what is wrong and what
to do; an unexpected one also names the log file (under the user's state folder) holding the trace."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

LIBRARY_WORDS = ("Traceback", "sqlite3.", "sqlalche", "OperationalError", "DatabaseError", "CommandError",
                 "ValueError", "TypeError", "KeyError", "AttributeError", "RecursionError", "unexpected error")


def run(db: str | Path, *args: str, state: Path, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRIEFING_DB": str(db), "XDG_STATE_HOME": str(state), "BRIEFING_SERVER": "off"}
    env.pop("BRIEFING_DEBUG", None)
    return subprocess.run([*prefix, sys.executable, "-m", "briefing", *args], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def assert_clean_refusal(r: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert r.returncode != 0, r.stdout
    lines = r.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2, r.stderr
    for word in LIBRARY_WORDS:
        assert word not in r.stderr, r.stderr
    for needle in needles:
        assert needle in r.stderr, r.stderr


def test_random_bytes_database(tmp_path: Path) -> None:
    db = tmp_path / "random.sqlite3"
    db.write_bytes(os.urandom(8192))
    before = db.read_bytes()
    r = run(db, "findings", "list", state=tmp_path / "state")
    assert_clean_refusal(r, str(db), "not a Briefing database")
    assert db.read_bytes() == before


def test_truncated_database(seeded_db: Path, tmp_path: Path) -> None:
    data = seeded_db.read_bytes()
    db = tmp_path / "cut.sqlite3"
    db.write_bytes(data[: len(data) // 3])
    r = run(db, "findings", "list", state=tmp_path / "state")
    assert_clean_refusal(r, str(db))
    assert "damaged" in r.stderr or "not a Briefing database" in r.stderr


def test_database_from_a_future_schema(seeded_db: Path, tmp_path: Path) -> None:
    con = sqlite3.connect(seeded_db)
    con.execute("UPDATE alembic_version SET version_num='ffff'")
    con.commit()
    con.close()
    before = seeded_db.read_bytes()
    r = run(seeded_db, "findings", "list", state=tmp_path / "state")
    assert_clean_refusal(r, "newer version of Briefing", "ffff")
    assert seeded_db.read_bytes() == before


def test_in_memory_url_is_refused(tmp_path: Path) -> None:
    r = run("sqlite:///:memory:", "findings", "list", state=tmp_path / "state")
    assert_clean_refusal(r, "in memory", "--db")


def _without_root_powers() -> tuple[str, ...]:
    # As root every folder is writable; dropping the override capability makes permissions apply.
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("needs setpriv to drop root's override of file permissions")
    caps = "-dac_override,-dac_read_search"
    return ("setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}")


def test_read_only_folder_still_lists_and_refuses_edits_clearly(seeded_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "briefing.sqlite3"
    shutil.copyfile(seeded_db, db)
    before = db.read_bytes()
    folder.chmod(0o555)
    try:
        prefix = _without_root_powers()
        r = run(db, "findings", "list", "--section", "chips", state=tmp_path / "state", prefix=prefix)
        assert r.returncode == 0, r.stderr
        assert "Ascend" in r.stdout
        r = run(db, "findings", "add", "--title", "T", "--statement", "S", "--section", "cost",
                state=tmp_path / "state", prefix=prefix)
        assert_clean_refusal(r, str(db), "read-only")
    finally:
        folder.chmod(0o755)
    assert db.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["briefing.sqlite3"]


@pytest.mark.parametrize(
    ("doc", "needles"),
    [
        ({"findings": [1]}, ("findings[0]", "object")),
        ({"sources": "abc", "findings": []}, ("sources", "list")),
        ({"findings": [{"title": "T", "statement": "S", "section": "cost", "tags": 5}]}, ("findings[0].tags",)),
        ({"findings": [{"title": "T", "statement": "S", "section": "cost", "wordings": [1]}]},
         ("findings[0].wordings",)),
        ({"sources": [{"key": "k", "publisher": "P", "title": "T", "url": "http://[::1"}], "findings": []},
         ("sources[0].url", "web address")),
        ({"sources": [{"key": "k", "publisher": "P", "title": "T", "url": "http://exa mple.com"}], "findings": []},
         ("sources[0].url", "web address")),
    ],
)
def test_bad_import_documents(seeded_db: Path, tmp_path: Path, doc: object, needles: tuple[str, ...]) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    before = seeded_db.read_bytes()
    r = run(seeded_db, "findings", "import", str(path), state=tmp_path / "state")
    assert_clean_refusal(r, *needles)
    assert seeded_db.read_bytes() == before


def test_deeply_nested_import(seeded_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"findings": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    r = run(seeded_db, "findings", "import", str(path), state=tmp_path / "state")
    assert_clean_refusal(r, "deep.json", "nested")


def test_unexpected_errors_name_the_log_file_holding_the_trace(seeded_db: Path, tmp_path: Path) -> None:
    # A defect (not a user's mistake): the JSON lister breaks. The user sees two lines and a log path.
    from briefing.cli import main

    state = tmp_path / "state"
    code = subprocess.run(
        [sys.executable, "-c",
         ("import sys, briefing.store.transfer as t\n"
          "def broken(f): raise KeyError('internal')\n"
          "t.finding_dict = broken\n"
          "from briefing.cli import main\n"
          "sys.exit(main(['findings', 'list', '--json']))")],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "BRIEFING_DB": str(seeded_db), "XDG_STATE_HOME": str(state)},
    )
    assert code.returncode == 1
    lines = code.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2 and "Traceback" not in code.stderr, code.stderr
    log = state / "Briefing" / "log" / "briefing.log"
    assert str(log) in code.stderr
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "KeyError: 'internal'" in text and "findings list --json" in text
    assert main is not None


def test_a_cli_module_that_fails_to_import_names_the_module(seeded_db: Path, tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-c",
         ("import sys\n"
          "sys.modules['briefing.cli.export'] = None  # importing it now raises ImportError\n"
          "from briefing.cli import main\n"
          "sys.exit(main(['export', '--help']))")],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "BRIEFING_DB": str(seeded_db), "XDG_STATE_HOME": str(tmp_path / "state")},
    )
    assert r.returncode != 0
    assert "briefing.cli.export" in r.stderr and "invalid choice" not in r.stderr
    assert len(r.stderr.strip().splitlines()) <= 2 and "Traceback" not in r.stderr, r.stderr


def test_a_data_folder_that_cannot_be_made_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    env = {**os.environ, "XDG_DATA_HOME": str(blocker / "data"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "BRIEFING_SERVER": "off"}
    env.pop("BRIEFING_DB", None)
    env.pop("BRIEFING_DEBUG", None)
    for command in (["findings", "list"], ["db", "path"]):
        r = subprocess.run([sys.executable, "-m", "briefing", *command], capture_output=True, text=True,
                           env=env, timeout=120, check=False)
        assert_clean_refusal(r, str(blocker), "--db")
    assert blocker.read_text() == "in the way"
