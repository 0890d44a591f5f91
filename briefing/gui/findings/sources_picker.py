"""The editor's sources picker: tick the sources a finding cites, in citation order."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from briefing.domain.model import Source

_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class SourcesPicker(QWidget):
    """A filterable checklist; ticked sources keep the order they were cited in."""

    # ---- Signals
    sig_changed = Signal()
    """The set or order of ticked sources changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filter = QLineEdit(self)
        self._filter.setPlaceholderText("Filter sources…")
        self._filter.setClearButtonEnabled(True)
        self._filter.setAccessibleName("Filter sources")
        self._list = QListWidget(self)
        self._list.setUniformItemSizes(True)
        self._list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._list.setMinimumHeight(110)
        self._list.setMaximumHeight(150)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._filter)
        layout.addWidget(self._list)
        self._order: list[int] = []
        self._sources: list[Source] = []
        self._filter.textChanged.connect(self._apply_filter)
        self._list.itemChanged.connect(self._item_changed)

    # ---- Public API
    def set_sources(self, sources: Sequence[Source]) -> None:
        self._sources = list(sources)
        self._rebuild()

    def set_selected(self, ids: Sequence[int]) -> None:
        self._order = list(dict.fromkeys(ids))
        self._rebuild()

    def selected(self) -> tuple[int, ...]:
        return tuple(self._order)

    def sources(self) -> list[Source]:
        """Every source the picker offers."""
        return list(self._sources)

    @property
    def checklist(self) -> QListWidget:
        """The list of sources to tick: the form's "Sources" label points here."""
        return self._list

    @property
    def filter(self) -> QLineEdit:
        return self._filter

    # ---- Internals
    def _rebuild(self) -> None:
        self._list.blockSignals(True)
        self._list.clear()
        known = {s.id: s for s in self._sources}
        # Cited sources first, in citation order, then the rest alphabetically (as listed).
        ordered = [known[i] for i in self._order if i in known]
        ordered += [s for s in self._sources if s.id not in self._order]
        for s in ordered:
            year = f" ({s.published.year})" if s.published else ""
            item = QListWidgetItem(f"{s.publisher}{year} — {s.title}")
            item.setToolTip(f"{s.publisher}: {s.title}\n{s.url or 'no web address'}")
            item.setData(_ID_ROLE, s.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if s.id in self._order else Qt.CheckState.Unchecked
            )
            self._list.addItem(item)
        self._list.blockSignals(False)
        self._apply_filter(self._filter.text())

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for i in range(self._list.count()):
            item = self._list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    def _item_changed(self, item: QListWidgetItem) -> None:
        sid = int(item.data(_ID_ROLE))
        if item.checkState() == Qt.CheckState.Checked and sid not in self._order:
            self._order.append(sid)
        elif item.checkState() != Qt.CheckState.Checked and sid in self._order:
            self._order.remove(sid)
        else:
            return
        self.sig_changed.emit()
