"""What every panel is handed: the service, settings, worker runner, undo stack and change events.

Not a singleton: the window builds one and passes it down, and a test builds its own around a
temporary database, so any panel can be constructed alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from briefing.gui.settings import Settings
from briefing.gui.undo import History
from briefing.gui.workers import Failure, Operation, Operations

T = TypeVar("T")

if TYPE_CHECKING:
    from briefing.exporting import ExportProcess
    from briefing.services import BriefingService


class DataEvents(QObject):
    """What changed in the database, announced on the GUI thread so each screen can refresh itself."""

    # ---- Signals
    sig_finding_saved = Signal(object)
    """A finding was created, edited, restored or had its numbers changed; carries the Finding."""
    sig_finding_deleted = Signal(int)
    """A finding was deleted; carries its id."""
    sig_sources_changed = Signal()
    """A source was created, edited or deleted."""
    sig_audience_changed = Signal(str)
    """An audience's template (selection or order) changed; carries its key."""
    sig_chart_saved = Signal(object)
    """A chart spec was saved; carries the ChartSpec."""
    sig_charts_changed = Signal()
    """Charts were created or deleted: the list is re-read."""
    sig_database_changed = Signal()
    """Someone committed to the database (maybe another process): screens re-read what they show."""
    sig_message = Signal(str)
    """A one-line note for the status bar: what just happened."""
    sig_error = Signal(str, object)
    """Background work failed and nobody else handled it: (title, Failure)."""

    # ---- Public API
    def fail(self, title: str) -> _FailureHandler:
        """A failure callback that routes to sig_error with this title."""
        return _FailureHandler(self, title)


class _FailureHandler:
    def __init__(self, events: DataEvents, title: str) -> None:
        self._events = events
        self._title = title

    def __call__(self, failure: Failure) -> None:
        self._events.sig_error.emit(self._title, failure)


@dataclass(frozen=True)
class AppContext:
    service: BriefingService
    settings: Settings
    ops: Operations
    undo: QUndoStack
    events: DataEvents
    exporter: ExportProcess
    history: History = field(default_factory=History)
    """The finding versions this window wrote: how far back undo may reach (see gui/undo.py)."""

    def load(self, what: str, read: Callable[[], T], done: Callable[[T], None]) -> Operation:
        """Read `what` off the GUI thread, then hand it to `done` on it; a failure is reported as
        "Could not load the <what>". The one way panels fill themselves from the service."""
        return self.ops.run(lambda _t: read(), label=f"Load {what}", success=done,
                            failure=self.events.fail(f"Could not load the {what}"))
