"""The app opens a database whose path has non-ASCII letters and `%`, and its export process opens
the same file from the URL it is handed (issue 13, item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.parametrize("folder", ["50% off/josé", "100%25 %(x)s"])
def test_the_app_opens_and_exports_a_database_under_an_odd_path(qtbot, settings, script, tmp_path: Path,
                                                                folder: str) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    from briefing.gui.app import _open
    from briefing.gui.main_window import MainWindow

    service, label = _open(str(tmp_path / folder / "b.sqlite3"))
    w = MainWindow(settings)
    qtbot.addWidget(w)
    try:
        w.show()
        w.attach_service(service, label=label)
        w.go("findings")
        qtbot.waitUntil(lambda: w.findings.browser.model.rowCount() > 50 and not w.ops.active(), timeout=20_000)
        assert label == "b.sqlite3"
        assert (tmp_path / folder / "b.sqlite3").is_file()
        w.go("briefing")
        panel = w.briefing
        qtbot.waitUntil(lambda: panel.audience() is not None and panel.tree.topLevelItemCount() > 0)
        target = tmp_path / folder / "west.pdf"
        script.save_path = str(target)
        w.actions_by_key["export_pdf"].trigger()
        qtbot.waitUntil(lambda: bool(script.asked("ask_export_done")), timeout=60_000)
        assert len(PdfReader(target).pages) > 2
        qtbot.waitUntil(lambda: not panel.is_exporting() and not w.ops.active(), timeout=30_000)
    finally:
        w.close()
        service.close()
