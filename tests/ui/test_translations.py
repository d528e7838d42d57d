"""Chinese by default from the committed .qm; English when chosen; the catalogue is complete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from desktop_app.ui.i18n import enum_text, install_translator, register_fonts
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from domain.enums import MeetingType
from resources.locate import resource_path
from tests.ui.conftest import FAST_KDF
from testsupport.catalog_build import build_module


def test_catalogue_is_complete_and_compiled() -> None:
    assert build_module().check() == []


def test_chinese_is_the_default_and_english_is_the_source(qapp: QApplication, session: Session, qtbot: Any) -> None:
    translator = install_translator(qapp, "zh_CN")
    assert translator is not None
    try:
        assert QCoreApplication.translate("Workspace", "Meetings") == "会议记录"
        assert enum_text(MeetingType.LECTURE) == "党课"
        window = ShellWindow(session.store.data_dir, kdf=FAST_KDF, offer_restore=False)
        qtbot.addWidget(window)
        window.open_session(session, restore=False)
        assert window.workspace is not None
        assert window.workspace.nav.item(1).text() == "会议记录"
        assert window.action_lock.text().startswith("锁定")
    finally:
        qapp.removeTranslator(translator)
        install_translator(qapp, "en")
    assert QCoreApplication.translate("Workspace", "Meetings") == "Meetings"
    assert enum_text(MeetingType.LECTURE) == "Party lecture"


def test_qt_own_buttons_follow_the_language(qapp: QApplication, qtbot: Any) -> None:
    """Standard buttons (QMessageBox, QDialogButtonBox) come from Qt's qtbase catalogue."""
    buttons = QDialogButtonBox.StandardButton
    install_translator(qapp, "zh_CN")
    try:
        box = QDialogButtonBox(buttons.Ok | buttons.Cancel)
        qtbot.addWidget(box)
        assert (box.button(buttons.Ok).text(), box.button(buttons.Cancel).text()) == ("确定", "取消")
        question = QMessageBox()
        qtbot.addWidget(question)
        question.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        assert question.button(QMessageBox.StandardButton.Yes).text().startswith("是")
        assert question.button(QMessageBox.StandardButton.No).text().startswith("否")
    finally:
        install_translator(qapp, "en")
    english = QDialogButtonBox(buttons.Cancel)  # switching back removes both catalogues
    qtbot.addWidget(english)
    assert english.button(buttons.Cancel).text() == "Cancel"
    assert QCoreApplication.translate("Workspace", "Meetings") == "Meetings"


def test_shipped_fonts_are_registered(qapp: QApplication) -> None:
    families = register_fonts(qapp)
    shipped = [p for p in Path(resource_path("fonts")).glob("*.ttf")]
    assert shipped, "resources/fonts should hold the CJK font"
    assert any("Serif SC" in f for f in families)
