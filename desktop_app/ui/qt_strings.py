"""Qt's own texts that Qt's Chinese catalogue (qtbase_zh_CN.qm) lacks for this Qt version.

Qt 6 changed some source strings (``&Look in:`` gained a mnemonic) and the catalogue shipped with
PySide6 still has the old ones, so the file dialog showed "Look in:" and "Folder" in English.
Marking them here puts them into our own catalogue under Qt's contexts; our translator is asked
first (i18n.install_translator installs it last), so Qt's widgets find the Chinese there.
"""

from __future__ import annotations

from desktop_app.ui.i18n import QT_TRANSLATE_NOOP

QT_STRINGS = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Folder"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "File"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "%1 File"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Drive"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Shortcut"),
)
