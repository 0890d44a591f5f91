"""ConnectDialog: "Connect to a Team Database…": a PostgreSQL server's fields (or a URL) and a
password, tested off the GUI thread; the URL (without password) goes to settings, the password to
the system keyring where one works (else this session only)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from briefing.domain.errors import ValidationError
from briefing.gui import passwords
from briefing.gui.settings import Settings
from briefing.gui.widgets import MutedLabel, buddy_label
from briefing.gui.workers import Failure, Operations


class ConnectDialog(QDialog):
    """`connected(url, password)` runs once the server accepted the login (the window reopens there)."""

    def __init__(self, settings: Settings, ops: Operations, connected: Callable[[str, str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._ops = ops
        self._connected = connected
        self._busy = False
        self.setObjectName("connectDialog")
        self.setWindowTitle("Connect to a Team Database")
        self.setMinimumWidth(520)
        self.host = QLineEdit(self)
        self.host.setPlaceholderText("db.example.org")
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit(self)
        self.user = QLineEdit(self)
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("or a URL: postgresql+psycopg://user@host:5432/database")
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Remember the password in the system keyring", self)
        has_keyring = passwords.keyring_available()
        self.remember.setChecked(has_keyring)
        self.remember.setEnabled(has_keyring)
        note = "" if has_keyring else ("No system keyring is available: the password is kept for this "
                                       "session only, never in the settings file.")
        self.keyring_note = MutedLabel(note, self)
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setVisible(bool(note))
        self.status = QLabel("", self)
        self.status.setObjectName("connectStatus")
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow(buddy_label("&Server", self.host, self), self.host)
        form.addRow(buddy_label("P&ort", self.port, self), self.port)
        form.addRow(buddy_label("&Database", self.database, self), self.database)
        form.addRow(buddy_label("&User", self.user, self), self.user)
        form.addRow(buddy_label("U&RL", self.url, self), self.url)
        form.addRow(buddy_label("&Password", self.password, self), self.password)
        form.addRow("", self.remember)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.connect_button = self.buttons.addButton("&Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.try_connect)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._fill(settings.text("team/url"))

    # ---- Public API
    def try_connect(self) -> None:
        """Tests the login off the GUI thread; a refusal stays in the dialog as one line, the
        fields as typed, so the user fixes one and tries again."""
        if self._busy:
            return
        from briefing.services import split_password, team_url

        try:
            if self.url.text().strip():
                url, in_url = split_password(self.url.text())
            else:
                url, in_url = team_url(self.host.text(), self.port.value(), self.database.text(),
                                       self.user.text()), ""
        except ValidationError as exc:
            self.status.setText(str(exc))
            return
        password = self.password.text() or in_url
        self._set_busy(True, "Connecting…")

        def check(_token: object) -> None:
            from briefing.services import check_database, with_password

            check_database(with_password(url, password))

        def ok(_result: object) -> None:
            self.settings.set_text("team/url", url)  # never the password
            self.settings.sync()
            in_keyring = passwords.store(url, password) if self.remember.isChecked() else False
            if not in_keyring:
                passwords.store_session_only(url, password)
            self._set_busy(False, "Connected")
            self.accept()
            self._connected(url, password)

        def failed(failure: Failure) -> None:
            self._set_busy(False, failure.summary)

        self._ops.run(check, label="Test the connection", success=ok, failure=failed)

    # ---- Internals
    def _fill(self, url: str) -> None:
        if url:
            self.url.setText(url)

    def _set_busy(self, busy: bool, text: str) -> None:
        self._busy = busy
        self.status.setText(text)
        self.connect_button.setEnabled(not busy)
        self.adjustSize()  # a server's refusal wraps over two or three lines: show all of them
