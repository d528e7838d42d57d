"""The one way a user-visible string reaches the clerk's language: a gettext catalog per language.

Every string is written in the code in its source language — English in the window
(``translate("Context", "Save")``), Chinese in the domain, the store, sync and the command line
(``t("不能早于出生日期")``, ``pt("MeetingType", "党课")``) — and looked up here, keyed by context and
source text, in the catalog of the language being shown: ``resources/translations/zh_CN.po`` gives
the Chinese of English sources, ``en.po`` the English of Chinese ones (both hold every message;
an empty translation means "as written"). The compiled ``.mo`` files are committed beside them
and read with the standard library's :mod:`gettext`, so nothing here needs Qt or Babel: the
domain, the CLI, printing and head office use the same lookup as the window, whose
``QTranslator`` (:class:`desktop_app.ui.i18n.CatalogTranslator`) asks :func:`lookup` too.

Messages with parameters are templates with named fields, translated first and filled after, so
a name, a count or a date survives translation: ``t("正式党员{name}未评定等次", name=name)``.
Enum labels translate through :func:`label` (context: the enum's class name).

The language is one setting for the process (:func:`set_language`, chosen at start: the window's
settings, ``--lang`` for the CLI); a caller that must write Chinese whatever the window shows —
printing, since official documents are Chinese — passes ``lang="zh_CN"``. A server answering
people of both languages at once (head office's web console) sets the language of one request
with :func:`use_language`: a context variable, so it follows the request into its worker thread
and never leaks into another request.

``python resources/translations/build.py`` collects the strings and compiles the catalogs; its
``--check`` (run by ``tests/ui/test_translations.py``) fails when a Chinese source has no English
or an English source no Chinese.
"""

from __future__ import annotations

import gettext
import threading
from collections.abc import Iterable
from contextvars import ContextVar, Token
from enum import Enum
from typing import Any

from resources.locate import resource_path

CHINESE = "zh_CN"
ENGLISH = "en"
LANGUAGES = (CHINESE, ENGLISH)

_state = {"language": CHINESE}
_request_language: ContextVar[str | None] = ContextVar("branchledger_language", default=None)
_catalogs: dict[str, gettext.NullTranslations] = {}
_loading = threading.Lock()


def normalize(language: str | None) -> str:
    """``"en"``, ``"en_US.UTF-8"`` → ``"en"``; anything else (``"zh"``, ``"zh_CN"``, None) → ``"zh_CN"``."""
    return ENGLISH if (language or "").lower().startswith("en") else CHINESE


def set_language(language: str) -> None:
    """Show every later message in ``language`` (the window calls it at start, the CLI per run)."""
    _state["language"] = normalize(language)


def use_language(language: str | None) -> Token[str | None]:
    """Show messages in ``language`` in the current context only (one web request), whatever the
    process's language; None: the process's. Returns the token to undo it with."""
    return _request_language.set(normalize(language) if language else None)


def reset_language(token: Token[str | None]) -> None:
    """Undo :func:`use_language` (the request is answered)."""
    _request_language.reset(token)


def language() -> str:
    """The language messages are shown in now: ``"zh_CN"`` (the default) or ``"en"``."""
    return _request_language.get() or _state["language"]


def catalog_path(lang: str) -> str:
    return str(resource_path("translations", f"{normalize(lang)}.mo"))


def _catalog(lang: str) -> gettext.NullTranslations:
    found = _catalogs.get(lang)
    if found is not None:
        return found
    with _loading:
        if lang not in _catalogs:
            try:
                with open(catalog_path(lang), "rb") as handle:
                    _catalogs[lang] = gettext.GNUTranslations(handle)
            except OSError:  # a broken install shows the source text rather than nothing
                _catalogs[lang] = gettext.NullTranslations()
        return _catalogs[lang]


def reload() -> None:
    """Forget the loaded catalogs (the build script calls it after compiling new ones)."""
    with _loading:
        _catalogs.clear()


def lookup(context: str | None, text: str, lang: str | None = None) -> str | None:
    """The translation of ``text`` in ``context`` for ``lang`` (default: the current language), or
    None when the catalog has none (the source text is then shown as written). The empty text has
    no translation: gettext would answer it with the catalog's header block."""
    if not text:
        return None
    catalog = _catalog(normalize(lang) if lang else language())
    found = catalog.pgettext(context, text) if context else catalog.gettext(text)
    return None if found == text else found


def pt(context: str | None, text: str, /, lang: str | None = None, **params: Any) -> str:
    """``text`` (a literal, so the build script can collect it) in the shown language, its
    ``{named}`` fields filled from ``params`` after translation."""
    found = lookup(context, text, lang)
    template = text if found is None else found
    if not params:
        return template
    shown = {k: label(v, lang) if isinstance(v, Enum) else v for k, v in params.items()}
    return template.format(**shown)


def t(text: str, /, lang: str | None = None, **params: Any) -> str:
    """:func:`pt` without a context — the usual form for domain, store, sync and CLI messages."""
    return pt(None, text, lang, **params)


def label(value: Enum, lang: str | None = None) -> str:
    """The display name of a domain code (``MeetingType.LECTURE`` → 党课 / Party lecture)."""
    chinese = getattr(value, "label", None)
    if not isinstance(chinese, str):
        return str(value.value)
    return pt(type(value).__name__, chinese, lang)


def listing(items: Iterable[object], lang: str | None = None) -> str:
    """Items joined as a list is written in the shown language: 甲、乙 / A, B (enums as labels)."""
    shown = [label(i, lang) if isinstance(i, Enum) else str(i) for i in items]
    return ("、" if (normalize(lang) if lang else language()) == CHINESE else ", ").join(shown)


def N_(text: str) -> str:
    """Mark a Chinese constant for the catalog without translating it now; show it with ``t(text)``."""
    return text
