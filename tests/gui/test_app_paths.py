"""The app opens a database whose path has non-ASCII letters and `%` (issue 13, item 1)."""

from __future__ import annotations

from pathlib import Path


def test_the_app_opens_a_database_under_an_odd_path(qtbot, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from briefing.gui.app import _open
    from briefing.gui.main_window import MainWindow

    service, label = _open(str(tmp_path / "50% off" / "josé" / "b.sqlite3"))
    w = MainWindow(settings)
    qtbot.addWidget(w)
    try:
        w.show()
        w.attach_service(service, label=label)
        w.go("findings")
        qtbot.waitUntil(lambda: w.findings.browser.model.rowCount() > 50 and not w.ops.active(), timeout=20_000)
        assert label == "b.sqlite3"
    finally:
        w.close()
        service.close()
