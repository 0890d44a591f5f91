"""FindingsModel: a thin table adapter over the list of Finding records the service returned."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from briefing.domain.model import Finding, Metric, Section
from briefing.domain.numbers import plain

ModelIndex = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()  # the invalid index: a table's rows have no parent

FINDING_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS: tuple[str, ...] = ("Title", "Section", "Kind", "Key number", "As of", "Sources", "Updated")
TITLE, SECTION, KIND, KEY_NUMBER, AS_OF, SOURCES, UPDATED = range(len(COLUMNS))


class FindingsModel(QAbstractTableModel):
    """Rows are findings in the order given (report order, or best match first when searching)."""

    # ---- Signals
    sig_number_edited = Signal(object, str)
    """The user typed a new key number in the table: (Finding, text). The panel saves it."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Finding] = []
        self._sections: tuple[Section, ...] = ()

    # ---- Public API
    def _display(self, finding: Finding, col: int) -> str:
        return _display(finding, col, self._sections)

    def _sort_key(self, finding: Finding, col: int) -> Any:
        return _sort_key(finding, col, self._sections)

    def set_sections(self, sections: Sequence[Section]) -> None:
        """The current report's sections: the Section column shows their short names, in their order."""
        self._sections = tuple(sections)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))

    def set_findings(self, findings: Sequence[Finding]) -> None:
        self.beginResetModel()
        self._rows = list(findings)
        self.endResetModel()

    def findings(self) -> list[Finding]:
        return list(self._rows)

    def finding(self, row: int) -> Finding | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, finding_id: int) -> int:
        for i, f in enumerate(self._rows):
            if f.id == finding_id:
                return i
        return -1

    def upsert(self, finding: Finding) -> None:
        """Replace the row holding this finding, or append it (a new or restored finding)."""
        row = self.row_of(finding.id)
        if row >= 0:
            self._rows[row] = finding
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append(finding)
        self.endInsertRows()

    def remove(self, finding_id: int) -> None:
        row = self.row_of(finding_id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()

    # ---- Qt overrides
    def rowCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section_: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section_]
            if role == Qt.ItemDataRole.TextAlignmentRole and section_ in (KEY_NUMBER, SOURCES):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        finding = self.finding(index.row())
        if index.column() == KEY_NUMBER and finding is not None and finding.metrics:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        finding = self.finding(index.row())
        if finding is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(finding, col)
        if role == Qt.ItemDataRole.EditRole:
            if col == KEY_NUMBER and finding.key_metric is not None:
                return editable_number(finding.key_metric)
            return self._display(finding, col)
        if role == SORT_ROLE:
            return self._sort_key(finding, col)
        if role == Qt.ItemDataRole.FontRole and (finding.carried_over or finding.superseded_by_id):
            font = QFont()
            font.setItalic(finding.carried_over)  # carried over from the previous edition, not yet reviewed
            font.setStrikeOut(finding.superseded_by_id is not None)  # another finding replaces it
            return font
        if role == Qt.ItemDataRole.ToolTipRole and col == TITLE and finding.superseded_by_id:
            return f"{self.superseded_text(finding)}\n\n{finding.statement}"
        if role == Qt.ItemDataRole.ToolTipRole and col == TITLE and finding.carried_over:
            return f"{CARRIED_OVER}\n\n{finding.statement}"
        if role == FINDING_ROLE:
            return finding
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == KEY_NUMBER and finding.key_metric is not None:
                m = finding.key_metric
                return f"{m.label}: {m.display(compact=False)}\nDouble-click to correct the number."
            if col == SOURCES:
                return (
                    "\n".join(f"{s.publisher}: {s.title}" for s in finding.sources) or "No sources"
                )
            if col == TITLE:  # the whole title, which a narrow column shortens
                return f"{finding.title}\n\n{finding.statement}"
            return finding.statement
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (KEY_NUMBER, SOURCES):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def superseded_text(self, finding: Finding) -> str:
        """"Superseded by “…”": the state the title's strike-through shows, in words."""
        newer = next((f for f in self._rows if f.id == finding.superseded_by_id), None)
        return f"Superseded by “{newer.title if newer else f'finding {finding.superseded_by_id}'}”."

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        finding = self.finding(index.row())
        if role != Qt.ItemDataRole.EditRole or index.column() != KEY_NUMBER or finding is None:
            return False
        text = str(value).strip()
        if text == self.data(index, Qt.ItemDataRole.EditRole):
            return False
        # The adapter does not write: the panel validates through the service and, on success,
        # upserts the saved finding, which repaints this cell.
        self.sig_number_edited.emit(finding, text)
        return False


CARRIED_OVER = "Carried over from the previous edition, not yet reviewed: confirm or edit it."


def _display(f: Finding, col: int, sections: Sequence[Section] = ()) -> str:
    if col == TITLE:
        return f.title
    if col == SECTION:
        return next((s.short or s.title for s in sections if s.key == f.section), f.section)
    if col == KIND:
        return f.kind.label
    if col == KEY_NUMBER:
        return f.key_metric.display() if f.key_metric else "—"
    if col == AS_OF:
        return _month(f.as_of)
    if col == SOURCES:
        return str(len(f.sources))
    if col == UPDATED:
        return _when(f.updated_at or f.created_at)
    return ""


def _sort_key(f: Finding, col: int, sections: Sequence[Section] = ()) -> Any:
    # Sort keys must be one type per column: the proxy compares them with <.
    if col == TITLE:
        return f.title.casefold()
    if col == SECTION:
        keys = [s.key for s in sections]
        rank = keys.index(f.section) if f.section in keys else len(keys)
        return f"{rank:03d}{f.position:08d}"
    if col == KIND:
        return f.kind.value
    if col == KEY_NUMBER:
        m = f.key_metric
        return float(m.absolute) if m is not None else float("-inf")
    if col == AS_OF:
        return (f.as_of or date.min).isoformat()
    if col == SOURCES:
        return len(f.sources)
    if col == UPDATED:
        stamp = f.updated_at or f.created_at
        return stamp.isoformat() if stamp else ""
    return ""


def _month(d: date | None) -> str:
    return d.strftime("%b %Y") if d else "—"


def _when(stamp: datetime | None) -> str:
    return stamp.strftime("%d %b %Y") if stamp else "—"


def editable_number(m: Metric) -> str:
    """The number as a person would retype it: "140 trillion", "61%", "0.028" (the unit stays)."""
    text = plain(m.value)
    if m.scale is not None:
        text += f" {m.scale.value}"
    if m.unit == "%":
        text += "%"
    return text
