"""The one declared list of the window's actions: menus, toolbar and shortcuts are all built from it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QToolBar, QWidget

from briefing.gui.icons import icon

Key = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    key: str
    text: str
    menu: str
    shortcuts: tuple[Key | str, ...] = ()
    icon: str = ""
    tip: str = ""
    toolbar: bool = False
    separator_before: bool = False
    role: QAction.MenuRole = QAction.MenuRole.NoRole


MENUS: tuple[str, ...] = ("&File", "&Edit", "&View", "&Help")

# Standard keys first so each platform gets its own convention; strings are the fallback where the
# platform has none (Preferences has no standard binding on Linux).
ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "new_finding", "&New Finding", "&File", (Key.New,), "new", "Create a finding", toolbar=True
    ),
    ActionSpec(
        "save",
        "&Save",
        "&File",
        (Key.Save,),
        "save",
        "Save the finding or source being edited",
        toolbar=True,
    ),
    ActionSpec(
        "revert",
        "Re&vert",
        "&File",
        ("Ctrl+Shift+R",),
        "revert",
        "Discard unsaved edits in the form",
    ),
    ActionSpec(
        "export_pdf",
        "Export &PDF…",
        "&File",
        ("Ctrl+E",),
        "pdf",
        "Export the briefing as PDF",
        toolbar=True,
        separator_before=True,
    ),
    ActionSpec(
        "export_word",
        "Export &Word…",
        "&File",
        ("Ctrl+Shift+E",),
        "word",
        "Export the briefing as a Word document",
        toolbar=True,
    ),
    ActionSpec(
        "export_charts",
        "Export C&harts…",
        "&File",
        ("Ctrl+Alt+E",),
        "slides",
        "Export the selected charts as images or a slide deck",
    ),
    ActionSpec(
        "compare_sent",
        "Co&mpare with a Sent Briefing…",
        "&File",
        (),
        "",
        "What changed since a briefing or deck you exported: findings, numbers, charts and checks",
    ),
    ActionSpec(
        "new_report",
        "New &Report…",
        "&File",
        ("Ctrl+Shift+N",),
        "",
        "Create a report with its own sections",
        separator_before=True,
    ),
    ActionSpec("edit_report", "Report Se&ttings…", "&File", (), "", "Rename the report, edit its sections"),
    ActionSpec(
        "delete_report", "Delete Repor&t…", "&File", (), "", "Delete the current report (undo brings it back)"
    ),
    ActionSpec(
        "connect_team",
        "Connect to a Tea&m Database…",
        "&File",
        (),
        "",
        "Open a shared PostgreSQL database (the password goes to the system keyring)",
        separator_before=True,
    ),
    ActionSpec(
        "preferences",
        "Pre&ferences…",
        "&File",
        (Key.Preferences, "Ctrl+,"),
        "preferences",
        "Author name, export folder and preview timing",
        separator_before=True,
        role=QAction.MenuRole.PreferencesRole,
    ),
    ActionSpec(
        "quit",
        "&Quit",
        "&File",
        (Key.Quit, "Ctrl+Q"),
        "quit",
        "Quit Briefing",
        separator_before=True,
        role=QAction.MenuRole.QuitRole,
    ),
    ActionSpec(
        "undo",
        "&Undo",
        "&Edit",
        (Key.Undo,),
        "undo",
        "Undo the last change",
        toolbar=True,
        separator_before=True,
    ),
    ActionSpec(
        "redo", "&Redo", "&Edit", (Key.Redo,), "redo", "Redo the change just undone", toolbar=True
    ),
    ActionSpec(
        "find",
        "&Find…",
        "&Edit",
        (Key.Find,),
        "search",
        "Search the findings",
        separator_before=True,
    ),
    ActionSpec(
        "delete",
        "&Delete",
        "&Edit",
        (Key.Delete,),
        "delete",
        "Delete the selected finding or source",
        toolbar=True,
        separator_before=True,
    ),
    ActionSpec(
        "go_findings", "&Findings", "&View", ("Ctrl+1",), "findings", "Browse and edit findings"
    ),
    ActionSpec(
        "go_sources", "&Sources", "&View", ("Ctrl+2",), "sources", "Browse and edit sources"
    ),
    ActionSpec("go_charts", "&Charts", "&View", ("Ctrl+3",), "charts", "Preview and export charts"),
    ActionSpec(
        "go_briefing",
        "&Briefing",
        "&View",
        ("Ctrl+4",),
        "briefing",
        "Pick an audience, preview, export",
    ),
    ActionSpec(
        "go_checks",
        "C&hecks",
        "&View",
        ("Ctrl+5",),
        "checks",
        "Problems the evidence checks find, with a jump to each",
    ),
    ActionSpec(
        "what_changed",
        "What C&hanged…",
        "&View",
        (),
        "",
        "Findings added, removed and changed since the previous edition",
        separator_before=True,
    ),
    ActionSpec(
        "refresh",
        "&Reload",
        "&View",
        (Key.Refresh, "F5"),
        "refresh",
        "Reload from the database",
        separator_before=True,
    ),
    ActionSpec(
        "about",
        "&About Briefing",
        "&Help",
        (),
        "about",
        "Versions and credits",
        role=QAction.MenuRole.AboutRole,
    ),
)


def build_actions(
    parent: QWidget, handlers: Mapping[str, Callable[[], object]]
) -> dict[str, QAction]:
    """One QAction per spec, triggered into handlers[key]; a spec without a handler is a bug."""
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, parent)
        action.setObjectName(f"action_{spec.key}")
        shortcuts = _shortcuts(spec.shortcuts)
        if shortcuts:
            action.setShortcuts(shortcuts)
        tip = spec.tip
        if shortcuts:
            tip += f" ({shortcuts[0].toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.setStatusTip(spec.tip)
        action.setMenuRole(spec.role)
        if spec.icon:
            action.setIcon(icon(spec.icon))
        handler = handlers[spec.key]
        action.triggered.connect(lambda _checked=False, h=handler: h())
        actions[spec.key] = action
    return actions


def refresh_icons(actions: Mapping[str, QAction]) -> None:
    """Re-tint after a palette change (the system switched between light and dark)."""
    for spec in ACTIONS:
        if spec.icon and spec.key in actions:
            actions[spec.key].setIcon(icon(spec.icon))


def populate(menubar: QMenuBar, toolbar: QToolBar, actions: Mapping[str, QAction]) -> None:
    menus = {title: menubar.addMenu(title) for title in MENUS}
    for spec in ACTIONS:
        menu = menus[spec.menu]
        if spec.separator_before and not menu.isEmpty():
            menu.addSeparator()
        menu.addAction(actions[spec.key])
    previous: ActionSpec | None = None
    for spec in ACTIONS:
        if not spec.toolbar:
            continue
        if previous is not None and (spec.separator_before or spec.menu != previous.menu):
            toolbar.addSeparator()
        toolbar.addAction(actions[spec.key])
        previous = spec


def _shortcuts(items: Sequence[Key | str]) -> list[QKeySequence]:
    out: list[QKeySequence] = []
    for item in items:
        seqs = QKeySequence.keyBindings(item) if isinstance(item, Key) else [QKeySequence(item)]
        for seq in seqs:
            if not seq.isEmpty() and seq not in out:
                out.append(seq)
    return out
