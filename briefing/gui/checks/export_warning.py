"""The question an export asks when the checks find problems in the briefing: export anyway, or see them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QMessageBox, QWidget

from briefing.checks import Problem

DETAIL_LIMIT = 50  # lines in the box's details; the Checks screen lists every one


def ask_export_with_problems(parent: QWidget | None, audience: str, fmt: str,
                             problems: Sequence[Problem]) -> str:
    """"export" (Export Anyway), "show" (Show Problems) or "" (cancel: nothing is written).
    The safe answer is the default: Enter shows the problems, Escape cancels."""
    n = len(problems)
    errors = sum(1 for p in problems if p.severity == "error")
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(f"Problems in the {audience} briefing")
    box.setText(f"The checks found {n} {'problem' if n == 1 else 'problems'} in the {audience} briefing.")
    kinds = []
    if errors:
        kinds.append(f"{errors} {'claim does' if errors == 1 else 'claims do'} not hold against the data")
    if n - errors:
        kinds.append(f"{n - errors} {'number is' if n - errors == 1 else 'numbers are'} not backed by a metric")
    box.setInformativeText(f"{'; '.join(kinds).capitalize()}. Export the {fmt} anyway, "
                           "or see the problems first?")
    lines = [p.line() for p in problems[:DETAIL_LIMIT]]
    if n > DETAIL_LIMIT:
        lines.append(f"… and {n - DETAIL_LIMIT} more on the Checks screen")
    box.setDetailedText("\n".join(lines))
    show = box.addButton("Show Problems", QMessageBox.ButtonRole.ActionRole)
    export = box.addButton("Export Anyway", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(show)
    box.setEscapeButton(cancel)
    for button, name in ((show, "Show problems"), (export, "Export anyway"), (cancel, "Cancel the export")):
        button.setAccessibleName(name)
    box.exec()
    clicked = box.clickedButton()
    if clicked is export:
        return "export"
    if clicked is show:
        return "show"
    return ""
