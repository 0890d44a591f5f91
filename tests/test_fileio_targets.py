"""Files land only as regular files: devices, FIFOs, sockets and links to them are refused; a path
ending in "/" is a folder; stale temp files of ours are cleaned (issue 13, item 3)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing.fileio import UnsafeTargetError, atomic_write, clean_stale_parts, output_path


def _device(path: Path) -> Path:
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    except PermissionError:
        pytest.skip("mknod needs root")
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _socket(path: Path) -> Path:
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    s.close()
    return path


def _node_state(path: Path) -> tuple[int, int]:
    st = os.lstat(path)
    return st.st_mode, st.st_rdev


@pytest.mark.parametrize("make", [_device, _fifo, _socket])
def test_special_files_are_refused_and_left_intact(make, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    node = make(tmp_path / "n")
    before = _node_state(node)
    with pytest.raises(UnsafeTargetError) as info:
        atomic_write(node, b"data")
    assert "writes only regular files" in str(info.value) and str(node) in str(info.value)
    assert _node_state(node) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n"]  # no temp file left either


def test_a_link_to_a_special_file_is_refused(tmp_path: Path) -> None:
    r, w = os.pipe()
    try:
        link = tmp_path / "out.md"
        link.symlink_to(f"/proc/self/fd/{w}")
        with pytest.raises(UnsafeTargetError, match="symbolic link"):
            atomic_write(link, b"data")
        assert link.is_symlink()
        fifo = _fifo(tmp_path / "fifo")
        (tmp_path / "to-fifo").symlink_to(fifo)
        with pytest.raises(UnsafeTargetError, match="named pipe"):
            atomic_write(tmp_path / "to-fifo", b"data")
        (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
        with pytest.raises(UnsafeTargetError, match="nothing that exists"):
            atomic_write(tmp_path / "dangling", b"data")
        assert not (tmp_path / "nowhere").exists()
        (tmp_path / "dir-link").symlink_to(tmp_path)
        with pytest.raises(UnsafeTargetError, match="folder"):
            atomic_write(tmp_path / "dir-link", b"data")
    finally:
        os.close(r)
        os.close(w)


def test_a_link_to_a_regular_file_replaces_that_file_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real" / "briefing.md"
    real.parent.mkdir()
    real.write_bytes(b"old")
    real.chmod(0o640)
    link = tmp_path / "latest.md"
    link.symlink_to(real)
    atomic_write(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["briefing.md"]


def test_a_folder_at_the_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    with pytest.raises(UnsafeTargetError, match="a folder"):
        atomic_write(tmp_path / "d", b"x")


def test_output_path_treats_a_trailing_slash_as_a_folder_and_creates_it(tmp_path: Path) -> None:
    assert output_path(f"{tmp_path}/new/deeper/", "b.md") == tmp_path / "new" / "deeper" / "b.md"
    assert (tmp_path / "new" / "deeper").is_dir()
    assert output_path(str(tmp_path / "new"), "b.md") == tmp_path / "new" / "b.md"  # an existing folder
    assert output_path(str(tmp_path / "file.md"), "b.md") == tmp_path / "file.md"
    assert not (tmp_path / "file.md").exists()


def test_stale_temp_files_of_dead_writers_are_cleaned(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True).stdout.strip()
    old = time.time() - 120
    stale = tmp_path / f".briefing.pdf.{dead}.abcd1234.part"
    fresh_dead = tmp_path / f".briefing.pdf.{dead}.efgh5678.part"  # its writer may be another host's
    live = tmp_path / f".other.docx.{os.getpid()}.ijkl9012.part"
    ancient_live = tmp_path / f".x.json.{os.getpid()}.mnop3456.part"
    not_ours = tmp_path / ".notes.part"
    for p in (stale, fresh_dead, live, ancient_live, not_ours):
        p.write_bytes(b"partial")
    for p in (stale, live, not_ours):
        os.utime(p, (old, old))
    day_old = time.time() - 2 * 24 * 3600
    os.utime(ancient_live, (day_old, day_old))
    os.utime(not_ours, (day_old, day_old))
    atomic_write(tmp_path / "briefing.pdf", b"%PDF")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["briefing.pdf", fresh_dead.name, live.name, not_ours.name])
    assert clean_stale_parts(tmp_path, now=time.time() + 3600) == [fresh_dead]


def _cli(db: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRIEFING_SERVER": "off", "BRIEFING_DB": str(db)}
    env.pop("BRIEFING_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "briefing", *args], check=False, capture_output=True, text=True,
                          env=env, timeout=300, cwd=cwd)


def test_every_command_that_writes_refuses_a_device_and_leaves_it(seeded_db: Path, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    node = _device(tmp_path / "n")
    before = _node_state(node)
    commands = [
        ("export", "--audience", "asia", "--format", "md", "-o", str(node)),
        ("findings", "export", str(tmp_path / "n.json")),
        ("db", "backup", str(node)),
        ("charts", "deck", "--chart", "training-cost", "--out", str(tmp_path / "n.pptx")),
    ]
    os.symlink(node, tmp_path / "n.json")
    os.symlink(node, tmp_path / "n.pptx")
    charts = tmp_path / "charts"
    charts.mkdir()
    _fifo(charts / "training-cost.svg")
    commands.append(("charts", "render", "--chart", "training-cost", "--format", "svg", "--out", str(charts)))
    for args in commands:
        r = _cli(seeded_db, *args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "writes only regular files" in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert _node_state(node) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["charts", "n", "n.json", "n.pptx"]
    assert [p.name for p in charts.iterdir()] == ["training-cost.svg"]
    assert stat.S_ISFIFO(os.lstat(charts / "training-cost.svg").st_mode)


def test_export_to_proc_self_fd_1_is_refused(seeded_db: Path) -> None:
    r = _cli(seeded_db, "export", "--audience", "asia", "--format", "md", "-o", "/proc/self/fd/1")
    assert r.returncode == 2 and "writes only regular files" in r.stderr, r.stderr
    assert r.stdout == ""


def test_a_trailing_slash_is_a_folder_for_every_command(seeded_db: Path, tmp_path: Path) -> None:
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    r = _cli(seeded_db, "export", "--audience", "asia", "--format", "md", "-o", "newdir/", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    written = list((tmp_path / "newdir").glob("briefing-asia-*.md"))
    assert len(written) == 1 and written[0].read_text(encoding="utf-8").strip()
    r = _cli(seeded_db, "db", "backup", "backups/", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    (backup,) = (tmp_path / "backups").iterdir()
    con = sqlite3.connect(backup)
    assert con.execute("select count(*) from findings").fetchone()[0] > 50
    con.close()
    r = _cli(seeded_db, "findings", "export", "dump/", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    (dump,) = (tmp_path / "dump").iterdir()
    assert dump.suffix == ".json" and json.loads(dump.read_text(encoding="utf-8"))["findings"]
    r = _cli(seeded_db, "charts", "deck", "--chart", "training-cost", "--out", "decks/", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    (deck,) = (tmp_path / "decks").iterdir()
    assert deck.suffix == ".pptx"
    assert not (tmp_path / "newdir").is_file() and sorted(p.name for p in tmp_path.iterdir()) == [
        "backups", "decks", "dump", "newdir"]
