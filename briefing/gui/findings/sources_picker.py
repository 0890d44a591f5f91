"""The editor's sources picker: tick the sources a finding cites, in citation order, or add a new
source in place ("New Source…": a short form under the list, ticked once saved)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from briefing.domain.errors import ValidationError
from briefing.domain.model import Source, SourceDraft
from briefing.gui.widgets import ErrorLabel, with_error

_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class SourcesPicker(QWidget):
    """A filterable checklist; ticked sources keep the order they were cited in."""

    # ---- Signals
    sig_changed = Signal()
    """The set or order of ticked sources changed."""
    sig_create = Signal(object)
    """The user filled in the new-source form and pressed Add Source; carries the SourceDraft.
    Whoever owns the service saves it, then calls `add_created` (or `show_errors`)."""

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
        self.new_button = QPushButton("New Source…", self)
        self.new_button.setToolTip("Add a source that is not in the list yet; it is ticked once saved")
        self.new_button.clicked.connect(self.open_new_form)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.new_button)
        layout.addLayout(row)
        layout.addWidget(self._build_new_form())
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

    def open_new_form(self) -> None:
        for edit in self.new_fields.values():
            edit.clear()
        for label in self.new_errors.values():
            label.clear_error()
        self.new_form.show()
        self.new_button.hide()
        self.new_fields["publisher"].setFocus()

    def close_new_form(self) -> None:
        self.new_form.hide()
        self.new_button.show()

    def add_created(self, source: Source) -> None:
        """The new source was saved: list it, tick it, close the form."""
        self._sources.append(source)
        self._order.append(source.id)
        self._rebuild()
        self.close_new_form()
        self.sig_changed.emit()

    def show_errors(self, error: ValidationError) -> None:
        general: list[str] = []
        for e in error.errors:
            head = e.field.split(".", 1)[0]
            if head in self.new_errors and head != "general":
                self.new_errors[head].show_messages(error.for_field(head))
            else:
                general.append(e.message)
        self.new_errors["general"].show_messages(general)

    # ---- Internals
    def _build_new_form(self) -> QFrame:
        self.new_form = QFrame(self)
        self.new_form.setFrameShape(QFrame.Shape.StyledPanel)
        form = QFormLayout(self.new_form)
        self.new_fields: dict[str, QLineEdit] = {}
        self.new_errors: dict[str, ErrorLabel] = {"general": ErrorLabel(self.new_form)}
        form.addRow(self.new_errors["general"])
        for name, label, hint in (("publisher", "&Publisher", ""), ("title", "T&itle", ""),
                                  ("url", "&Web address", "https://…"),
                                  ("published", "Pu&blished", "YYYY-MM-DD, YYYY-MM or YYYY")):
            edit = QLineEdit(self.new_form)
            edit.setPlaceholderText(hint)
            edit.setAccessibleName(f"New source {label.replace('&', '').lower()}")
            edit.returnPressed.connect(self._submit)
            self.new_fields[name] = edit
            self.new_errors[name] = ErrorLabel(self.new_form)
            form.addRow(label, with_error(edit, self.new_errors[name]))
        self.add_button = QPushButton("Add Source", self.new_form)
        self.add_button.clicked.connect(self._submit)
        cancel = QPushButton("Cancel", self.new_form)
        cancel.clicked.connect(self.close_new_form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.add_button)
        form.addRow(buttons)
        self.new_form.hide()
        return self.new_form

    def _submit(self) -> None:
        f = self.new_fields
        for label in self.new_errors.values():
            label.clear_error()
        self.sig_create.emit(SourceDraft(
            publisher=f["publisher"].text(),
            title=f["title"].text(),
            url=f["url"].text().strip() or None,
            published=f["published"].text().strip() or None,
        ))

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
