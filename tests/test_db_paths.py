"""Database paths with non-ASCII letters or `%` (issue 13, item 1): every command, the service, the app."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.store.engine import DB_FILENAME

ODD_FOLDERS = ["josé", "50% off", "100%25 %(x)s"]


def run(env_extra: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRIEFING_SERVER": "off", **env_extra}
    env.pop("BRIEFING_DEBUG", None)
    env.pop("BRIEFING_DB", None)
    return subprocess.run([sys.executable, "-m", "briefing", *args], check=False, capture_output=True, text=True,
                          env=env, timeout=180, cwd=cwd)


@pytest.mark.parametrize("folder", ODD_FOLDERS)
def test_every_command_works_with_the_default_database_under_an_odd_data_home(
    folder: str, seeded_template: Path, tmp_path: Path
) -> None:
    data_home = tmp_path / folder
    db = data_home / "Briefing" / DB_FILENAME
    db.parent.mkdir(parents=True)
    shutil.copyfile(seeded_template, db)
    env = {"XDG_DATA_HOME": str(data_home)}
    out = tmp_path / folder / "out"
    out.mkdir()
    commands: list[tuple[str, ...]] = [
        ("db", "path"),
        ("findings", "list"),
        ("findings", "show", "1"),
        ("findings", "add", "--slug", "odd-path", "--title", "Odd path", "--statement", "Saved.",
         "--section", "cost"),
        ("findings", "export", str(out / "all.json")),
        ("sources", "list"),
        ("audiences", "list"),
        ("charts", "list"),
        ("export", "--audience", "asia", "--format", "md", "-o", str(out / "b.md")),
        ("db", "backup", str(out / "backup.sqlite3")),
        ("findings", "import", str(out / "all.json")),
        ("charts", "render", "--chart", "training-cost", "--format", "svg", "--out", str(out)),
        ("findings", "delete", "odd-path", "--yes"),
    ]
    for args in commands:
        r = run(env, *args)
        assert r.returncode == 0, (args, r.stderr)
        assert "unexpected error" not in r.stderr
    assert run(env, "db", "path").stdout.strip() == str(db)
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from findings where slug='odd-path'").fetchone() == (0,)  # deleted last
    con.close()
    assert (out / "training-cost.svg").is_file()
    assert (out / "b.md").read_text(encoding="utf-8").strip()
    backup = sqlite3.connect(out / "backup.sqlite3")
    assert backup.execute("select count(*) from findings where slug='odd-path'").fetchone() == (1,)
    backup.close()


@pytest.mark.parametrize("folder", ODD_FOLDERS)
def test_a_fresh_database_is_created_and_seeded_under_an_odd_data_home(folder: str, tmp_path: Path) -> None:
    data_home = tmp_path / folder
    r = run({"XDG_DATA_HOME": str(data_home)}, "findings", "list", "--section", "chips")
    assert r.returncode == 0, r.stderr
    assert "Ascend" in r.stdout
    assert (data_home / "Briefing" / DB_FILENAME).is_file()


def test_db_flag_with_a_percent_folder_relative_to_the_working_folder(tmp_path: Path) -> None:
    (tmp_path / "50% off").mkdir()
    r = run({}, "--db", "50% off/x.sqlite", "findings", "list", "--section", "chips", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Ascend" in r.stdout
    assert (tmp_path / "50% off" / "x.sqlite").is_file()


@pytest.mark.parametrize("folder", ODD_FOLDERS)
def test_open_service_on_odd_paths(folder: str, tmp_path: Path) -> None:
    from briefing.services import open_service

    path = tmp_path / folder / "b.sqlite3"
    svc = open_service(path)
    try:
        assert svc.count_findings() > 50
        assert svc.db.current_revision() is not None
    finally:
        svc.close()
    # And through BRIEFING_DB-style resolution of a URL that SQLAlchemy percent-encodes.
    from briefing.store.engine import Database, resolve_url

    db = Database(resolve_url(str(path)))
    try:
        db.downgrade("0002")
        db.upgrade()  # the migrations themselves run on the odd path
        assert db.current_revision() is not None
    finally:
        db.dispose()


def test_a_failed_first_open_leaves_no_stub_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.store.engine import Database, resolve_url

    def broken_upgrade(self: Database, revision: str = "head") -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Database, "upgrade", broken_upgrade)
    path = tmp_path / "josé" / "new.sqlite3"
    with pytest.raises(OSError):
        Database(resolve_url(str(path)))
    assert not path.exists() and not path.parent.exists()  # neither the file nor the folder made for it
    assert tmp_path.is_dir()

