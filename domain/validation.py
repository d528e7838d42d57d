"""The one entry point that judges a record body: schema first, then the domain rules.

Store, import, server and UI all call :func:`validate_record`; none of them re-implements a rule.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import ValidationError

from domain.context import RuleContext
from domain.i18n import N_, t
from domain.records import RECORD_KINDS, RecordBody
from domain.rules import check_record
from domain.rules.messages import text_for
from domain.rules.voting import COUNT_MISMATCH
from domain.violations import Severity, Violation

_PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": N_("必须填写"),
    "string_too_short": N_("不能为空"),
    "string_too_long": N_("内容过长"),
    "extra_forbidden": N_("不是可识别的字段"),
    "enum": N_("不是可选的值"),
    "date_from_datetime_parsing": N_("日期格式不正确（应为 YYYY-MM-DD）"),
    "date_parsing": N_("日期格式不正确（应为 YYYY-MM-DD）"),
    "date_type": N_("日期格式不正确（应为 YYYY-MM-DD）"),
    "datetime_parsing": N_("时间格式不正确（应为 YYYY-MM-DDTHH:MM）"),
    "datetime_from_date_parsing": N_("时间格式不正确（应为 YYYY-MM-DDTHH:MM）"),
    "datetime_type": N_("时间格式不正确（应为 YYYY-MM-DDTHH:MM）"),
    "int_parsing": N_("应为整数"),
    "int_type": N_("应为整数"),
    "decimal_parsing": N_("应为数字"),
    "greater_than_equal": N_("不能为负数或过小"),
    "less_than_equal": N_("数值过大"),
    "string_pattern_mismatch": N_("格式不正确"),
    "list_type": N_("应为列表"),
    "model_type": N_("格式不正确"),
    "dict_type": N_("格式不正确"),
    "bool_parsing": N_("应为是/否"),
    "decimal_max_places": N_("小数位数过多"),
    "decimal_max_digits": N_("数值过大"),
}


def parse_body(kind: str, data: dict[str, Any] | RecordBody) -> tuple[RecordBody | None, list[Violation]]:
    """Parse raw data into the kind's model, turning schema errors into Chinese violations."""
    model_cls = RECORD_KINDS.get(kind)
    if model_cls is None:
        return None, [Violation("kind", "kind.unknown", t("未知的记录类型：{kind}", kind=kind))]
    if isinstance(data, model_cls):
        return data, []
    if isinstance(data, RecordBody):
        data = data.model_dump(mode="json")
    try:
        return model_cls.model_validate(data), []
    except ValidationError as exc:
        violations = []
        for err in exc.errors():
            path = ".".join(str(p) for p in err["loc"])
            if err["type"] == "value_error" and isinstance((err.get("ctx") or {}).get("error"), ValueError):
                # A reader such as domain.dates explains in Chinese what is wrong with the text.
                text = str(err["ctx"]["error"])
            else:
                text = t(_PYDANTIC_MESSAGES.get(err["type"], N_("填写不正确")))
            violations.append(Violation(path, f"schema.{err['type']}", text_for(path, "{message}", message=text)))
        return None, violations


def validate_record(
    kind: str,
    data: dict[str, Any] | RecordBody,
    context: RuleContext | None = None,
    *,
    finalizing: bool = False,
) -> tuple[RecordBody | None, list[Violation]]:
    """Return the parsed body (None if the schema rejected it) and every violation found.

    Error-level violations block saving; warnings are shown but do not. Checks a draft may still
    fail (see :func:`is_completeness`) block only 定稿: a clerk must be able to save a
    half-written draft, but never finalize an incomplete or unreconciled record.
    """
    body, violations = parse_body(kind, data)
    if body is None:
        return None, violations
    found = check_record(body, context or RuleContext())
    if not finalizing:
        found = [_as_warning(v) if is_completeness(v) else v for v in found]
    return body, found


# Not yet reconciled rather than impossible: typed 应到/实到 that disagree with the attendance list
# (the clerk may still be filling it in) block 定稿, not saving a draft.
_FINAL_ONLY_CODES = frozenset({COUNT_MISMATCH})


def is_completeness(violation: Violation) -> bool:
    """Whether ``violation`` blocks only 定稿: completeness (codes ending in ``missing``: no chair,
    no lecturer, no absence reason...) and counts still to reconcile."""
    return violation.code.endswith("missing") or violation.code in _FINAL_ONLY_CODES


def _as_warning(violation: Violation) -> Violation:
    return dataclasses.replace(violation, severity=Severity.WARNING)


def has_errors(violations: list[Violation]) -> bool:
    return any(v.severity is Severity.ERROR for v in violations)
