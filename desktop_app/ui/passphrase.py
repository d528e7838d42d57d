"""Passphrase entry twice with a strength hint (first-run wizard and 设置 → change passphrase)."""

from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QProgressBar, QWidget

from desktop_app.operations.settings import MIN_PASSPHRASE_CHARS
from desktop_app.ui.i18n import translate


def strength_bits(passphrase: str) -> float:
    """A rough entropy estimate: length × log2(alphabet size of the character classes used).

    Only a hint for the clerk; Chinese characters count as a large alphabet, since a phrase of
    hanzi is hard to guess per character.
    """
    if not passphrase:
        return 0.0
    pool = 0
    if any(c.islower() for c in passphrase):
        pool += 26
    if any(c.isupper() for c in passphrase):
        pool += 26
    if any(c.isdigit() for c in passphrase):
        pool += 10
    if any(not c.isalnum() and ord(c) < 128 for c in passphrase):
        pool += 32
    if any(ord(c) > 0x2E80 for c in passphrase):
        pool += 3000
    distinct = len(set(passphrase))
    effective = min(len(passphrase), distinct + (len(passphrase) - distinct) // 3)
    return effective * math.log2(max(pool, 2))


class PassphraseFields(QWidget):
    """New passphrase, repeated, with a strength bar. ``passphrase()`` is None until acceptable."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setObjectName("passphrase1")
        self.first.setToolTip(
            translate("PassphraseFields", "At least {0} characters; a short sentence is easier to remember").format(
                MIN_PASSPHRASE_CHARS
            )
        )
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setObjectName("passphrase2")
        self.meter = QProgressBar()
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(8)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(translate("PassphraseFields", "New passphrase"), self.first)
        form.addRow(translate("PassphraseFields", "Repeat it"), self.second)
        form.addRow(translate("PassphraseFields", "Strength"), self.meter)
        form.addRow(self.hint)
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self._update()

    def problem(self) -> str:
        text = self.first.text()
        if len(text) < MIN_PASSPHRASE_CHARS:
            return translate("PassphraseFields", "The passphrase needs at least {0} characters.").format(
                MIN_PASSPHRASE_CHARS
            )
        if text != self.second.text():
            return translate("PassphraseFields", "The two passphrases are not the same.")
        return ""

    def passphrase(self) -> str | None:
        return None if self.problem() else self.first.text()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()

    def _update(self) -> None:
        bits = strength_bits(self.first.text())
        self.meter.setValue(min(100, int(bits)))
        if not self.first.text():
            hint = translate(
                "PassphraseFields",
                "Choose a passphrase only you know. It cannot be recovered without the recovery key.",
            )
            color = "#555"
        elif len(self.first.text()) < MIN_PASSPHRASE_CHARS:
            hint, color = self.problem(), "#b00020"
        elif bits < 40:
            hint, color = translate("PassphraseFields", "Weak: easy to guess. Use a longer phrase."), "#b00020"
        elif bits < 60:
            hint, color = translate("PassphraseFields", "Fair. A few more words would make it strong."), "#9a6700"
        else:
            hint, color = translate("PassphraseFields", "Strong."), "#1b5e20"
        if self.second.text() and self.first.text() != self.second.text():
            hint, color = translate("PassphraseFields", "The two passphrases are not the same."), "#b00020"
        self.hint.setText(hint)
        self.hint.setStyleSheet(f"color: {color};")
        self.meter.setStyleSheet(f"QProgressBar::chunk {{ background: {color}; }}")
        self.changed.emit()
