"""BriefingTree: sections and their findings, with a checkbox each and drag-and-drop within a section."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QDropEvent, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from briefing.domain.model import Finding
from briefing.gui.widgets import TitleDelegate

SLUG_ROLE = Qt.ItemDataRole.UserRole + 1


class BriefingTree(QTreeWidget):
    """Shows what a briefing will contain. It reports toggles and drags; the panel saves them."""

    # ---- Signals
    sig_toggled = Signal(str, bool)
    """A finding was ticked (True) or unticked (False): (slug, included)."""
    sig_reordered = Signal(list)
    """Findings were dragged: carries every slug in the new reading order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels(["Finding", "Key number"])
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self._filling = False
        self.itemChanged.connect(self._item_changed)
        # Findings' titles keep their start and end when the column is narrow; the tooltip has all.
        self._titles = TitleDelegate(self)
        self.setItemDelegateForColumn(0, self._titles)

    # ---- Public API
    def fill(self, sections: Sequence[tuple[str, Sequence[tuple[Finding, bool]]]]) -> None:
        """Rebuild from (section title, [(finding, included)]) keeping which sections are open."""
        collapsed = {
            self.topLevelItem(i).text(0)
            for i in range(self.topLevelItemCount())
            if not self.topLevelItem(i).isExpanded()
        }
        self._filling = True
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        # Roomier rows than QTreeWidget's default: easier to hit a checkbox or start a drag.
        row = QSize(240, self.fontMetrics().height() + 10)
        for title, findings in sections:
            top = QTreeWidgetItem([title, ""])
            top.setFont(0, bold)
            top.setFlags(
                Qt.ItemFlag.ItemIsEnabled
            )  # sections are neither dragged, dropped on, nor ticked
            top.setSizeHint(0, row)
            self.addTopLevelItem(top)
            for finding, included in findings:
                child = QTreeWidgetItem(
                    [finding.title, finding.key_metric.display() if finding.key_metric else ""]
                )
                child.setData(0, SLUG_ROLE, finding.slug)
                child.setSizeHint(0, row)
                child.setToolTip(0, f"{finding.title}\n\n{finding.statement}")
                child.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsUserCheckable
                    | Qt.ItemFlag.ItemIsDragEnabled
                )
                child.setCheckState(
                    0, Qt.CheckState.Checked if included else Qt.CheckState.Unchecked
                )
                child.setTextAlignment(
                    1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
                self._style_child(child)
                top.addChild(child)
            top.setExpanded(title not in collapsed)
        self._filling = False

    def slugs(self) -> list[str]:
        out: list[str] = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            out += [top.child(j).data(0, SLUG_ROLE) for j in range(top.childCount())]
        return out

    def excluded(self) -> list[str]:
        return [
            item.data(0, SLUG_ROLE)
            for item in self._children()
            if item.checkState(0) != Qt.CheckState.Checked
        ]

    def item_for(self, slug: str) -> QTreeWidgetItem | None:
        return next((item for item in self._children() if item.data(0, SLUG_ROLE) == slug), None)

    def title_of(self, slug: str) -> str:
        item = self.item_for(slug)
        return item.text(0) if item is not None else slug

    def move(self, slug: str, to_row: int) -> bool:
        """Move a finding to `to_row` within its own section, as a drop does; False if nothing moved."""
        item = self.item_for(slug)
        if item is None or item.parent() is None:
            return False
        parent = item.parent()
        row = parent.indexOfChild(item)
        to_row = max(0, min(to_row, parent.childCount() - 1))
        if row == to_row:
            return False
        self._filling = True
        parent.takeChild(row)
        parent.insertChild(to_row, item)
        self._filling = False
        self.setCurrentItem(item)
        self.sig_reordered.emit(self.slugs())
        return True

    # ---- Qt overrides
    def dropEvent(self, event: QDropEvent) -> None:
        # Do the move ourselves: Qt's InternalMove would let a finding land in another section or
        # become a child of a finding, and neither means anything in a briefing.
        dragged = self.currentItem()
        target = self.itemAt(event.position().toPoint())
        if dragged is None or dragged.parent() is None or target is None:
            event.ignore()
            return
        parent = dragged.parent()
        if target is parent:
            to_row = 0
        elif target.parent() is parent:
            to_row = parent.indexOfChild(target)
            indicator = self.dropIndicatorPosition()
            from_row = parent.indexOfChild(dragged)
            if indicator == QAbstractItemView.DropIndicatorPosition.BelowItem and to_row < from_row:
                to_row += 1
            elif (
                indicator == QAbstractItemView.DropIndicatorPosition.AboveItem and to_row > from_row
            ):
                to_row -= 1
        else:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        self.move(dragged.data(0, SLUG_ROLE), to_row)

    # ---- Internals
    def _children(self) -> list[QTreeWidgetItem]:
        return [
            self.topLevelItem(i).child(j)
            for i in range(self.topLevelItemCount())
            for j in range(self.topLevelItem(i).childCount())
        ]

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != 0 or item.parent() is None:
            return
        self._filling = True
        self._style_child(item)
        self._filling = False
        self.sig_toggled.emit(item.data(0, SLUG_ROLE), item.checkState(0) == Qt.CheckState.Checked)

    def _style_child(self, item: QTreeWidgetItem) -> None:
        included = item.checkState(0) == Qt.CheckState.Checked
        brush = (
            QBrush()
            if included
            else QBrush(self.palette().color(self.palette().ColorRole.PlaceholderText))
        )
        item.setForeground(0, brush)
        item.setForeground(1, brush)
