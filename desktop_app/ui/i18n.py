"""The window's side of the one translation mechanism (:mod:`domain.i18n`): a QTranslator backed by
the same gettext catalogs the domain, the CLI and printing use.

Window strings are written in English with ``translate("Context", "...")`` (literal arguments, so
``resources/translations/build.py`` collects them) and shown through :class:`CatalogTranslator`,
which answers Qt's lookups from ``zh_CN.mo`` or ``en.mo`` — the same catalogs, so a rule message,
an enum label and a button are translated by one lookup. Qt's own texts (standard dialog
buttons, file dialogs) come from ``qtbase_zh_CN.qm`` shipped with PySide6, asked after ours
(:mod:`desktop_app.ui.qt_strings` fills its gaps). Domain labels (meeting types, grades...) are
shown with :func:`enum_text`.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from domain import i18n
from domain.enums import LabelledEnum
from resources.locate import resource_files

QT_QM_NAME = "qtbase_zh_CN"  # in QLibraryInfo's translations path (PySide6 ships it)
_installed: list[QTranslator] = []  # the catalogues install_translator put on the application


class CatalogTranslator(QTranslator):
    """Qt's lookups (``QCoreApplication.translate``, ``tr``) answered from :mod:`domain.i18n`'s
    catalog for one language; None (a null QString: not found) lets Qt ask the next translator
    (Qt's own catalogue), then show the source. An empty string would blank the text."""

    def __init__(self, language: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.shown_language = i18n.normalize(language)

    def translate(  # type: ignore[override]
        self, context: str, source_text: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return i18n.lookup(context, source_text, self.shown_language)

    def isEmpty(self) -> bool:
        return False


def install_translator(app: QCoreApplication, language: str) -> QTranslator:
    """Show the window and every message in ``language`` (``zh_CN`` or ``en``): sets
    :mod:`domain.i18n`'s language and installs the catalog translator (plus Qt's own Chinese
    catalogue for ``zh_CN``). Catalogues installed by an earlier call are removed first. Returns
    the app's translator."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    i18n.set_language(language)
    if i18n.language() == i18n.CHINESE:
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        qt_translator = QTranslator(app)
        if qt_translator.load(QT_QM_NAME, QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt_translator)
            _installed.append(qt_translator)
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    translator = CatalogTranslator(language, app)
    app.installTranslator(translator)  # installed last, so it is asked first
    _installed.append(translator)
    return translator


def translate(context: str, text: str) -> str:
    """``QCoreApplication.translate``; call it with literal arguments so lupdate can collect them."""
    return QCoreApplication.translate(context, text)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark ``text`` for translation in ``context`` without translating it now (typed, unlike Qt's)."""
    return text


_KIND_NAMES = {
    "meeting": QT_TRANSLATE_NOOP("RecordKind", "Meeting"),
    "member": QT_TRANSLATE_NOOP("RecordKind", "Member"),
    "pioneer_post": QT_TRANSLATE_NOOP("RecordKind", "Pioneer post"),
    "post_log": QT_TRANSLATE_NOOP("RecordKind", "Post log"),
    "post_evaluation": QT_TRANSLATE_NOOP("RecordKind", "Post evaluation"),
    "branch_profile": QT_TRANSLATE_NOOP("RecordKind", "Branch profile"),
    "notice": QT_TRANSLATE_NOOP("RecordKind", "Notice"),
    "review": QT_TRANSLATE_NOOP("RecordKind", "Head office review"),
    "notice_receipt": QT_TRANSLATE_NOOP("RecordKind", "Notice receipt"),
}


def kind_name(kind: str) -> str:
    """The display name of a record kind (``"member"`` → 党员); unknown kinds are shown as they are."""
    name = _KIND_NAMES.get(kind)
    return QCoreApplication.translate("RecordKind", name) if name else kind


def current_language() -> str:
    return i18n.language()


def local_time(iso: str | None) -> str:
    """An ISO timestamp (the sync engine's are UTC) as local wall-clock time to the minute; "" for None."""
    if not iso:
        return ""
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.tzinfo is not None:
        when = when.astimezone()
    return when.strftime("%Y-%m-%d %H:%M")


def register_fonts(app: QApplication) -> list[str]:
    """Register the shipped fonts and add the CJK family as a fallback behind the platform font.

    The platform font stays first (it matches the desktop); the shipped family guarantees Chinese
    glyphs on machines without a CJK font (a bare Windows Server, a minimal Linux).
    """
    families: list[str] = []
    for path in resource_files("fonts", (".ttf", ".ttc", ".otf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            for family in QFontDatabase.applicationFontFamilies(font_id):
                if family not in families:
                    families.append(family)
    cjk = [f for f in families if "Symbols" not in f]
    if cjk:
        font = QFont(app.font())
        font.setFamilies([app.font().family(), *cjk])
        app.setFont(font)
    return families


def enum_text(value: LabelledEnum) -> str:
    """The display name of a domain code in the current language."""
    return i18n.label(value)


def enum_code_text(enum_cls: type[LabelledEnum], code: str | None) -> str:
    """Like :func:`enum_text` for a raw code from an index row; unknown codes are shown as they are."""
    if not code:
        return ""
    try:
        return enum_text(enum_cls(code))
    except ValueError:
        return code
