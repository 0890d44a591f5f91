"""The editor's metrics sub-table: rows of raw text the service parses, with per-cell error marks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from briefing.domain.model import Metric, MetricDraft, Scale
from briefing.domain.numbers import plain
from briefing.gui.widgets import error_color

ModelIndex = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()  # the invalid index: a table's rows have no parent


@dataclass
class MetricRow:
    """One editable metric as text, exactly as typed; nothing is parsed here."""

    label: str = ""
    value: str = ""
    unit: str = ""
    scale: str = ""
    entity: str = ""
    period: str = ""
    as_of: str = ""
    series: str = ""

    @classmethod
    def from_metric(cls, m: Metric) -> MetricRow:
        return cls(
            label=m.label,
            value=plain(m.value),
            unit=m.unit,
            scale=m.scale.value if m.scale else "",
            entity=m.entity,
            period=m.period,
            as_of=m.as_of.isoformat() if m.as_of else "",
            series=m.series,
        )

    @classmethod
    def from_draft(cls, m: MetricDraft) -> MetricRow:
        """A row showing a draft as typed (set-aside edits coming back into the form)."""
        return cls(
            label=m.label,
            value=str(m.value),
            unit=m.unit,
            scale=str(m.scale or ""),
            entity=m.entity,
            period=m.period,
            as_of=str(m.as_of or ""),
            series=m.series,
        )

    def draft(self) -> MetricDraft:
        return MetricDraft(
            label=self.label,
            value=self.value,
            unit=self.unit,
            scale=self.scale or None,
            entity=self.entity,
            period=self.period,
            as_of=self.as_of or None,
            series=self.series,
        )


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(MetricRow))
HEADERS: dict[str, str] = {
    "label": "Label",
    "value": "Value",
    "unit": "Unit",
    "scale": "Scale",
    "entity": "Entity",
    "period": "Period",
    "as_of": "As of",
    "series": "Series",
}
SCALE_CHOICES: tuple[str, ...] = ("", *tuple(s.value for s in Scale))


class MetricsModel(QAbstractTableModel):
    """Adapter over the form's list of MetricRow; errors from the service are keyed (row, field)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[MetricRow] = []
        self._errors: dict[tuple[int, str], str] = {}

    # ---- Public API
    def set_rows(self, rows: Sequence[MetricRow]) -> None:
        self.beginResetModel()
        self._rows = [MetricRow(**r.__dict__) for r in rows]
        self._errors.clear()
        self.endResetModel()

    def rows(self) -> list[MetricRow]:
        return [MetricRow(**r.__dict__) for r in self._rows]

    def add_row(self, row: MetricRow | None = None) -> int:
        at = len(self._rows)
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.append(row or MetricRow())
        self.endInsertRows()
        return at

    def remove_rows(self, rows: Sequence[int]) -> None:
        for r in sorted(set(rows), reverse=True):
            if 0 <= r < len(self._rows):
                self.beginRemoveRows(QModelIndex(), r, r)
                del self._rows[r]
                self.endRemoveRows()
        self._errors.clear()
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(FIELDS) - 1)
            )

    def set_errors(self, errors: dict[tuple[int, str], str]) -> None:
        self._errors = dict(errors)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(FIELDS) - 1)
            )

    def error_at(self, row: int, field: str) -> str:
        return self._errors.get((row, field), "")

    # ---- Qt overrides
    def rowCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(FIELDS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return HEADERS[FIELDS[section]]
        return str(section + 1)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        name = FIELDS[index.column()]
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return getattr(row, name)
        error = self._errors.get((index.row(), name))
        if role == Qt.ItemDataRole.ToolTipRole:
            return error or None
        if role == Qt.ItemDataRole.ForegroundRole and error:
            return error_color()
        if role == Qt.ItemDataRole.BackgroundRole and error:
            color = error_color()
            color.setAlpha(40)
            return color
        if role == Qt.ItemDataRole.TextAlignmentRole and name == "value":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        name = FIELDS[index.column()]
        row = self._rows[index.row()]
        text = "" if value is None else str(value).strip()
        if getattr(row, name) == text:
            return False
        setattr(row, name, text)
        # The old message described the old text; drop it so the cell stops shouting.
        self._errors.pop((index.row(), name), None)
        self.dataChanged.emit(index, index)
        return True


class ScaleDelegate(QStyledItemDelegate):
    """A combo box for the Scale column, so a scale is picked rather than spelled."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        for choice in SCALE_CHOICES:
            combo.addItem(choice or "—", choice)
        return combo

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        current = str(index.data(Qt.ItemDataRole.EditRole) or "")
        at = editor.findData(current)
        editor.setCurrentIndex(max(at, 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: ModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
