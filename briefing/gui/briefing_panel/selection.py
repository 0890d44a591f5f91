"""SelectionCommand: one tick, untick or move in an audience's working selection, undone in place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from briefing.gui.briefing_panel.panel import BriefingPanel


class SelectionCommand(QUndoCommand):
    """Nothing is written: undo and redo put the panel's working selection back as it was, so a
    trim can be taken back before it is saved (Save is its own step, through the service)."""

    def __init__(self, panel: BriefingPanel, key: str, before: dict[str, Any], after: dict[str, Any],
                 text: str, focus: str = "") -> None:
        super().__init__(text)
        self.panel = panel
        self.key = key
        self.before = before
        self.after = after
        self.focus = focus
        self._applied = True  # pushed after the panel already shows `after`

    # ---- Qt overrides
    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.panel.set_working(self.key, self.after, self.focus)

    def undo(self) -> None:
        self.panel.set_working(self.key, self.before, self.focus)
