"""One editor window per record kind; :mod:`.base` holds saving, autosave, 定稿 and violations."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_app.ui.editors.base import EditorWindow


def editor_class(kind: str) -> type[EditorWindow]:
    """The editor for a record kind (imported lazily: startup loads no editor code)."""
    if kind == "meeting":
        from desktop_app.ui.editors.meeting import MeetingEditor

        return MeetingEditor
    if kind == "member":
        from desktop_app.ui.editors.member import MemberEditor

        return MemberEditor
    if kind == "pioneer_post":
        from desktop_app.ui.editors.post import PostEditor

        return PostEditor
    if kind == "post_log":
        from desktop_app.ui.editors.post_log import PostLogEditor

        return PostLogEditor
    if kind == "post_evaluation":
        from desktop_app.ui.editors.evaluation import EvaluationEditor

        return EvaluationEditor
    if kind == "branch_profile":
        from desktop_app.ui.editors.branch import BranchEditor

        return BranchEditor
    raise KeyError(kind)

