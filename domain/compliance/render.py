"""Plain-text rendering of a compliance report, for the CLI and for logs.

In the shown language (:mod:`domain.i18n`: Chinese by default, English with ``--lang en``): the
requirement names and notes are the report's shown-language ones (``label``/``note``, filled when
the report was computed), the rest are catalog templates here.
"""

from __future__ import annotations

from domain.compliance.report import ComplianceReport, ComplianceState, RequirementStatus, WindowStatus
from domain.i18n import t


def render_text(report: ComplianceReport) -> str:
    """The report, one requirement per line, windows indented below when there are several."""
    lines = [
        t("{branch} {period}组织生活完成情况（截至{today}）", branch=report.branch_name, period=report.period.label,
          today=report.today.isoformat()),
    ]
    for number, req in enumerate(report.requirements, start=1):
        lines.append(t("{number}. {requirement}：{status}", number=number, requirement=req.label or req.label_zh,
                       status=_requirement_line(req)))
        if len(req.windows) > 1:
            lines.extend(t("    {period}：{status}", period=w.period.label, status=_window_line(w))
                         for w in req.windows)
    lines.append(t("合计：逾期未完成{overdue}项，待完成{due}项。", overdue=len(report.overdue), due=len(report.due)))
    if report.last_activity is not None:
        lines.append(t("最近一次活动：{date}（{days}天前）", date=report.last_activity.isoformat(),
                       days=report.days_since_last_activity))
    else:
        lines.append(t("最近一次活动：无记录"))
    return "\n".join(lines)


def _requirement_line(req: RequirementStatus) -> str:
    if req.state is ComplianceState.NOT_APPLICABLE:
        note = req.note or req.note_zh
        return t("不适用（{note}）", note=note) if note else t("不适用")
    text = t("{state}，已开展{done}次，应开展{required}次", state=t(req.state.label), done=req.done,
             required=req.required)
    if req.state in (ComplianceState.DUE, ComplianceState.OVERDUE) and req.due_date is not None:
        text += t("，截止{date}", date=req.due_date.isoformat())
    if req.due_soon and req.state is ComplianceState.DUE:
        text += t("（即将到期）")
    return text


def _window_line(window: WindowStatus) -> str:
    text = t("{done}/{required}，{state}", done=window.done, required=window.required,
             state=t(window.state.label))
    if window.due_soon:
        text += t("（{date}截止，即将到期）", date=window.due_date.isoformat())
    return text
