"""`python -m briefing.gui.screenshots`: render each screen offscreen into docs/screenshots/: at 1440×900
in a light palette (`findings.png`, …), the same in a dark palette (`findings-dark.png`, …) and at
1280×720 (`findings-1280x720.png`, …).

Runs on a throwaway seeded database, settings file and cache, so the user's own are never touched.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from briefing.gui.main_window import MainWindow

SIZE = (1440, 900)
SCREENS = ("findings", "finding-editor", "sources", "charts", "briefing")
# name: (file name suffix, window size, dark palette)
VARIANTS: dict[str, tuple[str, tuple[int, int], bool]] = {
    "light": ("", SIZE, False),
    "dark": ("-dark", SIZE, True),
    "small": ("-1280x720", (1280, 720), False),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    )
    parser.add_argument("--only", nargs="*", choices=sorted(VARIANTS), default=list(VARIANTS),
                        help="render only these variants (default: all)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="briefing-shots-") as tmp:
        os.environ["BRIEFING_CACHE"] = str(Path(tmp) / "cache")
        for name in args.only:
            suffix, size, dark = VARIANTS[name]
            _run(Path(tmp) / name, args.out, suffix=suffix, size=size, dark=dark)
    return 0


def _run(tmp: Path, out: Path, *, suffix: str, size: tuple[int, int], dark: bool) -> int:
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from briefing.gui import dialogs
    from briefing.gui.app import create_application
    from briefing.gui.main_window import MainWindow
    from briefing.gui.settings import Settings
    from briefing.services import open_service

    tmp.mkdir(parents=True, exist_ok=True)
    app = create_application(["briefing-screenshots"])
    # Before the window exists, as a system palette would be at a real start.
    if dark:
        _apply_dark(app)
    else:
        QApplication.setPalette(QApplication.style().standardPalette())
    QCoreApplication.setOrganizationName("BriefingScreenshots")
    settings = Settings(QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))
    settings.author = "Research desk"
    # Nothing may block: a dialog in a screenshot run is a bug, so say so and go on.
    def show_error(parent: QWidget | None, title: str, summary: str, details: str = "") -> None:
        print(f"error: {title}: {summary}\n{details}", file=sys.stderr)

    dialogs.show_error = show_error
    service = open_service(tmp / "briefing.sqlite3")
    window = MainWindow(settings)
    window.resize(*size)
    window.show()
    window.attach_service(service, label="briefing.sqlite3")
    window.resize(*size)
    findings, sources, charts, briefing_panel = window.findings, window.sources, window.charts, window.briefing
    assert findings and sources and charts and briefing_panel
    out.mkdir(parents=True, exist_ok=True)

    def shoot(name: str) -> None:
        _settle(app, window)
        path = out / f"{name}{suffix}.png"
        window.grab().save(str(path))
        window.statusBar().clearMessage()  # the next screen should not show this one's news
        print(f"wrote {path}")

    # Findings: the table with a finding selected and its form beside it.
    window.go("findings")
    _wait(app, lambda: findings.browser.model.rowCount() > 0)
    third = findings.browser.model.finding(2)
    assert third is not None, "the seeded database has more than two findings"
    findings.browser.select_id(third.id)
    shoot("findings")

    # The editor: a narrower table, the form wide, a bad number typed and refused by the service.
    findings.splitter.setSizes([520, 920])
    editor = findings.editor
    metrics = editor._metrics
    metrics.setData(metrics.index(0, 1), "1.2 trilion")
    editor.save()
    _wait(app, lambda: bool(editor.field_error("metrics")))
    editor._metrics_view.clearSelection()
    shoot("finding-editor")
    editor.load(editor.finding())
    findings.splitter.setSizes([800, 640])

    window.go("sources")
    _wait(app, lambda: sources.model.rowCount() > 0)
    sources.view.selectRow(1)
    shoot("sources")

    window.go("charts")
    _wait(app, lambda: charts.list.count() > 0)
    charts.list.setCurrentRow(0)
    _wait(app, lambda: charts.figure() is not None, timeout=30)
    shoot("charts")

    window.go("briefing")
    _wait(app, lambda: briefing_panel.audience() is not None)
    # The report's second audience: a briefing that differs from the first (fullest) one.
    assert window.ctx is not None
    audiences = window.ctx.service.list_audiences()
    briefing_panel.set_audience(audiences[min(1, len(audiences) - 1)].key)
    _wait(
        app,
        lambda: (
            briefing_panel.pdf_document().pageCount() > 0
            and briefing_panel.preview_status.text() == "Up to date"
        ),
        timeout=60,
    )
    _pump(1.5)  # QPdfView renders pages on its own thread; give it time to paint them
    shoot("briefing")

    # The working selection: a finding left out and not saved yet, the bar that offers Save.
    from PySide6.QtCore import QPoint, Qt

    panel = briefing_panel
    second = panel.tree.item_for(panel.tree.slugs()[1])
    assert second is not None
    second.setCheckState(0, Qt.CheckState.Unchecked)
    shoot("briefing-selection")
    panel.revert_selection()
    # The audience's Details form, on its second section.
    panel.tabs.setCurrentWidget(panel.form)
    panel.form.section_list.setCurrentRow(1)
    shoot("audience-form")
    # Further down the same form: the key figures (three columns, no sideways scrolling), then the
    # sections with their buttons beside the list and the section editor.
    form = panel.form
    bar = form.scroll_area.verticalScrollBar()
    inner = form.scroll_area.widget()
    assert inner is not None, "the form lives in its scroll area"
    bar.setValue(form.figures.mapTo(inner, QPoint(0, 0)).y() - 120)
    shoot("audience-form-figures")
    bar.setValue(form.section_list.mapTo(inner, QPoint(0, 0)).y() - 40)
    shoot("audience-form-sections")
    bar.setValue(0)
    panel.tabs.setCurrentIndex(0)

    # A new chart from two findings: the proposal and the kinds that fit.
    from briefing.gui.charts.new_chart import NewChartDialog

    window.go("charts")
    dialog = NewChartDialog(list(charts._findings.values()), set(charts._specs), window)
    dialog.set_checked(["over-90pct-chinese-enterprises-use-open-source",
                        "a16z-80pct-us-startups-use-chinese-base-models"])
    dialog.title.setText("Open models in use")
    dialog.show()
    _settle(app, window)
    dialog.grab().save(str(out / f"new-chart{suffix}.png"))
    print(f"wrote {out / f'new-chart{suffix}.png'}")
    dialog.close()

    window.ops.shutdown()
    window.close()
    service.close()
    QApplication.processEvents()
    return 0


def _settle(app: object, window: MainWindow) -> None:
    """Let queued results, deferred layouts and paints land before grabbing."""
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if not window.ops.active():
            break
        time.sleep(0.02)
    for _ in range(5):
        QApplication.processEvents()


def _pump(seconds: float) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)


def _wait(app: object, done: Callable[[], bool], timeout: float = 15) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("a screen did not finish loading in time")
        QApplication.processEvents()
        time.sleep(0.01)


def _apply_dark(app: object) -> None:
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    p = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Base, "#17181a"),
        (QPalette.ColorRole.AlternateBase, "#1f2023"),
        (QPalette.ColorRole.Text, "#e8eaed"),
        (QPalette.ColorRole.Button, "#2a2b2e"),
        (QPalette.ColorRole.ButtonText, "#e8eaed"),
        (QPalette.ColorRole.Highlight, "#3b78e7"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.PlaceholderText, "#9aa0a6"),
        (QPalette.ColorRole.ToolTipBase, "#2a2b2e"),
        (QPalette.ColorRole.ToolTipText, "#e8eaed"),
    ):
        p.setColor(role, QColor(color))
    # Greyed-out text for what cannot be used now (Undo with nothing to undo, Save with nothing
    # changed), as a system dark palette has; without it disabled controls looked enabled.
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7378"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor("#242528"))
    QApplication.setPalette(p)


if __name__ == "__main__":
    sys.exit(main())
