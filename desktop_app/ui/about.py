"""The application icon and the About box (Help → About): name, version, where the data and logs are.

Texts here are chosen by the current language rather than through the .ts catalogue, so this
small box does not touch the translators' files.
"""

from __future__ import annotations

import platform
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from branch_ledger import __version__
from desktop_app.logs import log_dir
from desktop_app.ui.i18n import translate
from resources.locate import resource_path

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """The window/taskbar icon, from the rendered PNG sizes (resources/icons/build_icons.py)."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", "hicolor", f"{size}x{size}", "branch-ledger.png")
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon


def _texts() -> dict[str, str]:
    return {"title": translate("AboutDialog", "About BranchLedger"),
            "heading": translate("AboutDialog", "BranchLedger"),
            "version": translate("AboutDialog", "Version"),
            "tagline": translate("AboutDialog", "Offline-first, encrypted records for Party branches, synced with "
                                                "head office when online."),
            "data": translate("AboutDialog", "Data directory: "),
            "logs": translate("AboutDialog", "Log directory: "),
            "fonts": translate("AboutDialog", "Bundled fonts: subsets of Noto Serif CJK (SIL OFL 1.1) and DejaVu Sans")}


class AboutDialog(QDialog):
    """Name, version and the two folders a clerk (or the help desk) asks about."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        texts = _texts()
        self.setWindowTitle(texts["title"])
        self.setObjectName("aboutDialog")
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(96, 96))
        logo.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.name = QLabel(f"<h2>{texts['heading']}</h2>")
        self.version = QLabel(f"{texts['version']} {__version__}")
        self.version.setObjectName("aboutVersion")
        self.version.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        details = QLabel(
            f"{texts['tagline']}<br><br>{texts['data']}{data_dir}<br>{texts['logs']}{log_dir()}<br><br>"
            f"<small>{texts['fonts']}<br>Python {platform.python_version()} · {platform.system()} {platform.machine()}"
            "</small>")
        details.setWordWrap(True)
        details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QVBoxLayout()
        for widget in (self.name, self.version, details):
            text.addWidget(widget)
        top = QHBoxLayout()
        top.addWidget(logo)
        top.addLayout(text, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
