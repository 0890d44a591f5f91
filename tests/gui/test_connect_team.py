"""Issue 18: "Connect to a Team Database…" — the real dialog, driven by qtbot against the test
cluster: a wrong password is one line naming the server (never the password), the fields kept; the
right one connects, stores the URL without password in settings and the password in the keyring (or,
with keyring's own `fail` backend, for the session only)."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from briefing.gui import passwords

PASSWORD = "right-horse-battery"
WRONG = "wrong-Staple-77"


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps its secrets in a dict (keyring has none built in)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def carol(pg_cluster, pg_url: str) -> str:  # type: ignore[no-untyped-def]
    pg_cluster.role("carol", PASSWORD)
    name = pg_url.rsplit("/", 1)[1]
    pg_cluster.grant(name, "carol")
    return name


@pytest.fixture
def backend():  # type: ignore[no-untyped-def]
    before = keyring.get_keyring()
    passwords.forget_session()
    yield
    keyring.set_keyring(before)
    passwords.forget_session()


def _dialog(window, pg_cluster, database: str, opened: list):  # type: ignore[no-untyped-def]
    """The dialog as File > Connect to a Team Database… makes it, on the window's own workers; the
    window's reopening is recorded instead of starting a second app."""
    from briefing.gui.connect import ConnectDialog

    dialog = ConnectDialog(window.settings, window.ops, lambda url, pw: opened.append((url, pw)), window)
    dialog.show()
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(pg_cluster.port)
    dialog.database.setText(database)
    dialog.user.setText("carol")
    return dialog


def _settings_text(settings) -> str:  # type: ignore[no-untyped-def]
    settings.sync()
    from pathlib import Path

    return Path(settings._store.fileName()).read_text()


def test_wrong_then_right_password_with_a_keyring(
    window, qtbot, settings, pg_cluster, carol: str, backend, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    opened: list = []
    dialog = _dialog(window, pg_cluster, carol, opened)
    assert dialog.remember.isEnabled() and dialog.remember.isChecked()
    dialog.password.setText(WRONG)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: dialog.connect_button.isEnabled() and dialog.status.text() not in ("", "Connecting…"),
                    timeout=20_000)
    line = dialog.status.text()
    assert f"127.0.0.1:{pg_cluster.port}/{carol}" in line and "password" in line.lower() and "\n" not in line
    assert WRONG not in line and not opened and dialog.isVisible()
    assert dialog.user.text() == "carol" and dialog.password.text() == WRONG  # kept, to fix and retry
    dialog.grab().save(str(tmp_path / "connect-refused.png"))

    dialog.password.setText(PASSWORD)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    url = f"postgresql+psycopg://carol@127.0.0.1:{pg_cluster.port}/{carol}"
    assert opened == [(url, PASSWORD)]
    assert settings.text("team/url") == url and PASSWORD not in _settings_text(settings)
    assert memory.secrets == {(passwords.KEYRING_SERVICE, url): PASSWORD}
    passwords.forget_session()
    assert passwords.lookup(url) == PASSWORD  # from the keyring, as the next start reads it


def test_without_a_keyring_the_password_is_kept_for_the_session_only(
    window, qtbot, settings, pg_cluster, carol: str, backend
) -> None:  # type: ignore[no-untyped-def]
    keyring.set_keyring(fail.Keyring())
    opened: list = []
    dialog = _dialog(window, pg_cluster, carol, opened)
    assert not dialog.remember.isEnabled() and "session only" in dialog.keyring_note.text()
    dialog.password.setText(PASSWORD)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    url = opened[0][0]
    assert PASSWORD not in _settings_text(settings) and settings.text("team/url") == url
    assert passwords.lookup(url) == PASSWORD
    passwords.forget_session()
    assert passwords.lookup(url) == ""
