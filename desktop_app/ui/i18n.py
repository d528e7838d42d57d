"""Language and fonts: the Chinese translator (the default), English as the untranslated source.

Source strings are English, wrapped in ``tr()``; ``resources/translations/branchledger_zh_CN.ts``
holds the Chinese, compiled to the committed ``.qm`` next to it (rebuild with
``python resources/translations/build.py``; a test fails when the two disagree). Qt's own texts
(standard dialog buttons, file dialogs) come from ``qtbase_zh_CN.qm`` shipped with PySide6. Domain labels
(meeting types, grades...) already come in Chinese from :mod:`domain.enums`; in English mode
:func:`enum_text` shows the English names below instead.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from domain.enums import LabelledEnum
from resources.locate import resource_files, resource_path

QM_NAME = "branchledger_zh_CN.qm"
QT_QM_NAME = "qtbase_zh_CN"  # in QLibraryInfo's translations path (PySide6 ships it)
_state = {"language": "zh_CN"}
_installed: list[QTranslator] = []  # the catalogues install_translator put on the application


def install_translator(app: QCoreApplication, language: str) -> QTranslator | None:
    """Load the Chinese catalogues for ``zh_CN``: the app's and Qt's own (``qtbase``, for the buttons
    of QMessageBox / QDialogButtonBox and the file dialogs); English needs none. Catalogues installed
    by an earlier call are removed first. Returns the app's translator (None when not loaded)."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    _state["language"] = language
    if language != "zh_CN":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return None
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    qt_translator = QTranslator(app)
    if qt_translator.load(QT_QM_NAME, QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_translator)
        _installed.append(qt_translator)
    translator = QTranslator(app)
    if translator.load(str(resource_path("translations", QM_NAME))):
        app.installTranslator(translator)  # installed last, so it is asked first
        _installed.append(translator)
        return translator
    return None


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
    return _state["language"]


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


_ENGLISH: dict[str, dict[str, str]] = {
    "MeetingType": {
        "party_congress": "Branch general meeting",
        "committee": "Branch committee meeting",
        "group": "Party group meeting",
        "lecture": "Party lecture",
        "theme_day": "Theme day",
        "org_life": "Organisational life meeting",
        "appraisal": "Democratic appraisal",
        "talk": "Heart-to-heart talk",
        "other": "Other meeting",
    },
    "MeetingFormat": {"in_person": "In person", "online": "Online", "hybrid": "Hybrid"},
    "AttendanceStatus": {"present": "Present", "leave": "On leave", "absent": "Absent", "excluded": "Not counted"},
    "ExclusionCategory": {
        "illness": "Illness",
        "abroad": "Abroad > 6 months",
        "sentence": "Serving a sentence",
        "infirm": "Old or bedridden",
        "away_untransferred": "Away > 6 months, not transferred",
        "retired_hometown": "Retired to home town",
    },
    "Gender": {"male": "Male", "female": "Female"},
    "MemberStatus": {"full": "Full member", "probationary": "Probationary"},
    "MembershipState": {
        "active": "Active",
        "transferred_out": "Transferred out",
        "removed": "Removed",
        "deceased": "Deceased",
    },
    "RightsSuspension": {
        "none": "None",
        "probation_discipline": "Party probation",
        "detained": "Detained",
        "arrested": "Arrested",
    },
    "BranchPost": {
        "secretary": "Secretary",
        "deputy_secretary": "Deputy secretary",
        "organization": "Organisation",
        "propaganda": "Publicity",
        "discipline": "Discipline",
        "committee_member": "Committee member",
        "group_leader": "Group leader",
    },
    "VoteKind": {
        "ordinary": "Ordinary",
        "admission": "Admission",
        "full_membership": "Full membership",
        "election": "Election",
    },
    "VoteMethod": {"show_of_hands": "Show of hands", "secret_ballot": "Secret ballot"},
    "AppraisalGrade": {
        "excellent": "Excellent",
        "qualified": "Qualified",
        "basically_qualified": "Basically qualified",
        "unqualified": "Unqualified",
    },
    "PostCategory": {
        "fire_prevention": "Fire prevention",
        "patrol": "Patrol",
        "watchtower": "Watchtower duty",
        "checkpoint": "Checkpoint",
        "publicity": "Publicity",
        "firefighting": "Firefighting",
        "pest_control": "Pest control",
        "restoration": "Planting/restoration",
        "degraded_forest": "Degraded forest repair",
        "other": "Other",
    },
    "PostType": {"individual": "Individual", "collective": "Collective"},
    "PlaqueStatus": {"not_hung": "Not hung", "hung": "Hung", "removed": "Removed"},
    "RecordStatus": {"draft": "Draft", "final": "Final"},
}


def enum_text(value: LabelledEnum) -> str:
    """The display name of a domain code in the current language."""
    if _state["language"] == "zh_CN":
        return value.label
    return _ENGLISH.get(type(value).__name__, {}).get(value.value, value.value)


def enum_code_text(enum_cls: type[LabelledEnum], code: str | None) -> str:
    """Like :func:`enum_text` for a raw code from an index row; unknown codes are shown as they are."""
    if not code:
        return ""
    try:
        return enum_text(enum_cls(code))
    except ValueError:
        return code
