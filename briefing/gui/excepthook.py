"""Catches every unhandled exception (GUI thread or any other) and shows it; nothing is lost silently."""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

from briefing.gui import dialogs


class ExceptHook(QObject):
    """Installed by the app; restores the previous hooks on uninstall (tests install and remove it)."""

    # ---- Signals
    sig_exception = Signal(str, str)
    """An unhandled exception: (summary, formatted traceback). Always delivered on the GUI thread."""

    def __init__(self, parent_window: Callable[[], QWidget | None] = lambda: None) -> None:
        super().__init__()
        self._parent_window = parent_window
        self._previous_sys = sys.excepthook
        self._previous_threading = threading.excepthook
        self._showing = False
        self._pending: list[tuple[str, str]] = []
        self.sig_exception.connect(self._show)

    # ---- Public API
    def install(self) -> None:
        sys.excepthook = self._sys_hook
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        sys.excepthook = self._previous_sys
        threading.excepthook = self._previous_threading

    # ---- Hooks (any thread)
    def _sys_hook(
        self, etype: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(etype, KeyboardInterrupt):
            QApplication.quit()
            return
        details = "".join(traceback.format_exception(etype, value, tb))
        sys.stderr.write(details)
        # The one error policy: the user reads two lines naming the log file that holds the trace.
        from briefing.errorlog import unexpected_message

        if value.__traceback__ is None:
            value = value.with_traceback(tb)
        message = unexpected_message(value, "the app, unhandled")
        # A signal, not a call: from a non-GUI thread the dialog must be built on the GUI thread.
        self.sig_exception.emit(message, "")

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self._sys_hook(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        # One dialog at a time: an error inside a paint handler would otherwise stack up hundreds.
        if self._showing:
            if len(self._pending) < 5:
                self._pending.append((summary, details))
            return
        self._showing = True
        try:
            dialogs.show_error(
                self._parent_window(),
                "Unexpected error",
                "Something went wrong that Briefing did not expect. Your saved work is safe.\n\n"
                + summary[:1].upper() + summary[1:],
                details,
            )
        finally:
            self._showing = False
        if self._pending:
            summary, details = self._pending.pop(0)
            QTimer.singleShot(0, lambda: self._show(summary, details))
