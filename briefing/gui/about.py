"""AboutDialog: what this is, and the versions of everything it runs on (for bug reports)."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from briefing.gui.icons import app_icon
from briefing.gui.widgets import Heading, MutedLabel

_PACKAGES = (
    "PySide6",
    "matplotlib",
    "reportlab",
    "python-docx",
    "python-pptx",
    "SQLAlchemy",
    "pypdf",
)


def versions() -> list[tuple[str, str]]:
    """(name, version) of Briefing and what it runs on; read from metadata, nothing is imported."""
    from briefing import __version__

    out = [("Briefing", __version__), ("Python", sys.version.split()[0]), ("Qt", qVersion())]
    for name in _PACKAGES:
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            out.append((name, "not installed"))
    out.append(("System", f"{platform.system()} {platform.release()} ({platform.machine()})"))
    return out


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Briefing")
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(96, 96))
        logo.setAlignment(Qt.AlignmentFlag.AlignTop)
        title = Heading("Briefing", self, scale=1.6)
        blurb = MutedLabel(
            "Findings in; audience briefings, Word and PDF documents and slide-ready charts out.",
            self,
        )
        rows = "".join(
            f"<tr><td style='padding-right:14px'>{n}</td><td>{v}</td></tr>" for n, v in versions()
        )
        table = QLabel(f"<table>{rows}</table>", self)
        table.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(blurb)
        text.addSpacing(8)
        text.addWidget(table)
        top = QHBoxLayout()
        top.addWidget(logo)
        top.addSpacing(12)
        top.addLayout(text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
