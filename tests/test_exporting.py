"""The export process: jobs run in a child, progress comes back, errors cross intact, cancel works."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.domain.errors import NotFoundError
from briefing.exporting import ExportJob, ExportProcess
from briefing.writers import ExportCancelled


@pytest.fixture(scope="module")
def process():
    proc = ExportProcess()
    yield proc
    proc.shutdown()


def test_a_job_writes_the_briefing_and_reports_progress(process, seeded_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "asia.pdf"
    seen: list[tuple[float, str]] = []
    outcome = process.run(ExportJob(f"sqlite:///{seeded_db}", "asia", "pdf", str(target), "Desk"),
                          progress=lambda f, m: seen.append((f, m)))
    assert Path(outcome.path) == target and outcome.size == target.stat().st_size
    reader = PdfReader(str(target))
    assert len(reader.pages) > 1 and reader.metadata.author == "Desk"
    assert seen and seen[-1][0] == pytest.approx(1.0) and all(0 <= f <= 1 for f, _ in seen)


def test_errors_cross_the_process_boundary_whole(process, seeded_db: Path, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        process.run(ExportJob(f"sqlite:///{seeded_db}", "martians", "pdf", str(tmp_path / "x.pdf")))
    assert info.value.kind == "audience" and info.value.key == "martians"
    assert not (tmp_path / "x.pdf").exists()


def test_cancel_leaves_the_previous_file(process, seeded_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "full.docx"
    target.write_bytes(b"previous version")
    with pytest.raises(ExportCancelled):
        process.run(ExportJob(f"sqlite:///{seeded_db}", "full", "docx", str(target)), cancelled=lambda: True)
    assert target.read_bytes() == b"previous version"
