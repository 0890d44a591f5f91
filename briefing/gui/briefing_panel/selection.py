"""The working selection's undo steps: a tick, untick or move (nothing written), and its Save."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from briefing.gui.undo import AudienceTemplateCommand

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
        self.report_id: int | None = panel.ctx.service.report_id  # undone in another report: switch back first
        self._applied = True  # pushed after the panel already shows `after`

    # ---- Qt overrides
    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.panel.set_working(self.key, self.after, self.focus)

    def undo(self) -> None:
        self.panel.set_working(self.key, self.before, self.focus)


class SaveSelectionCommand(AudienceTemplateCommand):
    """The Save of a working selection: undo writes the audience back and leaves the selection
    unsaved on screen again (as it was before Save); redo saves it anew."""

    def __init__(self, panel: BriefingPanel, key: str, before: Mapping[str, Any], after: Mapping[str, Any],
                 text: str) -> None:
        super().__init__(panel.ctx, key, before, after, text)
        self.panel = panel
        self._undone = False

    def do(self) -> str:
        self._undone = False
        return super().do()

    def revert(self) -> str:
        self._undone = True
        return super().revert()

    def announce(self, result: str) -> None:
        self.panel.keep_working(result, dict(self.after) if self._undone else None)
        super().announce(result)
