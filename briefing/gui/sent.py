"""File ▸ Compare with a Sent Briefing…: the file picked, compared off the GUI thread, its changes listed with jumps."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from briefing.domain.manifest import ManifestDiff, shown_change
from briefing.gui import dialogs

if TYPE_CHECKING:
    from briefing.gui.main_window import MainWindow
    from briefing.gui.workers import Failure, Token

FILTERS = "Briefings (*.pdf *.docx *.md *.pptx);;All files (*)"
_TARGET_ROLE = Qt.ItemDataRole.UserRole  # ("finding", id) or ("chart", key) or ("template", audience key)


def compare_with_sent(window: MainWindow) -> None:
    """Ask for the file, compare in the background, show the result in a SentDiffDialog."""
    ctx = window.ctx
    if ctx is None:
        return
    start = ctx.settings.export_folder or str(Path.home())
    chosen = dialogs.open_file(window, "Compare with a Sent Briefing", start, FILTERS)
    if not chosen:
        return
    service = ctx.service

    def work(_token: Token) -> ManifestDiff:
        from briefing.compose.sent import compare_with_now
        from briefing.domain.errors import BriefingError
        from briefing.writers.manifest import read_manifest

        try:
            sent = read_manifest(chosen)
        except OSError as exc:
            raise BriefingError(f"{Path(chosen).name} cannot be read ({exc.strerror or exc})") from None
        return compare_with_now(service, sent)

    def shown(diff: ManifestDiff) -> None:
        dialog = SentDiffDialog(diff, Path(chosen).name, window)
        dialog.sig_open.connect(lambda kind, key: _jump(window, kind, key))
        dialog.show()

    def failed(failure: Failure) -> None:
        dialogs.show_error(window, "Compare with a Sent Briefing",
                           f"Could not compare {Path(chosen).name}", failure.summary)

    ctx.ops.run(work, label="Compare with a sent briefing", success=shown, failure=failed)


def _jump(window: MainWindow, kind: str, key: object) -> None:
    from briefing.gui.checks.jump import show_finding

    if kind == "finding" and window.findings is not None and isinstance(key, int):
        window.go("findings")
        show_finding(window.findings, key)
    elif kind == "chart" and window.charts is not None:
        window.go("charts")
        window.charts.select_key(str(key))
    elif kind == "template" and window.briefing is not None:
        window.go("briefing")
        window.briefing.set_audience(str(key))


class SentDiffDialog(QDialog):
    """The changes since a sent file, grouped; double-click (or Enter) on a finding, chart or check
    opens what it is about. Not modal: the user goes back and forth between the list and the screens."""

    # ---- Signals
    sig_open = Signal(str, object)
    """The user asked to open (kind, key): ("finding", id), ("chart", key) or ("template", audience)."""

    def __init__(self, diff: ManifestDiff, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sentDiffDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"Changes since {name}")
        self.diff = diff
        old = diff.old
        what = f"the {old.audience_name or old.audience_key} briefing" if old.kind == "briefing" else "a slide deck"
        made = old.generated.replace("T", " ").removesuffix("Z") + " UTC" if old.generated else "an unknown time"
        report = old.report_title or old.report_key
        if old.edition and old.edition not in report:
            report += f", {old.edition}"
        self.heading = QLabel(f"<b>{html.escape(name)}</b> is {html.escape(what)} of {html.escape(report)}, "
                              f"made {made}. "
                              + ("Nothing in it has changed since." if diff.empty else
                                 "What changed in the database since:"))
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.tree = QTreeWidget()
        self.tree.setObjectName("sentDiffTree")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.itemActivated.connect(self._activated)
        self._fill()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.tree, 1)
        hint = QLabel("Double-click a finding, chart or check to open it.")
        hint.setEnabled(False)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(720, 480)

    # ---- Public API
    def rows(self) -> list[str]:
        """Every row's text, groups and details included, in order (what a reader sees)."""
        out: list[str] = []

        def walk(item: QTreeWidgetItem | None, depth: int) -> None:
            if item is None:
                return
            out.append("  " * depth + item.text(0))
            for i in range(item.childCount()):
                walk(item.child(i), depth + 1)

        for i in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(i), 0)
        return out

    def item_for(self, text: str) -> QTreeWidgetItem:
        found = self.tree.findItems(text, Qt.MatchFlag.MatchStartsWith | Qt.MatchFlag.MatchRecursive)
        if not found:
            raise LookupError(text)
        return found[0]

    # ---- Building
    def _fill(self) -> None:
        d = self.diff
        ids = {f.slug: f.id for f in d.new.findings}
        groups: list[tuple[str, list[tuple[str, tuple[str, object] | None, list[str]]]]] = [
            ("Findings changed", [(f"{c.title} ({c.slug})", ("finding", ids.get(c.slug)),
                                   [f"{x.field}: {shown_change(x.old, x.new)}" for x in c.fields]) for c in d.changed]),
            ("Findings removed", [(f"{f.title} ({f.slug})", None, []) for f in d.removed]),
            ("Findings added", [(f"{f.title} ({f.slug})", ("finding", f.id), []) for f in d.added]),
            ("Charts changed", [(f"{c.title} ({c.key})", ("chart", c.key), []) for c in d.charts_changed]),
            ("Charts removed", [(f"{c.title} ({c.key})", None, []) for c in d.charts_removed]),
            ("Charts added", [(f"{c.title} ({c.key})", ("chart", c.key), []) for c in d.charts_added]),
            ("Template changed", [(f"The {d.new.audience_key} audience's template", ("template", d.new.audience_key),
                                   [])] if d.template_changed else []),
            ("Checks newly failing", [(p.line(), _problem_target(p.kind, p.subject, ids), [])
                                      for p in d.new_problems]),
        ]
        for title, rows in groups:
            if not rows:
                continue
            group = QTreeWidgetItem([f"{title} ({len(rows)})"])
            self.tree.addTopLevelItem(group)
            for text, target, details in rows:
                item = QTreeWidgetItem([text])
                item.setToolTip(0, text)  # a long check message is elided in the row
                if target is not None and target[1] is not None:
                    item.setData(0, _TARGET_ROLE, target)
                    item.setToolTip(0, f"{text}\nDouble-click to open")
                for detail in details:
                    item.addChild(QTreeWidgetItem([detail]))
                group.addChild(item)
            group.setExpanded(True)
        self.tree.expandAll()

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        parent = item.parent()
        target = item.data(0, _TARGET_ROLE) or (parent.data(0, _TARGET_ROLE) if parent is not None else None)
        if target:
            kind, key = target
            self.sig_open.emit(kind, key)


def _problem_target(kind: str, subject: str, ids: dict[str, int]) -> tuple[str, object] | None:
    if kind == "finding":
        return ("finding", ids.get(subject))
    return (kind, subject) if kind in ("chart", "template") else None
