"""NewChartDialog: pick findings, see the series the app proposes from their metrics and the kinds
that fit them (the others greyed out with the reason), name the chart."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from briefing.domain.charts import ChartKind, ChartSpec, MetricRef
from briefing.domain.model import Finding
from briefing.gui.widgets import ErrorLabel, MutedLabel

_SLUG_ROLE = Qt.ItemDataRole.UserRole + 1
PREFERRED = (ChartKind.BAR, ChartKind.LINE, ChartKind.GROUPED_BAR, ChartKind.SHARE, ChartKind.TIMELINE,
             ChartKind.RANGE, ChartKind.MULTIPLES, ChartKind.KEY_FIGURES)


def propose(key: str, title: str, findings: Sequence[Finding]) -> ChartSpec:
    """The chart the chosen findings suggest: their metrics grouped by series key (a series brings
    its points from every finding), metrics without one by reference."""
    series: list[str] = []
    refs: list[MetricRef] = []
    for f in findings:
        for i, m in enumerate(f.metrics):
            if m.series:
                if m.series not in series:
                    series.append(m.series)
            else:
                refs.append(MetricRef(f.slug, i))
    return ChartSpec(key=key, kind=ChartKind.BAR, title=title, series=tuple(series), metrics=tuple(refs))


def disable_unfit(combo: QComboBox, unfit: dict[ChartKind, str]) -> None:
    """Grey out the kinds that do not fit, the reason as their tooltip."""
    model = combo.model()
    if not isinstance(model, QStandardItemModel):
        return
    for row in range(combo.count()):
        item = model.item(row)
        why = unfit.get(ChartKind(combo.itemData(row)))
        item.setEnabled(why is None)
        item.setToolTip(why or "")


class NewChartDialog(QDialog):
    def __init__(self, findings: Sequence[Finding], taken: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Chart")
        self._findings = [f for f in findings if f.metrics]
        self._taken = taken
        self.unfit: dict[ChartKind, str] = {}
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter findings…")
        self.filter.textChanged.connect(self._filter)
        self.list = QListWidget(self)
        for f in self._findings:
            item = QListWidgetItem(f"{f.title}  ({', '.join(m.display() for m in f.metrics[:3])})", self.list)
            item.setData(_SLUG_ROLE, f.slug)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.list.itemChanged.connect(self._update)
        self.title = QLineEdit(self)
        self.title.textChanged.connect(self._update)
        self.kind = QComboBox(self)
        for k in ChartKind:
            self.kind.addItem(k.label.capitalize(), k.value)
        self.proposal = MutedLabel("Tick the findings whose numbers the chart should show.", self)
        self.proposal.setWordWrap(True)
        self.error = ErrorLabel(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create Chart")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Title", self.title)
        form.addRow("&Kind", self.kind)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.proposal)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(720, 560)
        self._update()

    # ---- Public API
    def chosen(self) -> list[Finding]:
        slugs = {self.list.item(i).data(_SLUG_ROLE) for i in range(self.list.count())
                 if self.list.item(i).checkState() == Qt.CheckState.Checked}
        return [f for f in self._findings if f.slug in slugs]

    def spec(self) -> ChartSpec:
        from dataclasses import replace

        title = self.title.text().strip()
        base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:56] or "chart"
        key, n = base, 1
        while key in self._taken:
            n += 1
            key = f"{base}-{n}"
        return replace(propose(key, title, self.chosen()), kind=ChartKind(self.kind.currentData()))

    def set_checked(self, slugs: Sequence[str]) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(_SLUG_ROLE) in slugs else Qt.CheckState.Unchecked)

    # ---- Qt overrides
    def accept(self) -> None:
        problems = []
        if not self.chosen():
            problems.append("Findings: tick at least one finding with numbers")
        if not self.title.text().strip():
            problems.append("Title: is required")
        kind = ChartKind(self.kind.currentData())
        if kind in self.unfit:
            problems.append(f"Kind: a {kind.label} chart does not fit: {self.unfit[kind]}")
        if problems:
            self.error.show_messages(problems)
            return
        super().accept()

    # ---- Internals
    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    def _update(self, *_args: object) -> None:
        from briefing.charts.data import resolve_chart_data
        from briefing.charts.fit import unfit_kinds

        chosen = self.chosen()
        spec = propose("new", self.title.text() or "New chart", chosen)
        data = resolve_chart_data(spec, self._findings)
        self.unfit = unfit_kinds(spec, data)
        disable_unfit(self.kind, self.unfit)
        current = ChartKind(self.kind.currentData())
        if current in self.unfit:  # move to the first kind that fits, if any
            fitting = [k for k in PREFERRED if k not in self.unfit]
            if fitting:
                self.kind.setCurrentIndex(self.kind.findData(fitting[0].value))
        if chosen:
            parts = [f"series “{s}” ({sum(p.series == s for p in data.points)} points)" for s in spec.series]
            parts += [f"{len(spec.metrics)} single metric{'s' if len(spec.metrics) != 1 else ''}"] \
                if spec.metrics else []
            self.proposal.setText("Proposed: " + "; ".join(parts) + f". Source line: {data.source or '—'}")
