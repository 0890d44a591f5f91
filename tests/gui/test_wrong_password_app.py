"""A wrong password in the app (issue 18): the window opening a team database says, in one line, which
server refused, and never shows the password (the same path the app takes at start, off the GUI thread)."""

from __future__ import annotations

PASSWORD = "right-horse-battery"
WRONG = "wrong-Staple-77"


def test_the_app_names_the_server_and_not_the_password(qtbot, settings, script, pg_cluster, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    from briefing.gui.app import _open
    from briefing.gui.main_window import MainWindow

    pg_cluster.role("carol", PASSWORD)
    pg_cluster.grant(pg_url.rsplit("/", 1)[1], "carol")
    url = pg_url.replace("briefing@", f"carol:{WRONG}@")
    server = pg_url.split("@", 1)[1]
    script.errors_expected = True
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    w.ops.run(lambda _t: _open(url), label="Open database", success=lambda _r: None, failure=w.service_failed)
    qtbot.waitUntil(lambda: bool(script.asked("show_error")), timeout=20_000)
    _parent, title, text, details = script.asked("show_error")[0]
    assert title == "Could not open the database"
    assert server in text and "carol" in text and "password" in text.lower() and "\n" not in text.strip()
    assert WRONG not in text and WRONG not in details and WRONG not in w.statusBar().currentMessage()
    w.close()
