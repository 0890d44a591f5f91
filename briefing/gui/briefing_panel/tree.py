"""BriefingTree: sections and their findings, each with a checkbox (a section's ticks all of its
findings), reordered within a section by drag-and-drop or Alt+Up/Down."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QDropEvent, QFont, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from briefing.domain.model import Finding
from briefing.gui.widgets import TitleDelegate

SLUG_ROLE = Qt.ItemDataRole.UserRole + 1
SECTION_ROLE = Qt.ItemDataRole.UserRole + 2  # a section's key; None for one that cannot move


class BriefingTree(QTreeWidget):
    """Shows what a briefing will contain. It reports toggles and drags; the panel saves them."""

    # ---- Signals
    sig_toggled = Signal(list, bool)
    """Findings were ticked (True) or unticked (False), one or a whole section's: (slugs, included)."""
    sig_reordered = Signal(list)
    """Findings were dragged: carries every slug in the new reading order."""
    sig_sections_moved = Signal(list)
    """A section was moved (Alt+Up/Down on it): carries the movable sections' keys in the new order."""

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
    def fill(self, sections: Sequence[tuple[str, Sequence[tuple[Finding, bool]]]],
             keys: Sequence[str | None] = ()) -> None:
        """Rebuild from (section title, [(finding, included)]) keeping which sections are open;
        `keys` are the sections' keys (None: a section that keeps its place)."""
        collapsed = {top.text(0) for top in self._sections() if not top.isExpanded()}
        self._filling = True
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        # Roomier rows than QTreeWidget's default: easier to hit a checkbox or start a drag.
        row = QSize(240, self.fontMetrics().height() + 10)
        for i, (title, findings) in enumerate(sections):
            top = QTreeWidgetItem([title, ""])
            top.setData(0, SECTION_ROLE, keys[i] if i < len(keys) else None)
            top.setFont(0, bold)
            # Sections are neither dragged nor dropped on; their tick stands for all their findings.
            top.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
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
            self._sync_section(top)
            top.setExpanded(title not in collapsed)
        self._filling = False

    def slugs(self) -> list[str]:
        return [item.data(0, SLUG_ROLE) for item in self._children()]

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

    def move_finding(self, slug: str, to_row: int) -> bool:
        """Move a finding to `to_row` within its own section, as a drop does; False if nothing moved."""
        item = self.item_for(slug)
        parent = item.parent() if item is not None else None
        if item is None or parent is None:
            return False
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

    def move_section(self, item: QTreeWidgetItem, step: int) -> bool:
        """Move a section up or down past its movable neighbour; False if it cannot move."""
        row = self.indexOfTopLevelItem(item)
        to = row + step
        if item.data(0, SECTION_ROLE) is None or not 0 <= to < self.topLevelItemCount():
            return False
        neighbour = self.topLevelItem(to)
        if neighbour is None or neighbour.data(0, SECTION_ROLE) is None:
            return False
        self._filling = True
        expanded = item.isExpanded()
        self.takeTopLevelItem(row)
        self.insertTopLevelItem(to, item)
        item.setExpanded(expanded)
        self._filling = False
        self.setCurrentItem(item)
        self.sig_sections_moved.emit([top.data(0, SECTION_ROLE) for top in self._sections()
                                      if top.data(0, SECTION_ROLE) is not None])
        return True

    def section_item(self, title: str) -> QTreeWidgetItem | None:
        return next((top for top in self._sections() if top.text(0) == title), None)

    # ---- Qt overrides
    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Alt+Up/Down: the keyboard's drag, for a finding within its section.
        step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(Qt.Key(event.key()))
        item = self.currentItem()
        if step and event.modifiers() == Qt.KeyboardModifier.AltModifier and item is not None:
            parent = item.parent()
            if parent is not None:
                self.move_finding(item.data(0, SLUG_ROLE), parent.indexOfChild(item) + step)
            else:
                self.move_section(item, step)
            event.accept()
            return
        super().keyPressEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        # Do the move ourselves: Qt's InternalMove would let a finding land in another section or
        # become a child of a finding, and neither means anything in a briefing.
        dragged = self.currentItem()
        target = self.itemAt(event.position().toPoint())
        parent = dragged.parent() if dragged is not None else None
        if dragged is None or parent is None or target is None:
            event.ignore()
            return
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
        self.move_finding(dragged.data(0, SLUG_ROLE), to_row)

    # ---- Internals
    def _sections(self) -> list[QTreeWidgetItem]:
        return [top for i in range(self.topLevelItemCount()) if (top := self.topLevelItem(i)) is not None]

    def _children(self) -> list[QTreeWidgetItem]:
        return [
            child
            for top in self._sections()
            for j in range(top.childCount())
            if (child := top.child(j)) is not None
        ]

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != 0:
            return
        included = item.checkState(0) == Qt.CheckState.Checked
        self._filling = True
        parent = item.parent()
        if parent is None:  # a section: all of its findings follow its tick
            changed = [child for j in range(item.childCount()) if (child := item.child(j)) is not None
                       and (child.checkState(0) == Qt.CheckState.Checked) != included]
            for child in changed:
                child.setCheckState(0, item.checkState(0))
                self._style_child(child)
            self._sync_section(item)
        else:
            changed = [item]
            self._style_child(item)
            self._sync_section(parent)
        self._filling = False
        if changed:
            self.sig_toggled.emit([c.data(0, SLUG_ROLE) for c in changed], included)

    def _sync_section(self, top: QTreeWidgetItem) -> None:
        """A section shows ticked, unticked or partly ticked as its findings are."""
        ticked = sum(child.checkState(0) == Qt.CheckState.Checked
                     for j in range(top.childCount()) if (child := top.child(j)) is not None)
        state = (Qt.CheckState.Checked if ticked == top.childCount()
                 else Qt.CheckState.Unchecked if ticked == 0 else Qt.CheckState.PartiallyChecked)
        top.setCheckState(0, state)

    def _style_child(self, item: QTreeWidgetItem) -> None:
        included = item.checkState(0) == Qt.CheckState.Checked
        brush = (
            QBrush()
            if included
            else QBrush(self.palette().color(self.palette().ColorRole.PlaceholderText))
        )
        item.setForeground(0, brush)
        item.setForeground(1, brush)
