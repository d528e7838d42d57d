"""Each editor declares its fields once (``desktop_app/ui/editors/binding.py``), and the declaration
covers the body: a field added to a record kind must be declared in its editor — once — or be
carried (kept as loaded) on purpose, and what the editor loads it gives back unchanged.

Two checks. The first walks each kind's body model: every field (and every field of a nested
part such as a meeting's ``lecture``) is bound to exactly one widget, or carried, and nothing is
bound that the body does not have. The second loads full records into the real editor (the
path a clerk's double-click takes: the editor opens the stored record) and reads the form back —
every bound field is set to something other than its default in at least one of them, so a field
the form reads but does not load (or loads but drops) fails — then presses 保存 and finds no new
revision: the form wrote back exactly what it was given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from desktop_app.ui.editors import editor_class
from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.session import Session
from domain.enums import AttendanceStatus, ExclusionCategory, MeetingFormat
from domain.records import RECORD_KINDS, DomainModel, Meeting, RecordBody
from domain.validation import parse_body
from tests.ui.clerk import Clerk
from tests.ui.steps import save
from testsupport import print_samples as samples

EDITED_KINDS = ("branch_profile", "member", "meeting", "pioneer_post", "post_log", "post_evaluation")


def _nested_model(annotation: Any) -> type[DomainModel] | None:
    """The model of a nested part (``LectureDetails | None`` → LectureDetails), not of a list."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, DomainModel):
            return candidate
    return None


def body_paths(model: type[BaseModel], bound: set[str], prefix: str = "") -> list[str]:
    """Every field of ``model`` as a dotted path; a nested part bound field by field is opened."""
    out: list[str] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        nested = _nested_model(info.annotation)
        if nested is not None and path not in bound and any(p.startswith(path + ".") for p in bound):
            out.extend(body_paths(nested, bound, path + "."))
        else:
            out.append(path)
    return out


@contextmanager
def open_editor(session: Session, kind: str, record_id: str | None = None) -> Iterator[EditorWindow]:
    """The kind's editor window, shown (and closed after, without questions: it deletes itself)."""
    editor = editor_class(kind)(session, record_id)
    editor.show()
    try:
        yield editor
    finally:
        editor.force_close()


@pytest.mark.parametrize("kind", EDITED_KINDS)
def test_every_body_field_is_bound_once_or_carried(session: Session, kind: str) -> None:
    with open_editor(session, kind) as editor:
        bound = editor.form.bound_paths()
        carried = editor.form.carried_paths()
        # The violations of a field find its widget (the rules' messages are shown at the field).
        unplaced = [path for path in bound if editor.fields.widget_for(path) is None]
    assert not unplaced, f"{kind}: fields whose problems would show nowhere: {unplaced}"
    # ``attachments`` belongs to the editor's attachments panel (editors/attachments.py), which
    # loads and gives back a record's references in every editor (shown only where files belong).
    declared = [*bound, *carried, *(["attachments"] if editor.attachments.holds_references else [])]
    twice = sorted({p for p in declared if declared.count(p) > 1})
    assert not twice, f"{kind}: declared more than once: {twice}"
    fields = body_paths(RECORD_KINDS[kind], set(bound))
    missing = sorted(set(fields) - set(declared))
    unknown = sorted(set(declared) - set(fields))
    assert not missing, f"{kind}: body fields the editor neither binds nor carries: {missing}"
    assert not unknown, f"{kind}: bound to no body field: {unknown}"


# ---------------------------------------------------------------- full records, loaded and read back


def _meetings() -> list[Meeting]:
    """The printing samples (every meeting kind), with what they leave at its default filled in."""
    congress = samples.congress()
    attendance = list(congress.attendance)
    attendance[9] = attendance[9].model_copy(update={
        "status": AttendanceStatus.EXCLUDED, "reason": "住院治疗", "exclusion": ExclusionCategory.ILLNESS,
        "exclusion_approval": "林党字〔2025〕3号",
    })
    votes = [congress.votes[0].model_copy(update={"entitled": 10, "present": 8, "ballots_issued": 8,
                                                   "ballots_returned": 8, "candidate_member_id": "m11"})]
    congress = congress.model_copy(update={
        "attendance": attendance, "votes": votes, "chair_entrusted": True, "open_issues": "防火物资补充，下次会议再议",
        "recorder_member_id": "", "recorder_name": "林场文书刘洋",
    })
    lecture = samples.lecture()
    assert lecture.lecture is not None
    lecture = lecture.model_copy(update={
        "format": MeetingFormat.ONLINE, "chair_member_id": "", "chair_name": "上级党委宣传部李部长",
        "lecture": lecture.lecture.model_copy(update={
            "lecturer": "王建国", "lecturer_role": "支部书记", "is_integrity_lecture": True, "delivery": "线上",
        }),
    })
    theme_day = samples.theme_day()
    assert theme_day.theme_day is not None
    theme_day = theme_day.model_copy(update={
        "theme_day": theme_day.theme_day.model_copy(update={"linked_record_ids": ["m01"]}),
    })
    appraisal = samples.appraisal()
    graded = [appraisal.appraisal[0].model_copy(update={"comment": "带头作用突出"}), *appraisal.appraisal[1:]]
    return [congress, samples.committee(), samples.group_meeting(), lecture, theme_day, samples.org_life(),
            appraisal.model_copy(update={"appraisal": graded})]


def _records() -> list[tuple[str, dict[str, Any]]]:
    post = samples.post()
    return [
        ("branch_profile", {**samples.BRANCH.model_dump(mode="json"), "org_code": "5001", "has_committee": True,
                            "is_village_or_community": True, "records_since": "2024-01-01"}),
        ("member", {"name": "吴小兰", "gender": "female", "birth_date": "1996-04-02", "status": "probationary",
                    "join_date": "2025-06-06", "party_group": "第一党小组"}),
        ("member", {"name": "郑海", "gender": "male", "birth_date": "1980-04-02", "status": "full",
                    "join_date": "2004-06-06", "full_member_date": "2005-06-06", "party_group": "第二党小组",
                    "posts": ["group_leader"], "suspension": "probation_discipline", "suspension_until": "2026-12-31",
                    "state": "transferred_out", "state_date": "2026-11-01", "unit": "护林员",
                    "phone": "13800000000", "is_leading_cadre": True, "note": "调往二号林场"}),
        *[("meeting", m.model_dump(mode="json")) for m in _meetings()],
        ("pioneer_post", {**post.model_dump(mode="json"), "post_type": "collective",
                          "pledges": [{**post.pledges[0].model_dump(mode="json"), "note": "已完成"}]}),
        ("post_log", {"post_id": "", "member_id": "m06", "date": "2025-07-01", "category": "watchtower",
                      "hours": "8.5", "place": "一号瞭望塔", "description": "瞭望值守，报告烟点1处",
                      "outcome": "及时处置"}),
        ("post_evaluation", {"post_id": "", "member_id": "m06", "period": "2025-Q2", "evaluated_on": "2025-07-05",
                             "score": 92, "evaluators": "评议小组5人", "comment": "值守认真"}),
    ]


def _leaves(body: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in body.items():
        if isinstance(value, dict) and key != "required_actions":
            out.update(_leaves(value, f"{prefix}{key}."))
        out[f"{prefix}{key}"] = value
    return out


def test_what_an_editor_loads_it_reads_back_and_saves_unchanged(session: Session, clerk: Clerk, chinese: None) -> None:
    with session.lock:
        store = session.store
        for member_id, member in samples.MEMBERS.items():
            store.records.create("member", member, author="t", record_id=member_id)
        post_id = store.records.create("pioneer_post", samples.post(), author="t").record_id
        profile_id = store.records.branch_profile()
        assert profile_id is not None
    set_somewhere: dict[str, set[str]] = {}
    for kind, data in _records():
        if kind in ("post_log", "post_evaluation"):
            data = {**data, "post_id": post_id}
        with session.lock:
            if kind == "branch_profile":
                env = session.store.records.update(profile_id[0], data, author="t")
            else:
                env = session.store.records.create(kind, data, author="t")
        stored = env.body.model_dump(mode="json")
        defaults = _defaults(kind)
        set_somewhere.setdefault(kind, set()).update(
            path for path, value in _leaves(stored).items() if value not in (None, "", [], {}, False)
            and value != defaults.get(path)
        )
        revisions = history_length(session, env.record_id)
        with open_editor(session, kind, env.record_id) as editor:
            read, problems = parse_body(kind, editor.form_data())
            assert isinstance(read, RecordBody), (kind, problems)
            assert read.model_dump(mode="json") == stored, f"{kind}: the form changed what it loaded"
            save(clerk, editor)  # 保存 on the tool bar, as the clerk would
            assert editor.record_id == env.record_id and not editor.dirty, (
                problems_of(editor), editor.statusBar().currentMessage()
            )
        assert history_length(session, env.record_id) == revisions, f"{kind}: the unchanged form saved a new revision"
    # Every bound field was set in at least one record, so each was really loaded and read.
    for kind in EDITED_KINDS:
        with open_editor(session, kind) as editor:
            unexercised = sorted(set(editor.form.bound_paths()) - set_somewhere[kind])
        assert not unexercised, f"{kind}: no sample sets {unexercised}"


def history_length(session: Session, record_id: str) -> int:
    return len(session.read(lambda s: s.records.history(record_id)))


def problems_of(editor: EditorWindow) -> list[str]:
    return [editor.problems.item(i).text() for i in range(editor.problems.count())]


def _defaults(kind: str) -> dict[str, Any]:
    """The model's default of each field (dotted for nested parts) that has one."""
    out: dict[str, Any] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            if not info.is_required():
                default = info.get_default(call_default_factory=True)
                out[prefix + name] = default.value if hasattr(default, "value") else default
            nested = _nested_model(info.annotation)
            if nested is not None:
                walk(nested, f"{prefix}{name}.")

    walk(RECORD_KINDS[kind], "")
    for path, value in list(out.items()):
        if isinstance(value, Decimal):
            out[path] = str(value)
        elif isinstance(value, dt.date):
            out[path] = value.isoformat()
    return out
