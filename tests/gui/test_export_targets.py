"""The app refuses to export over a special file, with an error naming it (issue 13, item 3).

The export is started past the file dialog: Qt's own QFileDialog does not return when a special
file's name is accepted in it (offscreen), so that is not a way a user reaches this either; the path
still goes through the export process's checks, as any path typed there does. The CLI tests cover
FIFOs and devices."""

from __future__ import annotations

import os
import socket
import stat


def test_exporting_over_a_socket_shows_an_error_and_leaves_it(window, qtbot, script, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window.go("briefing")
    panel = window.briefing
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.tree.topLevelItemCount() > 0)
    node = tmp_path / "west.pdf"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(node))
    sock.close()
    script.errors_expected = True
    panel._run_export(panel.audience(), "pdf", node)
    qtbot.waitUntil(lambda: bool(script.asked("show_error")), timeout=60_000)
    message = " ".join(str(a) for a in script.asked("show_error")[0])
    assert str(node) in message and "a socket" in message and "regular files" in message
    assert stat.S_ISSOCK(os.lstat(node).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part")) == []
    qtbot.waitUntil(lambda: not panel.is_exporting() and not window.ops.active(), timeout=30_000)
