"""DatabaseWatcher: notices commits made outside this window (another process, another window) by polling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from briefing.services import BriefingService


class DatabaseWatcher(QObject):
    """Polls the service's change counter on the GUI thread (a few microseconds on SQLite) and
    says when it moved. Commits of this window move it too: the screens' refreshes are cheap and
    leave an unchanged record alone, which is simpler than telling the two kinds of commit apart."""

    # ---- Signals
    sig_changed = Signal()
    """Someone committed to the database since the last poll."""

    INTERVAL_MS = 500

    def __init__(self, service: BriefingService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._last: int | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self.poll)

    # ---- Public API
    def start(self) -> bool:
        """Start polling; False when this database cannot tell (nothing to watch)."""
        try:
            self._last = self._service.change_counter()
        except Exception:  # noqa: BLE001 - a database that cannot answer is simply not watched
            self._last = None
        if self._last is None:
            return False
        self._timer.start()
        return True

    def stop(self) -> None:
        self._timer.stop()

    def is_watching(self) -> bool:
        return self._timer.isActive()

    def poll(self) -> None:
        try:
            now = self._service.change_counter()
        except Exception:  # noqa: BLE001 - closed or locked for a moment: try again next tick
            return
        if now is not None and now != self._last:
            self._last = now
            self.sig_changed.emit()
