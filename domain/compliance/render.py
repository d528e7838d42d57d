"""Plain-text rendering of a compliance report, for the CLI and for logs."""

from __future__ import annotations

from domain.compliance.report import ComplianceReport, ComplianceState, RequirementStatus, WindowStatus


def render_text(report: ComplianceReport) -> str:
    """The report in Chinese, one requirement per line, windows indented below when there are several."""
    lines = [
        f"{report.branch_name} {report.period.label_zh}组织生活完成情况（截至{report.today.isoformat()}）",
    ]
    for number, req in enumerate(report.requirements, start=1):
        lines.append(f"{number}. {req.label_zh}：{_requirement_line(req)}")
        if len(req.windows) > 1:
            lines.extend(f"    {w.period.label_zh}：{_window_line(w)}" for w in req.windows)
    overdue = len(report.overdue)
    due = len(report.due)
    lines.append(f"合计：逾期未完成{overdue}项，待完成{due}项。")
    if report.last_activity is not None:
        lines.append(
            f"最近一次活动：{report.last_activity.isoformat()}（{report.days_since_last_activity}天前）"
        )
    else:
        lines.append("最近一次活动：无记录")
    return "\n".join(lines)


def _requirement_line(req: RequirementStatus) -> str:
    if req.state is ComplianceState.NOT_APPLICABLE:
        return f"不适用（{req.note_zh}）" if req.note_zh else "不适用"
    text = f"{req.state.label}，已开展{req.done}次，应开展{req.required}次"
    if req.state in (ComplianceState.DUE, ComplianceState.OVERDUE) and req.due_date is not None:
        text += f"，截止{req.due_date.isoformat()}"
    if req.due_soon and req.state is ComplianceState.DUE:
        text += "（即将到期）"
    return text


def _window_line(window: WindowStatus) -> str:
    text = f"{window.done}/{window.required}，{window.state.label}"
    if window.due_soon:
        text += f"（{window.due_date.isoformat()}截止，即将到期）"
    return text
