"""The one entry point that judges a record body: schema first, then the domain rules.

Store, import, server and UI all call :func:`validate_record`; none of them re-implements a rule.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from domain.context import RuleContext
from domain.labels import field_label
from domain.records import RECORD_KINDS, RecordBody
from domain.rules import check_record
from domain.rules.voting import COUNT_MISMATCH
from domain.violations import Severity, Violation

_PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": "必须填写",
    "string_too_short": "不能为空",
    "string_too_long": "内容过长",
    "extra_forbidden": "不是可识别的字段",
    "enum": "不是可选的值",
    "date_from_datetime_parsing": "日期格式不正确（应为 YYYY-MM-DD）",
    "date_parsing": "日期格式不正确（应为 YYYY-MM-DD）",
    "date_type": "日期格式不正确（应为 YYYY-MM-DD）",
    "datetime_parsing": "时间格式不正确（应为 YYYY-MM-DDTHH:MM）",
    "datetime_from_date_parsing": "时间格式不正确（应为 YYYY-MM-DDTHH:MM）",
    "datetime_type": "时间格式不正确（应为 YYYY-MM-DDTHH:MM）",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "decimal_parsing": "应为数字",
    "greater_than_equal": "不能为负数或过小",
    "less_than_equal": "数值过大",
    "string_pattern_mismatch": "格式不正确",
    "list_type": "应为列表",
    "model_type": "格式不正确",
    "dict_type": "格式不正确",
    "bool_parsing": "应为是/否",
    "decimal_max_places": "小数位数过多",
    "decimal_max_digits": "数值过大",
}


def parse_body(kind: str, data: dict[str, Any] | RecordBody) -> tuple[RecordBody | None, list[Violation]]:
    """Parse raw data into the kind's model, turning schema errors into Chinese violations."""
    model_cls = RECORD_KINDS.get(kind)
    if model_cls is None:
        return None, [Violation("kind", "kind.unknown", f"未知的记录类型：{kind}")]
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
                text = _PYDANTIC_MESSAGES.get(err["type"], "填写不正确")
            violations.append(Violation(path, f"schema.{err['type']}", f"{field_label(path)}：{text}"))
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
    return Violation(violation.field, violation.code, violation.message, Severity.WARNING)


def has_errors(violations: list[Violation]) -> bool:
    return any(v.severity is Severity.ERROR for v in violations)
