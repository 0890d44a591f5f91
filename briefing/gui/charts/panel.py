"""ChartsPanel: the chart list (new from findings, duplicate, delete), a form for every chart field
with a live preview that follows edits (kinds that do not fit the data greyed out with the reason),
and export of the selected charts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from briefing.domain.charts import NUMBER_FORMATS, SIZE_PRESETS, ChartKind, ChartSpec
from briefing.domain.errors import ValidationError
from briefing.domain.model import Finding, Report
from briefing.gui import dialogs
from briefing.gui.charts.aspect import AspectBox
from briefing.gui.charts.looks import ColourButton, axis_edit, axis_text, axis_value, item_colour, show_colour
from briefing.gui.charts.new_chart import NewChartDialog, disable_unfit
from briefing.gui.context import AppContext
from briefing.gui.icons import icon
from briefing.gui.undo import ChartRecordCommand, SaveChartCommand
from briefing.gui.widgets import ErrorLabel, Heading, MutedLabel, buddy_label, named
from briefing.gui.workers import Failure, Operation, Token

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from briefing.theme import Theme

PREVIEW_DELAY_MS = 250
_KEY_ROLE = Qt.ItemDataRole.UserRole + 1
EXPORT_FORMATS: tuple[tuple[str, str], ...] = (
    ("png", "PNG images"),
    ("svg", "SVG images"),
    ("pdf", "PDF files"),
    ("pptx", "PowerPoint deck"),
)


class ChartsPanel(QWidget):
    """Edits of title, kind, series and size redraw the preview in the background; Save keeps them."""

    title = "Charts"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._specs: dict[str, ChartSpec] = {}
        self._findings: dict[int, Finding] = {}
        self._spec: ChartSpec | None = None
        self._loading = False
        self._render_generation = 0
        self._render_op: Operation | None = None
        self._figure: Figure | None = None
        self._render_pending = False
        self._pending_select: str | None = None
        self.unfit: dict[ChartKind, str] = {}
        self._build()
        ctx.events.sig_finding_saved.connect(self._finding_saved)
        ctx.events.sig_finding_deleted.connect(self._finding_deleted)
        ctx.events.sig_chart_saved.connect(self._chart_saved)
        ctx.events.sig_charts_changed.connect(self.refresh)
        ctx.events.sig_database_changed.connect(self.refresh)  # another process wrote: re-read

    # ---- Public API
    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        service = self.ctx.service

        def load() -> tuple[list[ChartSpec], list[Finding], tuple[str, ...]]:
            from briefing.theme import report_theme

            # The palette the colour buttons offer first: the current report's, as its exports draw.
            return service.list_charts(), service.list_findings(), report_theme(service.get_report().colours).palette

        self.ctx.load("charts", load, self._loaded)

    def current_spec(self) -> ChartSpec | None:
        """The chart as edited in the form (unsaved edits included)."""
        if self._spec is None:
            return None
        options = dict(self._spec.options)
        listed = {str(self.series.item(i).data(_KEY_ROLE)): item_colour(self.series.item(i))
                  for i in range(self.series.count())}
        colours = {k: c for k, c in listed.items() if c}
        # Colours of what the list does not show (metric references) are kept as they were.
        colours.update({k: v for k, v in dict(self._spec.option("colours") or {}).items() if k not in listed})
        axis: dict[str, object] = {}
        for name, edit in (("y_min", self.y_min), ("y_max", self.y_max)):
            try:
                axis[name] = axis_value(edit.text())
            except ValueError:
                axis[name] = self._spec.option(name)  # refused on Save (_axis_errors); the preview keeps the last
        for name, value in (("log", self.log.isChecked()), ("highlight", self.highlight.currentText().strip()),
                            ("category", str(self.labels.currentData() or "")), ("colours", colours), *axis.items()):
            if value or (name in ("y_min", "y_max") and value == 0):
                options[name] = value
            else:
                options.pop(name, None)
        return replace(
            self._spec,
            title=self.title_edit.text(),
            subtitle=self.subtitle.text(),
            note=self.note.text(),
            source=self.source.text(),
            number_format=str(self.number_format.currentData()),
            kind=ChartKind(self.kind.currentData()),
            series=self._checked_series(),
            size=str(self.size_box.currentData()),
            options=options,
        )

    def new_chart(self) -> None:
        """Pick findings, take the proposed series and a kind that fits: a new chart, undoable."""
        dialog = NewChartDialog(list(self._findings.values()), set(self._specs), self)
        if not dialog.exec():
            return
        self._create(dialog.spec(), "New chart")

    def duplicate_chart(self) -> None:
        spec = self.current_spec()
        if spec is None:
            return
        key, n = f"{spec.key}-copy", 1
        while key in self._specs:
            n += 1
            key = f"{spec.key}-copy-{n}"
        self._create(replace(spec, key=key, title=f"{spec.title} (copy)", position=0), "Duplicate chart")

    def delete_chart(self) -> None:
        spec = self._spec
        if spec is None:
            return
        if not dialogs.confirm(self, "Delete Chart", f"Delete the chart “{spec.title}”? Edit ▸ Undo brings it back.",
                               ok_text="Delete", destructive=True):
            return
        service = self.ctx.service

        def deleted(record: ChartSpec) -> None:
            self._spec = None
            self.ctx.undo.push(ChartRecordCommand(self.ctx, record, None, f"Delete chart “{record.title}”"))
            self.ctx.events.sig_charts_changed.emit()
            self.ctx.events.sig_message.emit(f"Deleted chart “{record.title}”")

        self.ctx.ops.write(lambda _t: service.delete_chart(spec.key), label="Delete chart", success=deleted,
                           failure=self.ctx.events.fail("Could not delete the chart"))

    def _create(self, spec: ChartSpec, what: str) -> None:
        service = self.ctx.service

        def created(result: ChartSpec) -> None:
            self.ctx.undo.push(ChartRecordCommand(self.ctx, None, result, f"{what} “{result.title}”"))
            self._pending_select = result.key  # _loaded then selects and shows it
            self.ctx.events.sig_charts_changed.emit()
            self.ctx.events.sig_message.emit(f"{what}: “{result.title}”")

        def failed(failure: Failure) -> None:
            if isinstance(failure.error, ValidationError):
                dialogs.show_error(self, f"Could not make the chart ({what.lower()})",
                                   "; ".join(f"{e.field}: {e.message}" for e in failure.error.errors))
            else:
                self.ctx.events.sig_error.emit("Could not make the chart", failure)

        self.ctx.ops.write(lambda _t: service.save_chart(spec), label=what, success=created, failure=failed)

    def is_dirty(self) -> bool:
        spec = self.current_spec()
        return spec is not None and self._spec is not None and spec != self._spec

    def select_key(self, key: str) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(_KEY_ROLE) == key:
                self.list.setCurrentRow(i)
                return

    def axis_errors(self) -> list[str]:
        """What is wrong with the axis fields as typed, each message naming its field."""
        out = []
        for label, edit in (("Axis from", self.y_min), ("Axis to (max)", self.y_max)):
            try:
                axis_value(edit.text())
            except ValueError:
                out.append(f"{label}: “{edit.text().strip()[:40]}” is not a number; leave it blank for automatic")
        return out

    def save(self) -> None:
        before = self._spec
        after = self.current_spec()
        if before is None or after is None:
            return
        if self.axis_errors():
            self.error.show_messages(self.axis_errors())
            return
        if after == before:
            return
        service = self.ctx.service

        def saved(result: ChartSpec) -> None:
            self.ctx.undo.push(SaveChartCommand(self.ctx, before, result))
            self.ctx.events.sig_chart_saved.emit(result)
            self.ctx.events.sig_message.emit(f"Saved chart “{result.title}”")

        def failed(failure: Failure) -> None:
            if isinstance(failure.error, ValidationError):
                self.error.show_messages([str(e) for e in failure.error.errors])
                self.ctx.events.sig_message.emit("Chart not saved: see the message under the form")
            else:
                self.ctx.events.sig_error.emit("Could not save the chart", failure)

        self.ctx.ops.write(
            lambda _t: service.save_chart(after), label="Save chart", success=saved, failure=failed
        )

    def revert(self) -> None:
        if self._spec is not None:
            self._show_spec(self._spec)

    def export_selected(self) -> None:
        specs = self._selected_specs()
        if not specs:
            self.ctx.events.sig_message.emit("Select one or more charts to export")
            return
        fmt = str(self.export_format.currentData())
        self.ctx.settings.chart_export_format = fmt
        start = self.ctx.settings.export_folder
        if fmt == "pptx":
            path = dialogs.save_file(
                self,
                "Export charts as slides",
                str(Path(start) / "charts.pptx"),
                "PowerPoint deck (*.pptx)",
            )
            if not path:
                return
            if not path.lower().endswith(".pptx"):
                path += ".pptx"
            target = Path(path)
        else:
            folder = dialogs.choose_folder(
                self, f"Export {len(specs)} chart(s) as {fmt.upper()} to…", start
            )
            if not folder:
                return
            target = Path(folder)
        self._run_export(specs, fmt, target)

    def shutdown(self) -> None:
        self._preview_timer.stop()
        if self._render_op is not None:
            self._render_op.cancel()

    def save_state(self) -> None:
        self.ctx.settings.set_geometry("charts_splitter", self.splitter.saveState())

    def restore_state(self) -> None:
        state = self.ctx.settings.geometry("charts_splitter")
        if state is not None:
            self.splitter.restoreState(state)
        at = self.export_format.findData(self.ctx.settings.chart_export_format)
        self.export_format.setCurrentIndex(max(0, at))

    def figure(self) -> Figure | None:
        """The figure now in the preview (tests check that it follows edits)."""
        return self._figure

    # ---- Qt overrides
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._render_pending:
            self._render()

    # ---- Widgets
    def _build(self) -> None:
        self.list = QListWidget(self)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setIconSize(QSize(18, 18))
        self.list.setSpacing(1)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setUniformItemSizes(True)
        self.list.currentItemChanged.connect(self._current_changed)
        named(self.list, "Charts")
        self.export_format = QComboBox(self)
        for key, label in EXPORT_FORMATS:
            self.export_format.addItem(label, key)
        named(self.export_format, "Export format")
        self.export_button = QPushButton(icon("export"), "Export Selected…", self)
        self.export_button.clicked.connect(self.export_selected)
        self.count = MutedLabel("Loading charts…", self)
        self.new_button = QPushButton(icon("add"), "New Chart…", self)
        self.new_button.setToolTip("A chart from the numbers of findings you pick")
        self.new_button.clicked.connect(self.new_chart)
        self.duplicate_button = QPushButton("Duplicate", self)
        self.duplicate_button.clicked.connect(self.duplicate_chart)
        self.delete_button = QPushButton(icon("delete"), "Delete…", self)
        self.delete_button.clicked.connect(self.delete_chart)
        manage = QHBoxLayout()
        manage.addWidget(self.new_button)
        manage.addWidget(self.duplicate_button)
        manage.addWidget(self.delete_button)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(10, 10, 6, 10)
        left_layout.setSpacing(8)
        left_layout.addWidget(Heading("Charts", self))
        left_layout.addLayout(manage)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.count)
        left_layout.addWidget(self.export_format)
        left_layout.addWidget(self.export_button)

        self.title_edit = QLineEdit(self)
        self.kind = QComboBox(self)
        for k in ChartKind:
            self.kind.addItem(k.label.capitalize(), k.value)
        self.size_box = QComboBox(self)
        for preset in SIZE_PRESETS:
            self.size_box.addItem(
                {"16:9": "Slide 16:9", "4:3": "Slide 4:3", "column": "Document column"}.get(
                    preset, preset
                ),
                preset,
            )
        self.series = QListWidget(self)
        self.series.setMaximumHeight(130)
        self.colour = ColourButton(self)
        self.colour.sig_changed.connect(self._colour_chosen)
        self.series.currentItemChanged.connect(lambda item, _previous: self._series_current(item))
        self.subtitle = QLineEdit(self)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText("A note printed under the chart")
        self.source = QLineEdit(self)
        self.number_format = QComboBox(self)
        for f in NUMBER_FORMATS:
            self.number_format.addItem(f.capitalize() if f else "Automatic", f)
        self.labels = QComboBox(self)
        for value, text in (("", "Automatic"), ("entity", "Who (entity)"), ("label", "What (label)"),
                            ("period", "When (period)"), ("entity+period", "Who and when"),
                            ("label+period", "What and when")):
            self.labels.addItem(text, value)
        self.highlight = QComboBox(self)
        self.highlight.setEditable(True)
        line = self.highlight.lineEdit()
        if line is not None:  # always, once setEditable(True)
            line.setPlaceholderText("None")
        self.log = QCheckBox("Log scale", self)
        self.y_min = axis_edit("Automatic", self)
        self.y_max = axis_edit("Automatic", self)
        axis_tip = ("The value axis's range, in the axis's units (80 is 80 %). It is widened to show every value, "
                    "and a bar's zero, so it never hides data.")
        self.y_min.setToolTip(axis_tip)
        self.y_max.setToolTip(axis_tip)
        self.refs = MutedLabel("", self)
        self.error = ErrorLabel(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(buddy_label("&Title", self.title_edit, self), self.title_edit)
        row = QHBoxLayout()
        row.addWidget(self.kind, 1)
        row.addSpacing(12)
        row.addWidget(buddy_label("Si&ze", self.size_box, self))
        row.addWidget(self.size_box, 1)
        form.addRow(buddy_label("&Kind", self.kind, self), row)
        form.addRow(buddy_label("S&ubtitle", self.subtitle, self), self.subtitle)
        form.addRow(buddy_label("&Series", self.series, self), self.series)
        form.addRow("", self.colour)
        form.addRow("", self.refs)
        looks = QHBoxLayout()
        looks.addWidget(self.labels, 1)
        looks.addWidget(buddy_label("Num&bers", self.number_format, self))
        looks.addWidget(self.number_format, 1)
        looks.addWidget(buddy_label("Hi&ghlight", self.highlight, self))
        looks.addWidget(self.highlight, 1)
        form.addRow(buddy_label("&Labels", self.labels, self), looks)
        axis = QHBoxLayout()
        axis.addWidget(self.y_min)
        axis.addWidget(buddy_label("to (&max)", self.y_max, self))
        axis.addWidget(self.y_max)
        axis.addSpacing(12)
        axis.addWidget(self.log)
        axis.addStretch(1)
        form.addRow(buddy_label("&Axis from", self.y_min, self), axis)
        form.addRow(buddy_label("N&ote", self.note, self), self.note)
        form.addRow(buddy_label("Sou&rce line", self.source, self), self.source)
        self.revert_button = QPushButton(icon("revert"), "Revert", self)
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(icon("save"), "Save", self)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        self.preview = AspectBox(self)
        self.preview_status = MutedLabel("", self)
        self.preview_status.setAlignment(Qt.AlignmentFlag.AlignRight)

        editor = QWidget(self)
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(16, 12, 16, 12)
        editor_layout.setSpacing(8)
        editor_layout.addWidget(self.preview, 1)
        editor_layout.addWidget(self.preview_status)
        editor_layout.addLayout(form)
        editor_layout.addLayout(buttons)
        self.editor = editor

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(editor)
        self.splitter.setSizes([360, 940])
        self.splitter.setStretchFactor(1, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._render)
        self.title_edit.textChanged.connect(self._edited)
        self.kind.currentIndexChanged.connect(self._edited)
        self.size_box.currentIndexChanged.connect(self._edited)
        self.series.itemChanged.connect(self._edited)
        for edit in (self.subtitle, self.note, self.source):
            edit.textChanged.connect(self._edited)
        for combo in (self.number_format, self.labels):
            combo.currentIndexChanged.connect(self._edited)
        self.highlight.currentTextChanged.connect(self._edited)
        self.log.toggled.connect(self._edited)
        self.y_min.textChanged.connect(self._edited)
        self.y_max.textChanged.connect(self._edited)
        self._set_enabled(False)

    # ---- Internals: loading
    def _loaded(self, result: tuple[list[ChartSpec], list[Finding], tuple[str, ...]]) -> None:
        specs, findings, palette = result
        self.colour.set_palette(palette)
        if self._spec is not None and specs == list(self._specs.values()) and \
                {f.id: f for f in findings} == self._findings:
            return  # nothing new (often our own commit seen by the watcher): no re-render
        self._findings = {f.id: f for f in findings}
        keep = self._pending_select or (self._spec.key if self._spec else None)
        dirty = self.is_dirty() and self._pending_select is None
        self._pending_select = None
        self._specs = {s.key: s for s in specs}
        self.list.blockSignals(True)
        self.list.clear()
        for s in specs:
            item = QListWidgetItem(icon("charts"), s.title)
            item.setToolTip(f"{s.kind.label.capitalize()} · {s.key}")
            item.setData(_KEY_ROLE, s.key)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.count.setText(
            f"{len(specs)} charts · select several with Ctrl or Shift to export them together"
        )
        self._series_choices = _series_keys(findings)
        if keep and keep in self._specs and dirty:
            # An unsaved edit stays in the form: only the list's highlight is put back.
            self.list.blockSignals(True)
            self.select_key(keep)
            self.list.blockSignals(False)
        elif keep and keep in self._specs:
            self.select_key(keep)
            if self._specs[keep] != self._spec:  # the same row: Qt sends no change, so show it here
                self._show_spec(self._specs[keep])
        elif specs:
            self.list.setCurrentRow(0)

    def _current_changed(
        self, item: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        if item is None:
            self._spec = None
            self._set_enabled(False)
            return
        spec = self._specs.get(str(item.data(_KEY_ROLE)))
        if spec is not None:
            self._show_spec(spec)

    def _show_spec(self, spec: ChartSpec) -> None:
        self._loading = True
        self._spec = spec
        self.error.clear_error()
        self.title_edit.setText(spec.title)
        self.subtitle.setText(spec.subtitle)
        self.note.setText(spec.note)
        self.source.setText(spec.source)
        self.source.setPlaceholderText("From the findings' sources")
        self.number_format.setCurrentIndex(max(0, self.number_format.findData(spec.number_format)))
        self.labels.setCurrentIndex(max(0, self.labels.findData(str(spec.option("category", "")))))
        self.log.setChecked(bool(spec.option("log", False)))
        self.y_min.setText(axis_text(spec.option("y_min")))
        self.y_max.setText(axis_text(spec.option("y_max")))
        self.highlight.clear()
        self.highlight.addItem("")
        self.highlight.addItems(sorted({m.entity for f in self._findings.values() for m in f.metrics
                                        if m.entity and self._uses(spec, f)}))
        self.highlight.setCurrentText(str(spec.option("highlight", "")))
        self.kind.setCurrentIndex(max(0, self.kind.findData(spec.kind.value)))
        at = self.size_box.findData(spec.size)
        if at < 0:
            self.size_box.addItem(spec.size, spec.size)
            at = self.size_box.count() - 1
        self.size_box.setCurrentIndex(at)
        self.series.clear()
        choices = list(spec.series) + [
            k for k in getattr(self, "_series_choices", []) if k not in spec.series
        ]
        names = _series_names(list(self._findings.values()))
        for key in choices:
            item = QListWidgetItem(names.get(key, key))
            item.setData(_KEY_ROLE, key)
            item.setToolTip(f"Series key: {key}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if key in spec.series else Qt.CheckState.Unchecked
            )
            self.series.addItem(item)
        chosen = dict(spec.option("colours") or {})
        for i in range(self.series.count()):
            show_colour(self.series.item(i), str(chosen.get(str(self.series.item(i).data(_KEY_ROLE)), "")))
        self.series.setCurrentRow(0 if self.series.count() else -1)
        self._series_current(self.series.currentItem())
        self.refs.setText(
            f"Also plots {len(spec.metrics)} individual metric{'s' if len(spec.metrics) != 1 else ''}: "
            + ", ".join(str(m) for m in spec.metrics[:4])
            + (" …" if len(spec.metrics) > 4 else "")
            if spec.metrics
            else ""
        )
        self.refs.setVisible(bool(spec.metrics))
        self._loading = False
        self._set_enabled(True)
        self._update_buttons()
        self._render()

    def _series_current(self, item: QListWidgetItem | None) -> None:
        self.colour.setEnabled(item is not None and self.series.isEnabled())
        if item is not None:
            self.colour.set_target(item.text(), item_colour(item))

    def _colour_chosen(self, colour: str) -> None:
        item = self.series.currentItem()
        if item is not None:
            show_colour(item, colour)
            self._edited()

    def _checked_series(self) -> tuple[str, ...]:
        out = []
        for i in range(self.series.count()):
            item = self.series.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(_KEY_ROLE)))
        return tuple(out)

    def _edited(self, *_args: Any) -> None:
        if self._loading:
            return
        self._update_buttons()
        self._preview_timer.start()

    def _update_buttons(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    def _set_enabled(self, enabled: bool) -> None:
        self.duplicate_button.setEnabled(enabled)
        self.delete_button.setEnabled(enabled)
        for w in (
            self.title_edit,
            self.subtitle,
            self.note,
            self.source,
            self.number_format,
            self.labels,
            self.highlight,
            self.log,
            self.y_min,
            self.y_max,
            self.kind,
            self.size_box,
            self.series,
            self.colour,
            self.save_button,
            self.revert_button,
        ):
            w.setEnabled(enabled)

    # ---- Internals: preview
    def _render(self) -> None:
        spec = self.current_spec()
        if spec is None:
            return
        if not self.isVisible():
            # Drawing needs matplotlib (a second to import) and a core; wait until someone looks.
            self._render_pending = True
            return
        self._render_pending = False
        self._render_generation += 1
        generation = self._render_generation
        findings = list(self._findings.values())
        service = self.ctx.service
        if self._render_op is not None and not self._render_op.done:
            self._render_op.cancel()
        self.preview_status.setText("Drawing…")

        def work(token: Token) -> tuple[Figure, tuple[str, ...], dict[ChartKind, str], str]:
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            from briefing.charts import build_chart, resolve_chart_data
            from briefing.charts.fit import unfit_kinds
            from briefing.theme import report_theme

            data = resolve_chart_data(spec, findings)
            token.check()
            # In the current report's colours, as its exports draw it (read here, off the GUI thread).
            built = build_chart(spec, data, report_theme(service.get_report().colours))
            # Draw once here so text layout is cached and the GUI thread's first paint is cheap.
            FigureCanvasAgg(built.figure).draw()
            return built.figure, tuple(built.warnings), unfit_kinds(spec, data), data.source

        self._render_op = self.ctx.ops.run(
            work,
            label="Draw chart",
            success=lambda result: self._rendered(generation, spec, *result),
            failure=self._render_failed,
        )

    def _rendered(
        self, generation: int, spec: ChartSpec, figure: Figure, warnings: tuple[str, ...],
        unfit: dict[ChartKind, str] | None = None, source: str = "",
    ) -> None:
        if generation != self._render_generation:
            return
        self.unfit = unfit or {}
        disable_unfit(self.kind, self.unfit)
        if source:
            self.source.setPlaceholderText(f"From the findings' sources: {source}")
        from briefing.gui.charts.canvas import ChartCanvas

        canvas = ChartCanvas(figure)
        self._figure = figure
        self.preview.set_child(canvas, canvas.aspect())
        self.preview_status.setText(
            "  ·  ".join(warnings) if warnings else f"{spec.kind.label.capitalize()} · {spec.size}"
        )
        self.preview_status.setToolTip("\n".join(warnings))

    def _render_failed(self, failure: Failure) -> None:
        self.preview_status.setText(f"Could not draw this chart: {failure.summary}")
        if not isinstance(failure.error, ValidationError):
            self.ctx.events.sig_error.emit("Could not draw the chart", failure)

    def _finding_saved(self, finding: Finding) -> None:
        self._findings[finding.id] = finding
        if self._spec is not None and self._uses(self._spec, finding):
            self._preview_timer.start()

    def _finding_deleted(self, finding_id: int) -> None:
        gone = self._findings.pop(finding_id, None)
        if gone is not None and self._spec is not None and self._uses(self._spec, gone):
            self._preview_timer.start()

    def _chart_saved(self, spec: ChartSpec) -> None:
        self._specs[spec.key] = spec
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(_KEY_ROLE) == spec.key:
                item.setText(spec.title)
        if self._spec is not None and self._spec.key == spec.key:
            self._show_spec(spec)

    @staticmethod
    def _uses(spec: ChartSpec, finding: Finding) -> bool:
        series = set(spec.series)
        return any(m.finding == finding.slug for m in spec.metrics) or any(
            m.series in series for m in finding.metrics
        )

    # ---- Internals: export
    def _selected_specs(self) -> list[ChartSpec]:
        keys = [str(item.data(_KEY_ROLE)) for item in self.list.selectedItems()]
        order = [str(self.list.item(i).data(_KEY_ROLE)) for i in range(self.list.count())]
        specs = [self._specs[k] for k in order if k in keys and k in self._specs]
        current = self.current_spec()
        # The chart on screen is exported as edited, even before it is saved.
        return [current if current is not None and s.key == current.key else s for s in specs]

    def _run_export(self, specs: list[ChartSpec], fmt: str, target: Path) -> None:
        findings = list(self._findings.values())
        dialog = QProgressDialog(f"Exporting {len(specs)} chart(s)…", "Cancel", 0, 1000, self)
        dialog.setWindowTitle("Export charts")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)

        service = self.ctx.service

        def work(token: Token) -> Path:
            from briefing.theme import report_theme

            report = service.get_report()
            # The deck's cover and file properties name the report the charts belong to.
            return _export_charts(specs, findings, fmt, target, token, report_theme(report.colours),
                                  report if fmt == "pptx" else None)

        def progress(fraction: float, message: str) -> None:
            dialog.setValue(int(fraction * 1000))
            if message:
                dialog.setLabelText(message)

        def finished(path: Path) -> None:
            dialog.close()
            dialog.deleteLater()
            self.ctx.settings.export_folder = str(path if path.is_dir() else path.parent)
            summary = (
                f"Exported {len(specs)} chart{'s' if len(specs) != 1 else ''} as {fmt.upper()}"
            )
            self.ctx.events.sig_message.emit(f"{summary} to {path}")
            dialogs.export_finished(self, str(path), summary)

        def failed(failure: Failure) -> None:
            dialog.close()
            dialog.deleteLater()
            self.ctx.events.sig_error.emit("Could not export the charts", failure)

        def cancelled() -> None:
            dialog.close()
            dialog.deleteLater()
            self.ctx.events.sig_message.emit("Chart export cancelled")

        op = self.ctx.ops.run(
            work,
            label="Export charts",
            success=finished,
            failure=failed,
            progress=progress,
            cancelled=cancelled,
        )
        dialog.canceled.connect(op.cancel)


def _export_charts(
    specs: list[ChartSpec], findings: list[Finding], fmt: str, target: Path, token: Token, theme: Theme | None = None,
    report: Report | None = None,
) -> Path:
    """Worker side: render each chart (cached by content) and write files or one deck."""
    from briefing.charts import render_chart, resolve_chart_data

    if fmt == "pptx":
        from briefing.charts import write_deck
        from briefing.charts.deck import DeckCover
        from briefing.compose.scope import deck_manifest

        items = [(spec, resolve_chart_data(spec, findings)) for spec in specs]
        token.progress(0.1, "Building the slide deck…")
        write_deck(items, target, theme, cover=DeckCover.for_report(report) if report is not None else None,
                   manifest=deck_manifest(report.cover() if report is not None else {}, None, items, findings))
        token.progress(1.0, "Done")
        return target
    from briefing.writers.safe import replace_atomically

    for i, spec in enumerate(specs):
        token.progress(i / len(specs), f"Rendering “{spec.title}”…")
        data = resolve_chart_data(spec, findings)
        # render_chart, not render_bytes: it returns warnings instead of raising them through the
        # warnings module, whose filters are process-wide and not safe to touch from a worker.
        payload = render_chart(spec, data, fmt=fmt, theme=theme).data
        replace_atomically(target / f"{spec.key}.{fmt}", payload)
    token.progress(1.0, "Done")
    return target


def _series_names(findings: list[Finding]) -> dict[str, str]:
    """Each series key's human name: who and what its first point measures ("Chinese models — Share of…")."""
    out: dict[str, str] = {}
    for f in findings:
        for m in f.metrics:
            if m.series and m.series not in out:
                out[m.series] = " — ".join(p for p in (m.entity, m.label) if p) or m.series
    return out


def _series_keys(findings: list[Finding]) -> list[str]:
    seen: dict[str, None] = {}
    for f in findings:
        for m in f.metrics:
            if m.series:
                seen.setdefault(m.series, None)
    return sorted(seen)
