"""Every function of gui/dialogs.py builds its real Qt dialog here, and a user answers it.

The `script` fixture (tests/gui/conftest.py) clicks the buttons of whatever modal dialog is on
screen; nothing in `dialogs` is replaced, only the desktop opener.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QMessageBox, QWidget

from briefing.gui import dialogs
from briefing.gui.dialogs import Choice, FieldPair, Resolution


@pytest.fixture
def parent(qtbot) -> QWidget:
    w = QWidget()
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.mark.parametrize("choice", [Choice.SAVE, Choice.DISCARD, Choice.CANCEL])
def test_ask_unsaved_returns_the_button_clicked(parent, script, choice) -> None:
    script.unsaved = choice
    assert dialogs.ask_unsaved(parent, "“A title”") is choice
    assert script.asked("ask_unsaved") == [("Save your changes to “A title”?",)]


@pytest.mark.parametrize("answer", [True, False])
@pytest.mark.parametrize("destructive", [True, False])
def test_confirm_is_true_only_for_its_ok_button(parent, script, answer, destructive) -> None:
    script.confirm = answer
    got = dialogs.confirm(parent, "Delete source", "Delete it?", ok_text="Delete", destructive=destructive)
    assert got is answer
    assert script.asked("confirm") == [("Delete source", "Delete it?")]


@pytest.mark.parametrize("reload", [True, False])
def test_ask_reload_after_conflict(parent, script, reload) -> None:
    script.reload_after_conflict = reload
    assert dialogs.ask_reload_after_conflict(parent, "This finding", "version 3 is now 4") is reload
    (text, detail), = script.asked("ask_reload_after_conflict")
    assert text.startswith("This finding was changed") and detail == "version 3 is now 4"


def test_show_error_shows_summary_and_details(parent, script) -> None:
    script.errors_expected = True
    dialogs.show_error(parent, "Could not save", "disk full", "Traceback: …")
    (_p, title, summary, details), = script.asked("show_error")
    assert (title, summary, details) == ("Could not save", "disk full", "Traceback: …")


def test_show_info(parent, script) -> None:
    dialogs.show_info(parent, "Imported", "3 findings")
    assert script.asked("show_info") == [("Imported", "3 findings")]


@pytest.mark.parametrize("choice", ["open", "folder", ""])
def test_ask_export_done_offers_open_show_in_folder_and_close(parent, script, choice, tmp_path) -> None:
    script.export_done = choice
    assert dialogs.ask_export_done(parent, str(tmp_path / "a.pdf"), "Exported") == choice
    (path, summary, buttons), = script.asked("ask_export_done")
    assert path == str(tmp_path / "a.pdf") and summary == "Exported"
    assert sorted(buttons) == ["Close", "Open", "Show in Folder"]
    assert script.opened == []  # asking opens nothing


@pytest.mark.parametrize(
    ("choice", "opens"), [("open", "file"), ("folder", "folder"), ("", None)]
)
def test_export_finished_does_what_the_button_says(parent, script, choice, opens, tmp_path) -> None:
    target = tmp_path / "out" / "west.pdf"
    target.parent.mkdir()
    target.write_bytes(b"%PDF")
    script.export_done = choice
    assert dialogs.export_finished(parent, str(target), "Exported") == choice
    expected = {
        "file": [QUrl.fromLocalFile(str(target)).toString()],
        "folder": [QUrl.fromLocalFile(str(target.parent)).toString()],
        None: [],
    }[opens]
    assert script.opened == expected


def test_export_finished_for_a_folder_of_images_opens_that_folder(parent, script, tmp_path) -> None:
    script.export_done = "folder"
    dialogs.export_finished(parent, str(tmp_path), "2 charts")
    assert script.opened == [QUrl.fromLocalFile(str(tmp_path)).toString()]


def test_save_file_returns_the_typed_path_or_nothing(parent, script, tmp_path) -> None:
    script.save_path = str(tmp_path / "brief.pdf")
    got = dialogs.save_file(parent, "Export PDF", str(tmp_path / "start.pdf"), "PDF (*.pdf)")
    assert Path(got) == tmp_path / "brief.pdf"
    (title, preselected), = script.asked("save_file")
    assert title == "Export PDF" and Path(preselected[0]).name == "start.pdf"
    script.save_path = ""
    assert dialogs.save_file(parent, "Export PDF", str(tmp_path), "PDF (*.pdf)") == ""


def test_choose_folder_returns_the_folder_or_nothing(parent, script, tmp_path) -> None:
    (tmp_path / "charts").mkdir()
    script.folder = str(tmp_path / "charts")
    assert Path(dialogs.choose_folder(parent, "Export to…", str(tmp_path))) == tmp_path / "charts"
    script.folder = ""
    assert dialogs.choose_folder(parent, "Export to…", str(tmp_path)) == ""


def test_open_url_path_and_folder_go_through_the_opener(script, tmp_path) -> None:
    (tmp_path / "a.docx").write_bytes(b"x")
    assert dialogs.open_url("https://example.org/x?y=1")
    assert dialogs.open_path(str(tmp_path / "a.docx"))
    assert dialogs.show_in_folder(str(tmp_path / "a.docx"))
    assert script.opened == [
        "https://example.org/x?y=1",
        QUrl.fromLocalFile(str(tmp_path / "a.docx")).toString(),
        QUrl.fromLocalFile(str(tmp_path)).toString(),
    ]


def test_set_opener_none_restores_the_desktop(script) -> None:
    mine = dialogs.set_opener(None)
    try:
        assert mine == script.open
        assert dialogs.set_opener(None) is not script.open
    finally:
        dialogs.set_opener(mine)


def test_confirm_leave_asks_only_when_dirty(parent, script) -> None:
    did: list[str] = []
    discard, save = (lambda: did.append("discard")), (lambda: did.append("save"))
    assert dialogs.confirm_leave(parent, dirty=False, what="x", discard=discard, save=save)
    assert script.asked("ask_unsaved") == [] and did == []
    script.unsaved = Choice.DISCARD
    assert dialogs.confirm_leave(parent, dirty=True, what="x", discard=discard, save=save)
    script.unsaved = Choice.SAVE
    assert not dialogs.confirm_leave(parent, dirty=True, what="x", discard=discard, save=save)
    script.unsaved = Choice.CANCEL
    assert not dialogs.confirm_leave(parent, dirty=True, what="x", discard=discard, save=save)
    assert did == ["discard", "save"]
    assert len(script.asked("ask_unsaved")) == 3


_PAIRS = [
    FieldPair("Title", "Mine", "Theirs"),
    FieldPair("Section", "Cost", "Cost"),
    FieldPair("Tags", "a, b", "a"),
]


@pytest.mark.parametrize(
    "resolution",
    [Resolution.KEEP_MINE, Resolution.TAKE_THEIRS, Resolution.SAVE_COPY, Resolution.CANCEL],
)
def test_resolve_conflict_shows_both_versions_and_returns_the_choice(parent, script, resolution) -> None:
    script.conflict = resolution
    assert dialogs.resolve_conflict(parent, "“A title”", _PAIRS, "Theirs (version 4)") is resolution
    (differing, rows), = script.asked("resolve_conflict")
    assert differing == ["Title", "Tags"]
    assert rows == [("Title", "Mine", "Theirs"), ("Section", "Cost", "Cost"), ("Tags", "a, b", "a")]


def test_the_conflict_dialog_highlights_only_differing_rows(parent) -> None:
    box = dialogs.ConflictDialog(parent, "“A title”", _PAIRS, "Theirs (version 4)")
    try:
        bold = [box.table.item(r, 1).font().bold() for r in range(3)]
        assert bold == [True, False, True]
        assert box.table.horizontalHeaderItem(2).text() == "Theirs (version 4)"
        assert box.findChild(QWidget, "conflictSummary").text().startswith("2 fields differ: Title, Tags.")
    finally:
        box.deleteLater()


def test_the_export_box_builds_under_the_pinned_pyside(parent) -> None:
    # The form the app once used raised TypeError under PySide6 6.11; this is the one it uses now.
    box = QMessageBox(parent)
    assert box.addButton(QMessageBox.StandardButton.Close) is not None
    box.deleteLater()
