"""atomic_write: whole or nothing, with the permissions a normal save would give."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from briefing.fileio import atomic_write


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_files_get_the_umask_mode_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = tmp_path / "out.json"
        assert atomic_write(target, b"{}") == 2
        assert _mode(target) == 0o644 and target.read_bytes() == b"{}"
    finally:
        os.umask(old)


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "deck.pptx"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_write(target, b"new", durable=False)
    assert _mode(target) == 0o640 and target.read_bytes() == b"new"


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "briefing.pdf"
    target.write_bytes(b"previous")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, b"x" * 1000)
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["briefing.pdf"]
