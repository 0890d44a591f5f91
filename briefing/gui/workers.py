"""Operations: work run off the GUI thread, with results, errors and progress delivered back on it.

Anki's pattern: a GUI action builds an operation, says what to do on success and on failure, and
never waits for it. Writes go through one serial lane so edits and their undos reach the database
in the order the user made them; reads, renders and exports share a small parallel pool.
"""

from __future__ import annotations

import threading
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class Cancelled(Exception):
    """Raised inside an operation's function when the user cancelled it."""


@dataclass(frozen=True)
class Failure:
    """An error as the GUI thread receives it: the exception, its formatted traceback (empty when it
    went to the error log instead) and the one or two lines a user reads."""

    error: BaseException
    details: str
    message: str = ""

    @property
    def summary(self) -> str:
        return self.message or str(self.error) or type(self.error).__name__

    @classmethod
    def of(cls, exc: BaseException, details: str) -> Failure:
        """A refusal (BriefingError: bad input, a database that cannot be used) reads as its own
        message. Anything else is a defect whose text may hold SQL or user data: its trace goes to
        the error log, and the user reads the CLI's two lines, which name the log file."""
        from briefing.domain.errors import BriefingError

        if isinstance(exc, (BriefingError, Cancelled)):
            return cls(exc, details)
        from briefing.errorlog import unexpected_message

        return cls(exc, "", unexpected_message(exc, f"the app, in an operation:\n{details}"))


class Token:
    """Handed to an operation's function: lets it report progress and notice cancellation."""

    def __init__(self, operation: Operation) -> None:
        self._op = operation
        self._cancelled = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        """Raise Cancelled if the user asked to stop; call between steps of long work."""
        if self._cancelled.is_set():
            raise Cancelled()

    def progress(self, fraction: float, message: str = "") -> None:
        self.check()
        self._op._bridge.sig_progress.emit(float(fraction), message)


class _Bridge(QObject):
    """Lives on the GUI thread; the worker emits through it so delivery is a queued call."""

    # ---- Signals
    sig_done = Signal(object, object)
    """Emitted from the worker: (result, Failure | None)."""
    sig_progress = Signal(float, str)
    """Emitted from the worker: (fraction 0..1, message)."""


class Operation(QObject):
    """One piece of background work; connect to its signals or pass callbacks to Operations.run."""

    # ---- Signals
    sig_succeeded = Signal(object)
    """The function returned; carries its result (GUI thread)."""
    sig_failed = Signal(object)
    """The function raised; carries a Failure (GUI thread). Not emitted when cancelled."""
    sig_cancelled = Signal()
    """The function stopped because cancel() was called (GUI thread)."""
    sig_progress = Signal(float, str)
    """Progress reported by the function: (fraction 0..1, message) (GUI thread)."""
    sig_finished = Signal()
    """Emitted last, whatever the outcome (GUI thread)."""

    def __init__(
        self, fn: Callable[[Token], Any], label: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.label = label
        self._fn = fn
        self._bridge = _Bridge(self)
        self._bridge.sig_done.connect(self._deliver)
        self._bridge.sig_progress.connect(self.sig_progress)
        self.token = Token(self)
        self.done = False

    # ---- Public API
    def cancel(self) -> None:
        self.token._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled

    # ---- Worker side
    def _run(self) -> None:
        try:
            result = self._fn(self.token)
        except Cancelled:
            self._bridge.sig_done.emit(None, Failure(Cancelled(), ""))
        except BaseException as exc:  # noqa: BLE001 - every error must reach the GUI, never vanish
            self._bridge.sig_done.emit(None, Failure.of(exc, traceback.format_exc()))
        else:
            self._bridge.sig_done.emit(result, None)

    @Slot(object, object)
    def _deliver(self, result: object, failure: Failure | None) -> None:
        self.done = True
        try:
            if failure is None:
                self.sig_succeeded.emit(result)
            elif isinstance(failure.error, Cancelled):
                self.sig_cancelled.emit()
            else:
                self.sig_failed.emit(failure)
        finally:
            self.sig_finished.emit()


class _Runnable(QRunnable):
    def __init__(self, op: Operation) -> None:
        super().__init__()
        self._op = op
        self.setAutoDelete(True)

    def run(self) -> None:
        self._op._run()


class Operations(QObject):
    """Runs operations on a parallel pool (reads, renders, exports) or a serial lane (writes).

    One instance per window, passed to the panels that need it; the window shuts it down on close.
    """

    instances: ClassVar[weakref.WeakSet[Operations]] = weakref.WeakSet()
    """Every live runner, so the test suite can fail a test that leaves work running."""

    # ---- Signals
    sig_busy_changed = Signal(bool)
    """True when the first operation starts, False when the last one ends."""
    sig_failed = Signal(str, object)
    """An operation without its own failure callback failed: (label, Failure)."""

    def __init__(self, parent: QObject | None = None, *, threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max(1, threads))
        self._serial = QThreadPool(self)
        # One thread: the queue is FIFO, so writes land in the order they were made.
        self._serial.setMaxThreadCount(1)
        self._active: list[Operation] = []
        Operations.instances.add(self)

    # ---- Public API
    @classmethod
    def live(cls) -> list[Operations]:
        """Runners whose Qt side still exists (a deleted window takes its runner with it)."""
        from shiboken6 import isValid

        return [ops for ops in list(cls.instances) if isValid(ops)]

    def run(
        self,
        fn: Callable[[Token], Any],
        *,
        label: str,
        success: Callable[[Any], None] | None = None,
        failure: Callable[[Failure], None] | None = None,
        progress: Callable[[float, str], None] | None = None,
        cancelled: Callable[[], None] | None = None,
        serial: bool = False,
    ) -> Operation:
        """Start fn(token) in the background; callbacks run on the GUI thread."""
        op = Operation(fn, label, self)
        if success is not None:
            op.sig_succeeded.connect(success)
        if failure is not None:
            op.sig_failed.connect(failure)
        else:
            op.sig_failed.connect(lambda f, label=label: self.sig_failed.emit(label, f))
        if progress is not None:
            op.sig_progress.connect(progress)
        if cancelled is not None:
            op.sig_cancelled.connect(cancelled)
        op.sig_finished.connect(lambda op=op: self._finished(op))
        self._active.append(op)
        if len(self._active) == 1:
            self.sig_busy_changed.emit(True)
        (self._serial if serial else self._pool).start(_Runnable(op))
        return op

    def write(self, fn: Callable[[Token], Any], **kwargs: Any) -> Operation:
        """A database edit: serial, so it lands after every edit queued before it."""
        return self.run(fn, serial=True, **kwargs)

    def active(self) -> list[Operation]:
        return list(self._active)

    def running_threads(self) -> int:
        return self._pool.activeThreadCount() + self._serial.activeThreadCount()

    def wait_for_done(self, msecs: int = 10_000) -> bool:
        """Block until workers are idle (shutdown and tests only; never on a user action)."""
        ok = self._pool.waitForDone(msecs) and self._serial.waitForDone(msecs)
        return bool(ok)

    def shutdown(self, msecs: int = 10_000) -> bool:
        """Cancel what can be cancelled and wait for the workers; queued deliveries are dropped."""
        for op in self._active:
            op.cancel()
        self._pool.clear()
        self._serial.clear()
        ok = self.wait_for_done(msecs)
        self._active.clear()
        return ok

    # ---- Internals
    def _finished(self, op: Operation) -> None:
        if op in self._active:
            self._active.remove(op)
            op.deleteLater()
            if not self._active:
                self.sig_busy_changed.emit(False)
