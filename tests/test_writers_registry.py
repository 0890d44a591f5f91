"""The registry loads writers lazily; export() writes safely, reports progress, honours cancel."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from briefing.document.samples import kitchen_sink
from briefing.writers import (
    FORMATS,
    ExportCancelled,
    ExportError,
    WriteOptions,
    export,
    get_writer,
    writer_info,
)
from briefing.writers.placeholder import placeholder_chart

OPTIONS = WriteOptions(render_chart=placeholder_chart)


def test_formats_and_lookup() -> None:
    assert FORMATS == ("pdf", "docx", "md")
    assert writer_info("docx").extension == "docx"
    for fmt in FORMATS:
        assert callable(get_writer(fmt))
    with pytest.raises(ExportError, match="pdf, docx, md"):
        get_writer("odt")


def test_importing_the_registry_loads_no_writer() -> None:
    code = ("import sys, briefing.writers, briefing.compose, briefing.document; "
            "bad = [m for m in ('reportlab', 'docx', 'pypdf', 'matplotlib', 'PySide6') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_writes_the_file(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"out.{fmt}"
    seen: list[tuple[float, str]] = []
    result = export(kitchen_sink(hostile=False), fmt, target, OPTIONS, lambda f, m: seen.append((f, m)))
    assert result.path == target and result.size == target.stat().st_size > 1000
    assert result.format == fmt and "A warning carried from compose" in result.warnings
    assert [f for f, _ in seen] == sorted(f for f, _ in seen) and seen[-1][0] == 1.0
    assert all(isinstance(m, str) and m for _, m in seen)
    assert target.stat().st_mode & 0o777 != 0o600  # not mkstemp's private mode
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temp files left behind


def test_a_cancelled_export_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "briefing.pdf"
    target.write_bytes(b"previous version")
    with pytest.raises(ExportCancelled):
        export(kitchen_sink(), "pdf", target, replace(OPTIONS, cancelled=lambda: True))
    assert target.read_bytes() == b"previous version"
    assert [p.name for p in tmp_path.iterdir()] == ["briefing.pdf"]


def test_a_failing_writer_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "briefing.docx"
    target.write_bytes(b"previous version")

    import briefing.writers.safe as safe

    def failing_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safe.os, "replace", failing_replace)
    with pytest.raises(ExportError, match="No space left on device"):
        export(kitchen_sink(hostile=False), "docx", target, OPTIONS)
    monkeypatch.undo()
    assert target.read_bytes() == b"previous version"
    assert [p.name for p in tmp_path.iterdir()] == ["briefing.docx"]


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "folder" / "b.pdf"
    with pytest.raises(ExportError) as info:
        export(kitchen_sink(), "pdf", target, OPTIONS)
    assert str(target.parent) in str(info.value) and "does not exist" in str(info.value)
    assert info.value.path == target


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(ExportError, match="not writable"):
            export(kitchen_sink(), "pdf", folder / "b.pdf", OPTIONS)
    finally:
        folder.chmod(0o755)


def test_a_folder_as_target_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "taken.pdf").mkdir()
    with pytest.raises(ExportError, match="folder"):
        export(kitchen_sink(), "pdf", tmp_path / "taken.pdf", OPTIONS)


def test_unknown_format_is_an_export_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="Unknown format"):
        export(kitchen_sink(), "rtf", tmp_path / "x.rtf", OPTIONS)
