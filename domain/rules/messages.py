"""How rule results are phrased: every message starts with the field's Chinese name.

The UI shows the message next to the field and the CLI prints it alone, so the message must
name the field itself ("出席情况第3项·缺席原因：必须填写").
"""

from __future__ import annotations

from domain.labels import field_label
from domain.violations import Severity, Violation


def _text(path: str, text: str) -> str:
    # "收回选票（12张）多于…" reads naturally without a colon; plain sentences get one.
    sep = "" if text.startswith("（") else "："
    return f"{field_label(path)}{sep}{text}"


def error(path: str, code: str, text: str) -> Violation:
    """An error-level violation: the record cannot be saved until it is fixed."""
    return Violation(path, code, _text(path, text), Severity.ERROR)


def warning(path: str, code: str, text: str) -> Violation:
    """A warning: shown to the clerk and head office, saving is not blocked."""
    return Violation(path, code, _text(path, text), Severity.WARNING)
