"""The user's preferences and window state, typed, over one QSettings handed in by the app."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QSettings, QStandardPaths, Signal


class Settings(QObject):
    """Typed accessors; the QSettings behind it decides where they live (tests pass an INI file)."""

    # ---- Signals
    sig_changed = Signal(str)
    """A preference changed; carries its key."""

    def __init__(self, store: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store

    # ---- Public API: preferences
    @property
    def author(self) -> str:
        return str(self._store.value("briefing/author", "") or "")

    @author.setter
    def author(self, value: str) -> None:
        self._set("briefing/author", value.strip())

    @property
    def history_who(self) -> str:
        """Whose name a finding's history records: "os" (the logged-in user) or "database" (the
        server's role; SQLite has none, so the OS user there)."""
        value = str(self._store.value("team/history_who", "os") or "os")
        return value if value in ("os", "database") else "os"

    @history_who.setter
    def history_who(self, value: str) -> None:
        self._set("team/history_who", value)

    @property
    def export_folder(self) -> str:
        """Where export dialogs start: the last folder used, else the default, else Documents."""
        value = str(self._store.value("export/folder", "") or "")
        if value and Path(value).is_dir():
            return value
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return docs or str(Path.home())

    @export_folder.setter
    def export_folder(self, value: str) -> None:
        self._set("export/folder", value)

    @property
    def last_audience(self) -> str:
        return str(self._store.value("briefing/audience", "") or "")

    @last_audience.setter
    def last_audience(self, value: str) -> None:
        self._set("briefing/audience", value)

    @property
    def preview_delay_ms(self) -> int:
        """Quiet time after the last change before the briefing preview is rebuilt."""
        try:
            return max(100, int(str(self._store.value("briefing/preview_delay_ms", 600))))
        except (TypeError, ValueError):
            return 600

    @preview_delay_ms.setter
    def preview_delay_ms(self, value: int) -> None:
        self._set("briefing/preview_delay_ms", int(value))

    @property
    def chart_export_format(self) -> str:
        value = str(self._store.value("charts/export_format", "png") or "png")
        return value if value in ("png", "svg", "pdf", "pptx") else "png"

    @chart_export_format.setter
    def chart_export_format(self, value: str) -> None:
        self._set("charts/export_format", value)

    # ---- Public API: window state
    def geometry(self, name: str) -> QByteArray | None:
        value = self._store.value(f"window/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, name: str, value: QByteArray) -> None:
        self._store.setValue(f"window/{name}", value)

    def text(self, key: str, default: str = "") -> str:
        return str(self._store.value(key, default) or default)

    def set_text(self, key: str, value: str) -> None:
        self._set(key, value)

    def sync(self) -> None:
        self._store.sync()

    # ---- Internals
    def _set(self, key: str, value: object) -> None:
        if self._store.value(key) == value:
            return
        self._store.setValue(key, value)
        self.sig_changed.emit(key)
