"""run_gui: create the application, show the window at once, then open the database in the background."""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from briefing.paths import APP_AUTHOR, APP_NAME

if TYPE_CHECKING:
    from briefing.services import BriefingService

ORGANIZATION = APP_AUTHOR
DOMAIN = "briefing.local"


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with names (for QSettings), icon, style and high-DPI policy; reuses one if it
    exists (and gives it the app's style)."""
    from briefing.gui.style import install_style

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        install_style(existing)
        return existing
    # Fractional scale factors (125 %, 150 %) render crisp instead of being rounded to 1× or 2×.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(argv if argv is not None else sys.argv[:1])
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setOrganizationDomain(DOMAIN)
    QCoreApplication.setApplicationName(APP_NAME)
    from briefing import __version__

    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("briefing")
    from briefing.gui.icons import app_icon

    app.setWindowIcon(app_icon())
    install_style(app)
    return app


def run_gui(db: str | None = None) -> int:
    """The desktop app on `db` (default: the user's database). Returns the exit code."""
    started = time.perf_counter()
    app = create_application()
    from briefing.gui.excepthook import ExceptHook
    from briefing.gui.main_window import MainWindow
    from briefing.gui.settings import Settings

    settings = Settings(QSettings())
    team = settings.text("team/url")
    if db is None and not os.environ.get("BRIEFING_DB") and team:
        # The team database chosen in "Connect to a Team Database…"; its password from the keyring.
        from briefing.gui import passwords
        from briefing.services import with_password

        db = with_password(team, passwords.lookup(team))
    window = MainWindow(settings)
    hook = ExceptHook(lambda: window)
    hook.install()
    window.show()
    services: list[BriefingService] = []

    def first_paint() -> None:
        if os.environ.get("BRIEFING_STARTUP_TRACE"):
            print(
                f"briefing: window shown after {time.perf_counter() - started:.3f} s "
                f"(epoch {time.time():.3f})",
                file=sys.stderr,
            )
        window.ops.run(
            lambda _t: _open(db),
            label="Open database",
            success=lambda result: _attached(result),
            failure=window.service_failed,
        )

    def _attached(result: tuple[BriefingService, str]) -> None:
        service, label = result
        services.append(service)
        window.attach_service(service, label=label)
        # Start the export process now, in the background, so the first export or preview
        # does not wait for it to spawn and import reportlab and matplotlib.
        exporter = window.ctx.exporter if window.ctx is not None else None
        if exporter is not None:
            window.ops.run(lambda _t: exporter.warm(), label="Prepare exports")
        if os.environ.get("BRIEFING_STARTUP_TRACE"):
            print(
                f"briefing: panels ready after {time.perf_counter() - started:.3f} s",
                file=sys.stderr,
            )

    # Zero-delay timer: runs once the event loop has painted the window for the first time.
    QTimer.singleShot(0, first_paint)
    _close_on_interrupt(window)
    try:
        code = app.exec()
    finally:
        hook.uninstall()
        for service in services:
            service.close()
    return int(code)


def _close_on_interrupt(window: QWidget) -> None:
    """Ctrl+C in the terminal, or a polite kill (SIGTERM, as at log-out), closes the window the normal
    way: settings saved, background work and the export process shut down."""
    signal.signal(signal.SIGINT, lambda *_: window.close())
    signal.signal(signal.SIGTERM, lambda *_: window.close())
    # Python only runs signal handlers between bytecodes; a idle Qt loop needs a periodic nudge.
    nudge = QTimer(window)
    nudge.timeout.connect(lambda: None)
    nudge.start(250)


def _open(db: str | None) -> tuple[BriefingService, str]:
    from briefing.services import open_service

    service = open_service(db)
    url = service.db.url
    label = os.path.basename(url.database or "") or url.render_as_string(hide_password=True)
    return service, label
