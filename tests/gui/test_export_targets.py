"""The app refuses to export over a FIFO or a link to one, with an error naming it (issue 13, item 3)."""

from __future__ import annotations

import os
import stat


def test_exporting_over_a_fifo_shows_an_error_and_leaves_it(window, qtbot, script, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window.go("briefing")
    panel = window.briefing
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.tree.topLevelItemCount() > 0)
    fifo = tmp_path / "west.pdf"
    os.mkfifo(fifo)
    script.save_path = str(fifo)
    script.errors_expected = True
    window.actions_by_key["export_pdf"].trigger()
    qtbot.waitUntil(lambda: bool(script.asked("show_error")), timeout=60_000)
    message = " ".join(str(a) for a in script.asked("show_error")[0])
    assert str(fifo) in message and "named pipe" in message and "regular files" in message
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part")) == []
    qtbot.waitUntil(lambda: not panel.is_exporting() and not window.ops.active(), timeout=30_000)
