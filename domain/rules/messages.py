"""How rule results are phrased: every message starts with the field's name, in the shown language.

The UI shows the message next to the field and the CLI prints it alone, so the message must
name the field itself ("出席情况第3项·缺席原因：必须填写" / "Attendance #3 · Reason for absence: required").
A rule writes its text in Chinese as a template with named fields and passes the values as keyword
arguments (an enum value shows as its label); the template is translated through
:mod:`domain.i18n` first and filled after, so names, counts and dates survive translation.
"""

from __future__ import annotations

from typing import Any

from domain.i18n import t
from domain.labels import field_label
from domain.violations import Severity, Violation


def text_for(path: str, text: str, lang: str | None = None, **params: Any) -> str:
    """The message for ``path``: the field's label, then the translated ``text`` with ``params``
    filled, in ``lang`` (default: the shown language)."""
    body = t(text, lang, **params)
    # "收回选票（12张）多于…" reads naturally without a colon; plain sentences get one.
    if text.startswith("（"):
        return t("{field}{text}", lang, field=field_label(path, lang), text=body)
    return t("{field}：{text}", lang, field=field_label(path, lang), text=body)


def error(path: str, code: str, text: str, **params: Any) -> Violation:
    """An error-level violation: the record cannot be saved until it is fixed."""
    return Violation(path, code, text_for(path, text, **params), Severity.ERROR, text, tuple(params.items()))


def warning(path: str, code: str, text: str, **params: Any) -> Violation:
    """A warning: shown to the clerk and head office, saving is not blocked."""
    return Violation(path, code, text_for(path, text, **params), Severity.WARNING, text, tuple(params.items()))
