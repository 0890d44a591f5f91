"""AudienceForm: every field of an audience template (cover, summary and key figures, sections,
closing section and its callout) as a form, each field's validation message beneath it."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from briefing.domain.charts import ChartSpec
from briefing.domain.errors import FieldError, ValidationError
from briefing.domain.model import Audience, Finding, Section
from briefing.gui.widgets import ErrorLabel, MutedLabel, with_error

_PICKED = "__picked__"  # the findings combo's "findings I pick" entry
_SECTION_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")  # as briefing.domain.templates checks it
# What each schema path is called on the form, for messages that name the field as the user sees it.
_LABELS = {
    "title": "Title", "subtitle": "Subtitle", "name": "Audience name", "description": "Description",
    "introduction": "Introduction", "summary_title": "Summary heading", "key_figures": "Key figures",
    "reader": "Prepared for", "method_note": "Method note", "disclaimer": "Disclaimer",
    "what_this_means.title": "Closing section title", "what_this_means.intro": "Closing section introduction",
    "what_this_means.text": "Closing section text", "what_this_means.bullets": "Closing section points",
    "what_this_means.callout.title": "Callout title", "what_this_means.callout.text": "Callout text",
}


def reflow(text: str) -> str:
    """Template text as a reader sees it: the YAML's hard line breaks inside a paragraph become
    spaces (the writers do the same), blank lines stay paragraph breaks."""
    paragraphs = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").strip())
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines() if line.strip()) for p in paragraphs)


def _text_edit(parent: QWidget, lines: int = 4) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field of the form
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


class AudienceForm(QWidget):
    """Shows one audience; `template()` builds the template from the fields, `show_errors()` puts a
    ValidationError's messages under the fields its paths name. Sections written in YAML with rules
    the form has no control for (tags, kinds) keep them untouched."""

    # ---- Signals
    sig_edited = Signal()
    """The user changed a field."""
    sig_save = Signal()
    """The user asked to save the form."""
    sig_revert = Signal()
    """The user asked to drop the form's edits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._raw: dict[str, Any] = {}
        self._sections: list[dict[str, Any]] = []
        self._report_sections: tuple[Section, ...] = ()  # the audience's report's, set by load()
        self._findings: list[Finding] = []
        self._charts: list[ChartSpec] = []
        self._loading = False
        self._current = -1
        self._errors: dict[str, ErrorLabel] = {}
        self._build()

    # ---- Public API
    def load(self, audience: Audience, template: dict[str, Any], findings: Sequence[Finding],
             charts: Sequence[ChartSpec]) -> None:
        self._loading = True
        self._raw = copy.deepcopy(template)
        self._set_report_sections(audience.sections or ())
        self._findings = list(findings)
        self._charts = list(charts)
        self.name.setText(audience.name)
        self.description.setPlainText(reflow(audience.description))
        self.title.setText(str(template.get("title") or ""))
        self.subtitle.setText(str(template.get("subtitle") or ""))
        self.reader.setText(str(template.get("reader") or ""))
        self.method_note.setPlainText(reflow(str(template.get("method_note") or "")))
        self.disclaimer.setPlainText(reflow(str(template.get("disclaimer") or "")))
        self.summary_title.setText(str(template.get("summary_title") or ""))
        self.introduction.setPlainText(reflow(str(template.get("introduction") or "")))
        self.ask_wordings.setChecked(template.get("wordings") is True)
        self._fill_metric_choices()
        self.figures.setRowCount(0)
        for ref in template.get("key_figures") or ():
            ref = {"ref": ref} if isinstance(ref, str) else dict(ref)
            self.add_key_figure(str(ref.get("ref", "")), str(ref.get("label", "")), str(ref.get("context", "")))
        self.pick_findings.clear()
        for f in self._findings:
            item = QListWidgetItem(f.title, self.pick_findings)
            item.setToolTip(f.title)
            item.setData(Qt.ItemDataRole.UserRole, f.slug)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.pick_charts.clear()
        for c in self._charts:
            item = QListWidgetItem(c.title, self.pick_charts)
            item.setToolTip(c.title)
            item.setData(Qt.ItemDataRole.UserRole, c.key)
            item.setCheckState(Qt.CheckState.Unchecked)
        raw_sections = template.get("sections")
        if raw_sections is None:  # the default: every report section
            raw_sections = [{"key": s.key} for s in self._report_sections]
        self._sections = [({"key": s} if isinstance(s, str) else copy.deepcopy(dict(s))) for s in raw_sections]
        self._current = -1
        self.section_list.clear()
        for s in self._sections:
            self.section_list.addItem(self._section_label(s))
        what = dict(template.get("what_this_means") or {})
        self.closing_title.setText(str(what.get("title") or ""))
        self.closing_intro.setPlainText(reflow(str(what.get("intro") or "")))
        self.closing_text.setPlainText(reflow(str(what.get("text") or "")))
        self.closing_bullets.setPlainText("\n".join(str(b) for b in what.get("bullets") or ()))
        callout = what.get("callout") or {}
        callout = {"text": callout} if isinstance(callout, str) else dict(callout)
        self.callout_title.setText(str(callout.get("title") or ""))
        self.callout_text.setPlainText(reflow(str(callout.get("text") or "")))
        self._loading = False
        self.section_list.setCurrentRow(0 if self._sections else -1)
        self._section_editor_enabled()
        self.show_errors(None)

    def audience_name(self) -> str:
        return self.name.text()

    def audience_description(self) -> str:
        return self.description.toPlainText()

    def template(self) -> dict[str, Any]:
        """The template as the fields hold it (fields the form does not show are kept)."""
        self._store_section()
        out = copy.deepcopy(self._raw)
        for key, value in (("title", self.title.text()), ("subtitle", self.subtitle.text()),
                           ("reader", self.reader.text()), ("method_note", self.method_note.toPlainText()),
                           ("disclaimer", self.disclaimer.toPlainText()),
                           ("summary_title", self.summary_title.text()),
                           ("introduction", self.introduction.toPlainText())):
            _put(out, key, value.strip())
        if self.ask_wordings.isChecked():
            out["wordings"] = True
        elif out.get("wordings") is True:
            del out["wordings"]  # unticked; anything else stored there stays for the service to name
        figures: list[dict[str, str]] = []
        for row in range(self.figures.rowCount()):
            combo, label, context = (self.figures.cellWidget(row, c) for c in range(3))
            assert isinstance(combo, QComboBox) and isinstance(label, QLineEdit) and isinstance(context, QLineEdit)
            figure = {"ref": combo.currentData() or ""}
            _put(figure, "label", label.text().strip())
            _put(figure, "context", context.text().strip())
            figures.append(figure)
        _put(out, "key_figures", figures)
        out["sections"] = copy.deepcopy(self._sections)
        if "sections" not in self._raw and out["sections"] == [{"key": s.key} for s in self._report_sections]:
            del out["sections"]  # still the default (every report section): keep it implicit
        what = dict(out.get("what_this_means") or {})
        for key, value in (("title", self.closing_title.text()), ("intro", self.closing_intro.toPlainText()),
                           ("text", self.closing_text.toPlainText())):
            _put(what, key, value.strip())
        bullets = [b.strip() for b in self.closing_bullets.toPlainText().splitlines() if b.strip()]
        _put(what, "bullets", bullets)
        callout = {k: v for k, v in (("title", self.callout_title.text().strip()),
                                     ("text", self.callout_text.toPlainText().strip())) if v}
        _put(what, "callout", callout)
        if what:
            out["what_this_means"] = what
        else:
            out.pop("what_this_means", None)
        return out

    def add_key_figure(self, ref: str = "", label: str = "", context: str = "") -> None:
        row = self.figures.rowCount()
        self.figures.insertRow(row)
        combo = self._metric_combo(ref, f"Key figure {row + 1} metric")
        combo.currentIndexChanged.connect(self._edited)
        edit = _cell_edit(label, self.figures)
        edit.setPlaceholderText("The tile's wording (default: the finding's title)")
        edit.setAccessibleName(f"Key figure {row + 1} label")
        edit.textEdited.connect(self._edited)
        second = _cell_edit(context, self.figures)
        second.setPlaceholderText("No second line")
        second.setToolTip("The small line the tile prints under its label (the template's context)")
        second.setAccessibleName(f"Key figure {row + 1} context line")
        second.textEdited.connect(self._edited)
        self.figures.setCellWidget(row, 0, combo)
        self.figures.setCellWidget(row, 1, edit)
        self.figures.setCellWidget(row, 2, second)
        self._fit_figures()
        self._edited()

    def add_table_row(self, metric: str = "", label: str = "", note: str = "", to: object = None) -> None:
        """A row of the current section's key-numbers table (a range's `to` is kept as it was)."""
        row = self.table_rows.rowCount()
        self.table_rows.insertRow(row)
        combo = self._metric_combo(metric, f"Table row {row + 1} metric")
        combo.setProperty("to", to)
        combo.currentIndexChanged.connect(self._section_edited)
        cells: list[QWidget] = [combo]
        for text, name in ((label, "label"), (note, "note")):
            edit = _cell_edit(text, self.table_rows)
            edit.setAccessibleName(f"Table row {row + 1} {name}")
            edit.textEdited.connect(self._section_edited)
            cells.append(edit)
        cells[1].setPlaceholderText("The row's own words (required)")  # type: ignore[attr-defined]
        for column, widget in enumerate(cells):
            self.table_rows.setCellWidget(row, column, widget)
        self._section_edited()

    def remove_table_row(self) -> None:
        row = self.table_rows.currentRow()
        if row < 0:
            row = self.table_rows.rowCount() - 1
        if row >= 0:
            self.table_rows.removeRow(row)
            self._section_edited()

    def remove_key_figure(self) -> None:
        row = self.figures.currentRow()
        if row < 0:
            row = self.figures.rowCount() - 1
        if row >= 0:
            self.figures.removeRow(row)
            self._fit_figures()
            self._edited()

    def add_section(self, title: str = "New section") -> None:
        self._store_section()
        taken = {s.get("key") for s in self._sections} | {"what-this-means"}
        base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50] or "section"
        key, n = base, 1
        while key in taken:
            n += 1
            key = f"{base}-{n}"
        self._sections.append({"key": key, "title": title, "findings": []})
        self.section_list.addItem(self._section_label(self._sections[-1]))
        self.section_list.setCurrentRow(len(self._sections) - 1)
        self._edited()

    def remove_section(self) -> None:
        row = self.section_list.currentRow()
        if row < 0:
            return
        self._current = -1
        del self._sections[row]
        self.section_list.takeItem(row)
        self.section_list.setCurrentRow(min(row, len(self._sections) - 1))
        self._section_editor_enabled()
        self._edited()

    def move_section(self, step: int) -> None:
        row = self.section_list.currentRow()
        to = row + step
        if row < 0 or not 0 <= to < len(self._sections):
            return
        self._store_section()
        self._current = -1
        self._sections.insert(to, self._sections.pop(row))
        item = self.section_list.takeItem(row)
        self.section_list.insertItem(to, item)
        self.section_list.setCurrentRow(to)
        self._edited()

    def set_section_findings(self, slugs: Sequence[str]) -> None:
        """Pick the current section's findings by hand (what ticking them in the list does)."""
        self.findings_rule.setCurrentIndex(self.findings_rule.findData(_PICKED))
        wanted = set(slugs)
        for i in range(self.pick_findings.count()):
            item = self.pick_findings.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted
                               else Qt.CheckState.Unchecked)

    def key_errors(self) -> list[FieldError]:
        """Bad section keys, each named by its section. A key used twice is reported on the section
        being edited when it is one of the pair (the template's own check names the later one)."""
        self._store_section()
        out: list[FieldError] = []
        current = self.section_list.currentRow()
        keys = [str(s.get("key") or "") for s in self._sections]
        for i, key in enumerate(keys):
            if not _SECTION_KEY.match(key):
                out.append(FieldError(f"sections.{i}.key", "is required: lower-case letters, digits, '-' and '_'"
                                      if not key else "may hold only lower-case letters, digits, '-' and '_'"))
                continue
            others = [j for j, k in enumerate(keys) if k == key and j != i]
            if others and (i == current or (current not in others and i > others[0])):
                out.append(FieldError(f"sections.{i}.key", f"“{key}” is used by another section; "
                                                           "section keys must be unique"))
        return out

    def show_errors(self, error: ValidationError | None) -> None:
        """Each message under the field its path names; section messages name the section."""
        for label in self._errors.values():
            label.clear_error()
        if error is None:
            return
        by_field: dict[str, list[str]] = {}
        general: list[str] = []
        for e in error.errors:
            target = self._error_target(e)
            if target == "key_figures":
                by_field.setdefault(target, []).append(self._key_figure_message(e))
            elif target == "section.table":
                m = re.search(r"\.table\.rows\.(\d+)\.(\w+)", e.field)
                where = f"Row {int(m.group(1)) + 1} {m.group(2)}" if m else "Table"
                by_field.setdefault(target, []).append(f"{where}: {e.message}")
            elif target in self._errors:
                by_field.setdefault(target, []).append(e.message)
            else:
                general.append(self._describe(e))
        for key, messages in by_field.items():
            self._errors[key].show_messages(messages)
        self._errors["general"].show_messages(general)

    # ---- Widgets
    def _build(self) -> None:
        def err(key: str) -> ErrorLabel:
            label = self._errors[key] = ErrorLabel(self)
            return label

        self.name = QLineEdit(self)
        self.name.setPlaceholderText("Who the briefing is for, as the cover prints it")
        self.title = QLineEdit(self)
        self.subtitle = QLineEdit(self)
        self.description = _text_edit(self, 2)
        self.reader = QLineEdit(self)
        self.reader.setPlaceholderText("No “Prepared for” line")
        self.method_note = _text_edit(self, 3)
        self.disclaimer = _text_edit(self, 2)
        for w in (self.name, self.title, self.subtitle, self.reader):
            w.textEdited.connect(self._edited)
        cover = QGroupBox("Cover", self)
        form = _form(cover)
        form.addRow("&Title", with_error(self.title, err("title")))
        form.addRow("S&ubtitle", with_error(self.subtitle, err("subtitle")))
        form.addRow("Audi&ence name", with_error(self.name, err("name")))
        form.addRow("Desc&ription", with_error(self.description, err("description")))
        form.addRow("&Prepared for", with_error(self.reader, err("reader")))
        form.addRow("Method note", with_error(self.method_note, err("method_note")))
        form.addRow("Di&sclaimer", with_error(self.disclaimer, err("disclaimer")))
        self.ask_wordings = QCheckBox("Every finding in this audience's own words (the checks list those without)",
                                      self)
        self.ask_wordings.toggled.connect(self._edited)
        form.addRow("", with_error(self.ask_wordings, err("wordings")))

        self.summary_title = QLineEdit(self)
        self.summary_title.setPlaceholderText("At a glance")
        self.summary_title.textEdited.connect(self._edited)
        self.introduction = _text_edit(self, 5)
        self.figures = QTableWidget(0, 3, self)
        self.figures.setHorizontalHeaderLabels(["Metric", "Label", "Second line"])
        header = self.figures.horizontalHeader()
        for c in range(3):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        # The columns share the width: nothing scrolls sideways or hides a label's end.
        self.figures.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.figures.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.figures.verticalHeader().hide()
        self._fit_figures()
        self._metric_items: list[tuple[str, str]] = []
        add_figure = QPushButton("Add Key Figure", self)
        add_figure.clicked.connect(lambda: self.add_key_figure())
        remove_figure = QPushButton("Remove", self)
        remove_figure.clicked.connect(self.remove_key_figure)
        figure_buttons = QHBoxLayout()
        figure_buttons.addWidget(add_figure)
        figure_buttons.addWidget(remove_figure)
        figure_buttons.addStretch(1)
        summary = QGroupBox("Summary page", self)
        form = _form(summary)
        form.addRow("Headin&g", with_error(self.summary_title, err("summary_title")))
        form.addRow("&Introduction", with_error(self.introduction, err("introduction")))
        form.addRow("&Key figures", with_error(self.figures, err("key_figures")))
        form.addRow("", figure_buttons)

        self.section_list = QListWidget(self)
        self.section_list.setMinimumHeight(130)
        self.section_list.setMaximumHeight(160)
        self.section_list.currentRowChanged.connect(self._section_picked)
        # Beside the list, in one column: always in view with it, never cut by the scroll area's edge.
        buttons = QVBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        self.section_buttons: list[QPushButton] = []
        for text, slot in (("Add Section", lambda: self.add_section()), ("Remove", self.remove_section),
                           ("Move Up", lambda: self.move_section(-1)), ("Move Down", lambda: self.move_section(1))):
            b = QPushButton(text, self)
            b.clicked.connect(slot)
            buttons.addWidget(b)
            self.section_buttons.append(b)
        buttons.addStretch(1)
        self.section_key = QLineEdit(self)
        self.section_key.setToolTip("The section's key: lower-case letters, digits and '-', unique in this audience. "
                                    "A key of the report's own sections needs no title or rule.")
        self.section_key.textEdited.connect(self._section_edited)
        self.section_title = QLineEdit(self)
        self.section_title.textEdited.connect(self._section_edited)
        self.section_intro = _text_edit(self, 3)
        self.section_intro.textChanged.connect(self._section_edited)
        self.findings_rule = QComboBox(self)
        self.findings_rule.addItem("Findings I pick", _PICKED)  # then the report's sections: load()
        self.findings_rule.currentIndexChanged.connect(self._section_edited)
        self.rules_note = MutedLabel("", self)
        self.pick_findings = QListWidget(self)
        self.pick_findings.setMinimumHeight(140)
        self.pick_findings.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pick_findings.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.pick_findings.itemChanged.connect(self._section_edited)
        self.pick_charts = QListWidget(self)
        # Long chart titles end in "…" (whole in the tooltip) rather than scrolling the list sideways.
        self.pick_charts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pick_charts.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.pick_charts.setMaximumHeight(110)
        self.pick_charts.itemChanged.connect(self._section_edited)
        self.section_table = QCheckBox("A table of the section's numbers", self)
        self.section_table.toggled.connect(self._section_edited)
        # The curated table (title and rows: metric, label, note); no rows lists each finding's key number.
        self.table_title = QLineEdit(self)
        self.table_title.setPlaceholderText("Key numbers")
        self.table_title.textEdited.connect(self._section_edited)
        self.table_rows = QTableWidget(0, 3, self)
        self.table_rows.setHorizontalHeaderLabels(["Metric", "Label", "Note"])
        for c in range(3):
            self.table_rows.horizontalHeader().setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        self.table_rows.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table_rows.verticalHeader().hide()
        self.table_rows.setMinimumHeight(120)
        self.table_rows.setMaximumHeight(260)
        add_row = QPushButton("Add Row", self)
        add_row.clicked.connect(lambda: self.add_table_row())
        remove_row = QPushButton("Remove Row", self)
        remove_row.clicked.connect(self.remove_table_row)
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(add_row)
        row_buttons.addWidget(remove_row)
        row_buttons.addWidget(MutedLabel("No rows: each finding's key number", self), 1)
        self.table_editor = QWidget(self)
        table_form = _form(self.table_editor)
        table_form.setContentsMargins(0, 0, 0, 0)
        table_form.addRow("Table title", self.table_title)
        table_form.addRow(with_error(self.table_rows, err("section.table")))
        table_form.addRow(row_buttons)
        self.section_limit = QSpinBox(self)
        self.section_limit.setRange(0, 500)
        self.section_limit.setSpecialValueText("No limit")
        self.section_limit.valueChanged.connect(self._section_edited)
        sections = QGroupBox("Sections", self)
        box = QVBoxLayout(sections)
        list_row = QHBoxLayout()
        list_row.addWidget(self.section_list, 1)
        list_row.addLayout(buttons)
        box.addLayout(list_row)
        self.section_editor = QWidget(self)
        form = _form(self.section_editor)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Section tit&le", with_error(self.section_title, err("section.title")))
        form.addRow("Section ke&y", with_error(self.section_key, err("section.key")))
        form.addRow("Section i&ntro", self.section_intro)
        form.addRow("&Which findings", with_error(self.findings_rule, err("section.findings")))
        form.addRow("", self.rules_note)
        form.addRow("", self.pick_findings)
        form.addRow("&Charts", self.pick_charts)
        form.addRow("", self.section_table)
        form.addRow("", self.table_editor)
        form.addRow("Li&mit", self.section_limit)
        box.addWidget(self.section_editor)

        self.closing_title = QLineEdit(self)
        self.closing_intro = _text_edit(self, 2)
        self.closing_text = _text_edit(self, 4)
        self.closing_bullets = _text_edit(self, 3)
        self.closing_bullets.setPlaceholderText("One point per line")
        self.callout_title = QLineEdit(self)
        self.callout_text = _text_edit(self, 2)
        for w in (self.closing_title, self.callout_title):
            w.textEdited.connect(self._edited)
        for t in (self.description, self.introduction, self.closing_intro, self.closing_text,
                  self.closing_bullets, self.callout_text, self.method_note, self.disclaimer):
            t.textChanged.connect(self._edited)
        closing = QGroupBox("Closing section and callout", self)
        form = _form(closing)
        form.addRow("Cl&osing title", with_error(self.closing_title, err("what_this_means.title")))
        form.addRow("Closing intro", with_error(self.closing_intro, err("what_this_means.intro")))
        form.addRow("Te&xt", with_error(self.closing_text, err("what_this_means.text")))
        form.addRow("&Bullet points", with_error(self.closing_bullets, err("what_this_means.bullets")))
        form.addRow("C&allout title", with_error(self.callout_title, err("what_this_means.callout.title")))
        form.addRow("Callout text", with_error(self.callout_text, err("what_this_means.callout.text")))

        inner = QWidget(self)
        column = QVBoxLayout(inner)
        column.addWidget(err("general"))
        for group in (cover, summary, sections, closing):
            column.addWidget(group)
        column.addStretch(1)
        scroll = self.scroll_area = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.revert_button = QPushButton("Revert", self)
        self.revert_button.clicked.connect(self.sig_revert)
        self.save_button = QPushButton("Save Audience", self)
        self.save_button.clicked.connect(self.sig_save)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(bar)

    # ---- Internals
    def _metric_combo(self, ref: str, name: str) -> QComboBox:
        combo = QComboBox(self)
        for text, data in self._metric_items:
            combo.addItem(text, data)
        combo.setAccessibleName(name)
        at = combo.findData(ref)
        if at < 0 and ref:  # a stale or unknown ref: keep it visible rather than silently dropping it
            combo.addItem(f"{ref} (not found)", ref)
            at = combo.count() - 1
        combo.setCurrentIndex(max(at, 0))
        # Short in a table (the column stretches; no sideways scrolling), whole in the tooltip.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        combo.setToolTip(combo.currentText())
        combo.currentIndexChanged.connect(lambda _i, c=combo: c.setToolTip(c.currentText()))
        return combo

    def _table_value(self) -> bool | dict[str, Any]:
        """`true` (each finding's key number) or the curated table as the fields hold it."""
        rows = []
        for r in range(self.table_rows.rowCount()):
            combo, label, note = (self.table_rows.cellWidget(r, c) for c in range(3))
            assert isinstance(combo, QComboBox) and isinstance(label, QLineEdit) and isinstance(note, QLineEdit)
            row: dict[str, Any] = {"metric": combo.currentData() or ""}
            _put(row, "to", combo.property("to"))
            _put(row, "label", label.text().strip())
            _put(row, "note", note.text().strip())
            rows.append(row)
        title = self.table_title.text().strip()
        if not rows and not title:
            return True
        out: dict[str, Any] = {"title": title} if title else {}
        if rows:
            out["rows"] = rows
        return out

    def _fit_figures(self) -> None:
        """The key-figures table as tall as its rows: the form scrolls, not a box inside it."""
        rows = self.figures.rowCount()
        row_h = self.figures.verticalHeader().defaultSectionSize()
        height = self.figures.horizontalHeader().sizeHint().height() + max(rows, 2) * row_h + 4
        self.figures.setFixedHeight(height)

    def _edited(self, *_args: object) -> None:
        if not self._loading:
            self.sig_edited.emit()

    def _fill_metric_choices(self) -> None:
        self._metric_items = [("— pick a metric —", "")] + [
            (f"{m.display()} · {f.title}", f"{f.slug}#{i}") for f in self._findings for i, m in enumerate(f.metrics)
        ]

    def _section_label(self, raw: dict[str, Any]) -> str:
        title = raw.get("title")
        if title:
            return str(title)
        known = next((s for s in self._report_sections if s.key == raw.get("key")), None)
        return known.title if known is not None else str(raw.get("key") or "Untitled section")

    def _set_report_sections(self, sections: Sequence[Section]) -> None:
        """The rule choices follow the audience's report: "Every finding of" each of its sections."""
        if tuple(sections) == self._report_sections:
            return
        self._report_sections = tuple(sections)
        self.findings_rule.blockSignals(True)
        while self.findings_rule.count() > 1:
            self.findings_rule.removeItem(1)
        for s in self._report_sections:
            self.findings_rule.addItem(f"Every finding of “{s.short or s.title}”", s.key)
        self.findings_rule.blockSignals(False)

    def _section_editor_enabled(self) -> None:
        self.section_editor.setEnabled(0 <= self.section_list.currentRow() < len(self._sections))

    def _section_picked(self, row: int) -> None:
        self._store_section()
        self._current = row
        self._section_editor_enabled()
        if not 0 <= row < len(self._sections):
            return
        raw = self._sections[row]
        was = self._loading
        self._loading = True
        self.section_title.setText(str(raw.get("title") or ""))
        self.section_key.setText(str(raw.get("key") or ""))
        self.section_title.setPlaceholderText(self._section_label({"key": raw.get("key")}))
        self.section_intro.setPlainText(reflow(str(raw.get("intro") or "")))
        picked, rule_key, editable = _read_rules(raw, self._report_sections)
        self.findings_rule.setEnabled(editable)
        self.pick_findings.setEnabled(editable)
        self.rules_note.setVisible(not editable)
        self.rules_note.setText("Chosen by rules written in the template (tags, kinds); kept as they are.")
        self.findings_rule.setCurrentIndex(max(self.findings_rule.findData(rule_key or _PICKED), 0))
        wanted = set(picked)
        for i in range(self.pick_findings.count()):
            item = self.pick_findings.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted
                               else Qt.CheckState.Unchecked)
        charts = set(raw.get("charts") or ())
        for i in range(self.pick_charts.count()):
            item = self.pick_charts.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in charts
                               else Qt.CheckState.Unchecked)
        self.section_table.setChecked(bool(raw.get("table")))
        curated: dict[str, Any] = raw["table"] if isinstance(raw.get("table"), dict) else {}
        self.table_title.setText(str(curated.get("title") or ""))
        self.table_rows.setRowCount(0)
        for entry in curated.get("rows") or ():
            cells: dict[str, Any] = dict(entry) if isinstance(entry, dict) else {}
            self.add_table_row(str(cells.get("metric") or ""), str(cells.get("label") or ""),
                               str(cells.get("note") or ""), cells.get("to"))
        self.table_editor.setVisible(self.section_table.isChecked())
        self.section_limit.setValue(int(raw.get("limit") or 0))
        self.pick_findings.setVisible(self.findings_rule.currentData() == _PICKED)
        self._loading = was

    def _section_edited(self, *_args: object) -> None:
        self.pick_findings.setVisible(self.findings_rule.currentData() == _PICKED)
        self.table_editor.setVisible(self.section_table.isChecked())
        if self._loading:
            return
        self._store_section()
        row = self._current
        if 0 <= row < len(self._sections):
            self.section_list.item(row).setText(self._section_label(self._sections[row]))
        self._edited()

    def _store_section(self) -> None:
        """Write the section editor's fields back into the current section's raw mapping."""
        row = self._current
        if self._loading or not 0 <= row < len(self._sections):
            return
        raw = self._sections[row]
        # Kept as typed (only trimmed): the template's validation names a bad or repeated key
        # under this field rather than the form quietly turning it into another one.
        raw["key"] = self.section_key.text().strip()
        _put(raw, "title", self.section_title.text().strip())
        _put(raw, "intro", self.section_intro.toPlainText().strip())
        if self.findings_rule.isEnabled():
            rule = self.findings_rule.currentData()
            if rule == _PICKED:
                raw["findings"] = [{"ids": _checked(self.pick_findings)}]
            elif rule == raw.get("key") and "findings" not in raw:
                pass  # a report section by its own key: no rule needed
            else:
                raw["findings"] = [{"section": rule}]
        _put(raw, "charts", _checked(self.pick_charts))
        _put(raw, "table", self._table_value() if self.section_table.isChecked() else None)
        _put(raw, "limit", self.section_limit.value() or None)

    def _error_target(self, e: FieldError) -> str:
        m = re.match(r"sections\.(\d+)\.(title|findings|key|table)\b", e.field)
        if m and int(m.group(1)) == self.section_list.currentRow():
            return f"section.{m.group(2)}"
        if e.field.startswith("key_figures"):
            return "key_figures"
        return e.field

    def _key_figure_message(self, e: FieldError) -> str:
        m = re.match(r"key_figures\.(\d+)", e.field)
        if m is None:
            return e.message
        row = int(m.group(1))
        combo = self.figures.cellWidget(row, 0) if row < self.figures.rowCount() else None
        if isinstance(combo, QComboBox) and not combo.currentData():
            return f"Key figure {row + 1}: pick a metric"
        return f"Key figure {row + 1}: {e.message}"

    def _describe(self, e: FieldError) -> str:
        m = re.match(r"sections\.(\d+)\.?(.*)", e.field)
        if m:
            i = int(m.group(1))
            name = self._section_label(self._sections[i]) if i < len(self._sections) else str(i + 1)
            return f"Section {i + 1} (“{name}”) {m.group(2) or ''}: {e.message}".replace(" :", ":")
        return f"{_LABELS.get(e.field, e.field)}: {e.message}"


def _cell_edit(text: str, parent: QWidget) -> QLineEdit:
    """A table cell's text field showing its text's start (not its end, where a set text leaves the
    cursor), whole in the tooltip."""
    edit = QLineEdit(text, parent)
    edit.setCursorPosition(0)
    edit.setToolTip(text)
    edit.textChanged.connect(edit.setToolTip)
    return edit


def _form(parent: QWidget) -> QFormLayout:
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def _put(raw: dict[str, Any], key: str, value: Any) -> None:
    """Set a field, or drop it when empty, so a template holds only what was given."""
    if value in ("", None, [], {}, False):
        raw.pop(key, None)
    else:
        raw[key] = value


def _checked(widget: QListWidget) -> list[str]:
    return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


def _read_rules(raw: dict[str, Any], sections: Sequence[Section]) -> tuple[list[str], str, bool]:
    """(slugs picked by hand, report section of a one-section rule, whether the form can edit them)."""
    rules = raw.get("findings")
    if rules is None:
        key = str(raw.get("key") or "")
        known = any(s.key == key for s in sections)
        return [], key if known else _PICKED, True
    picked: list[str] = []
    section = ""
    for rule in rules:
        if isinstance(rule, str):
            picked.append(rule)
            continue
        if not isinstance(rule, dict):
            return [], "", False
        keys = set(rule)
        if keys <= {"id", "ids"}:
            picked += [str(x) for x in ([rule["id"]] if "id" in rule else []) + list(rule.get("ids") or [])]
        elif keys <= {"section", "sections"} and not picked and not section and len(rules) == 1:
            names = ([rule["section"]] if "section" in rule else []) + list(rule.get("sections") or [])
            if len(names) != 1:
                return [], "", False
            section = str(names[0])
        else:
            return [], "", False
    return picked, section or _PICKED, True

