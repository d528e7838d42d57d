"""One 支部党员大会 from 新建会议记录 to the printed PDF, done as a clerk does it — counted.

Used by the acceptance test (which checks every step on screen and in the store) and by
``python -m bench ui`` (which reports the count as ``congress_actions``). The clerk only does
what the screen does not already show correctly: a default that is right costs nothing, a
wrong or missing one costs the clicks and keys to fix it. So the count measures the form, not
the script.

The meeting (the same every run): today 09:00–11:30 at 林场党员活动室, chaired by 王书记,
recorded by the clerk 李组织; 钱党员 on leave (森林防火值班), 周党员 absent (外出未归); two agenda
items, two speeches, one vote (everyone present for), one resolution; finalized, saved as PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QWidget

from desktop_app.store import Store
from desktop_app.ui.editors.meeting import MeetingEditor
from desktop_app.ui.printing.dialog import PrintDialog
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.ui_settings import UiSettings
from desktop_app.ui.widgets.row_table import RowTable
from desktop_app.ui.workers import running_count
from tests.ui.clerk import Clerk, settle, wait_until
from tests.ui.steps import button, finalize, mark_attendance, new_meeting, row_of, save, toolbar_button

PLACE = "林场党员活动室"
CLERK = "李组织"
ROSTER = [
    # name, status, posts, group
    ("王书记", "full", ["secretary"], "第一党小组"),
    ("李组织", "full", ["organization"], "第一党小组"),
    ("赵宣传", "full", ["propaganda"], "第二党小组"),
    ("钱党员", "full", [], "第二党小组"),
    ("周党员", "full", [], "第一党小组"),
    ("吴党员", "full", [], "第二党小组"),
    ("郑党员", "full", [], "第一党小组"),
    ("孙预备", "probationary", [], "第二党小组"),
]
ABSENT = {"钱党员": ("请假", "森林防火值班"), "周党员": ("缺席", "外出未归")}
AGENDA = ["传达上级关于森林防火的部署", "审议支部年度工作计划"]
SPEECHES = [("王书记", "传达上级精神，部署秋季森林防火工作"), ("赵宣传", "建议增加巡山频次，加强宣传")]
VOTE = "通过支部年度工作计划"
RESOLUTION = "会议通过支部年度工作计划，由支委会组织落实"


@dataclass
class Outcome:
    editor: MeetingEditor
    pdf: Path
    actions: int
    clicks: int
    keys: int


def prepare_branch(store: Store, *, last_month_place: str = PLACE) -> dict[str, str]:
    """The branch as it is before the meeting: its roster and last month's 支委会 (held where the
    branch usually meets). Returns name → member id."""
    today = dt.date.today()
    store.records.create(
        "branch_profile",
        {"name": "毕拉河林场党支部", "has_committee": True, "party_groups": ["第一党小组", "第二党小组"],
         "records_since": (today - dt.timedelta(days=365)).isoformat()},
        author="setup",
    )
    ids = {}
    for name, status, posts, group in ROSTER:
        ids[name] = store.records.create(
            "member",
            {"name": name, "status": status, "posts": posts, "party_group": group, "join_date": "2010-07-01"},
            author="setup",
        ).record_id
    store.meta.set("clerk_name", CLERK)
    last_month = today.replace(day=1) - dt.timedelta(days=20)
    committee = [ids[n] for n in ("王书记", "李组织", "赵宣传")]
    store.records.create(
        "meeting",
        {"meeting_type": "committee", "title": f"{last_month.year}年{last_month.month}月支部委员会会议",
         "starts_at": f"{last_month.isoformat()}T09:00", "ends_at": f"{last_month.isoformat()}T10:00",
         "place": last_month_place, "chair_member_id": ids["王书记"], "recorder_member_id": ids[CLERK],
         "attendance": [{"member_id": m} for m in committee]},
        author="setup",
    )
    return ids


def free_row(clerk: Clerk, table: RowTable) -> int:
    """The first empty line of a list, after clicking 添加… when there is none."""
    for row in range(table.row_count()):
        if table.is_blank(table.row_values(row)):
            return row
    clerk.click(table.add_button)
    return table.row_count() - 1


def ensure_text(clerk: Clerk, field: Any, text: str) -> None:
    """Type ``text`` unless the field already says exactly that."""
    current = field.text() if hasattr(field, "text") else ""
    if current != text:
        clerk.fill(field, text)


def hold_congress(clerk: Clerk, shell: ShellWindow, folder: Path) -> Outcome:
    """The whole meeting; the minutes are saved as a PDF in ``folder`` (the folder this clerk
    saved in last time) under the name the dialog suggests."""
    today = dt.date.today()
    quarter = "一二三四"[(today.month - 1) // 3]
    title = f"{today.year}年第{quarter}季度支部党员大会"
    editor = new_meeting(clerk, shell)
    clerk.choose(editor.meeting_type, "支部党员大会")
    ensure_text(clerk, editor.title, title)
    start = f"{today.isoformat()} 09:00"
    if editor.starts_at.text() != start:
        if editor.starts_at.text().startswith(today.isoformat()):
            clerk.fill(editor.starts_at.line, "9:00")  # the day is right: the time alone
        if editor.starts_at.value() != f"{today.isoformat()}T09:00":
            clerk.fill(editor.starts_at.line, start)
    clerk.fill(editor.ends_at.line, "11:30")
    ensure_text(clerk, editor.place, PLACE)
    clerk.choose(editor.chair, "王书记")
    clerk.choose(editor.recorder, CLERK)

    # Attendance: everyone on the roll, then the two who were not there.
    if editor.attendance.row_count() == 0:
        clerk.click(button(editor, "从名册载入"))
    for name, (status, reason) in ABSENT.items():
        mark_attendance(clerk, editor, name, status, reason)

    # Agenda: one line after the other (Enter goes on to the next line).
    agenda = editor.agenda
    clerk.cell(agenda.table, free_row(clerk, agenda), 0)
    for i, item in enumerate(AGENDA):
        clerk.type(item)
        clerk.key(Qt.Key.Key_Return)
        settle(10)
        if i + 1 < len(AGENDA) and agenda.table.currentRow() != i + 1:
            clerk.click(agenda.add_button)  # the form offers no next line: add it
            clerk.cell(agenda.table, i + 1, 0)

    # Speeches: pick the speaker from the roster, say what was said.
    speeches = editor.speeches
    for number, (name, content) in enumerate(SPEECHES, start=1):
        row = free_row(clerk, speeches)
        clerk.cell_choose(speeches.table, row, 0, name)
        if speeches.row_values(row)["speaker"] != name:
            clerk.fill_cell(speeches.table, row, 1, name)
        # Enter goes on to the next speech's line; after the last one, Tab leaves the list.
        more = number < len(SPEECHES)
        clerk.fill_cell(speeches.table, row, 2, content, then=Qt.Key.Key_Return if more else Qt.Key.Key_Tab)

    # The vote: everyone with a vote who was there voted for it.
    present_voters = sum(1 for n, s, _p, _g in ROSTER if s == "full" and n not in ABSENT)
    votes = editor.votes
    row = free_row(clerk, votes)
    clerk.fill_cell(votes.table, row, 0, VOTE)
    clerk.fill_cell(votes.table, row, 7, str(present_voters))
    wait_until(lambda: "；通过。" in editor.vote_results.text(), 3000, "the vote verdict")

    resolutions = editor.resolutions
    row = free_row(clerk, resolutions)
    clerk.fill_cell(resolutions.table, row, 0, RESOLUTION)
    clerk.fill_cell(resolutions.table, row, 1, "1")

    save(clerk, editor)
    assert editor.record_id is not None, "the congress was not saved"
    finalize(clerk, editor)
    assert editor.status_final, "the congress was not finalized"
    pdf = print_pdf(clerk, editor, folder)
    return Outcome(editor, pdf, clerk.actions, clerk.clicks, clerk.keys)


@contextmanager
def without_shortcuts() -> Iterator[None]:
    """The meeting form as it was before issue 10's defaults (for the baseline of the count):
    no prefilled title, chair, recorder, place or attendance, no name filled from the roster,
    Enter does not go on to the next line, a start time cannot be typed alone."""
    from desktop_app.ui.widgets.row_table import RowTable

    saved = (MeetingEditor.new_record_defaults, MeetingEditor.build_form, RowTable._fill_name,
             RowTable._editor_closed, RowTable._go_on)
    original_build = MeetingEditor.build_form

    def build_form(self: MeetingEditor, container: QWidget) -> None:
        original_build(self, container)
        self.starts_at.default_date = None

    MeetingEditor.new_record_defaults = lambda self: None  # type: ignore[method-assign]
    MeetingEditor.build_form = build_form  # type: ignore[method-assign]
    RowTable._fill_name = lambda self, combo, key: None  # type: ignore[method-assign]
    RowTable._editor_closed = lambda self, editor, hint: None  # type: ignore[method-assign]
    RowTable._go_on = lambda self, combo, key: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        (MeetingEditor.new_record_defaults, MeetingEditor.build_form, RowTable._fill_name,
         RowTable._editor_closed, RowTable._go_on) = saved  # type: ignore[method-assign]


def print_pdf(clerk: Clerk, window: QWidget, folder: Path) -> Path:
    """打印 → 另存为PDF… → the file dialog, open in the folder used last with the suggested name
    (the meeting's title + 会议记录): 保存 as it stands; wait until the file is written."""
    clerk.click(toolbar_button(window, "打印"))
    dialog = wait_for_print_dialog()
    UiSettings().last_folder = str(folder)  # where this clerk keeps her PDFs
    pdf = folder / dialog.current_request().suggested_file_name()
    assert not pdf.exists()

    def save_as_suggested(file_dialog: QWidget) -> None:
        name = file_dialog.findChild(QLineEdit, "fileNameEdit")
        assert name is not None and name.text() == pdf.name, "the dialog suggests the record's name"
        clerk.click_button(file_dialog, "保存")

    save_as_suggested.dialog_kind = QFileDialog  # type: ignore[attr-defined]
    with clerk.on_dialog(save_as_suggested):
        clerk.click(dialog.save_button)
    wait_until(lambda: pdf.exists() and pdf.stat().st_size > 0 and not dialog.busy, 20_000, "the PDF")
    clerk.click(button(dialog, "关闭"))
    return pdf


def wait_for_print_dialog() -> PrintDialog:
    found: list[PrintDialog] = []

    def shown() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, PrintDialog) and w.isVisible()]
        return bool(found)

    wait_until(shown, 3000, "the print dialog")
    return found[-1]


def speech_row(editor: MeetingEditor, name: str) -> int:
    return row_of(editor.speeches, name)


def measure(data_dir: Path, *, baseline: bool = False) -> dict[str, int]:
    """Run the congress in a fresh ledger under ``data_dir`` (for ``python -m bench ui``)."""
    from desktop_app.operations.ledger import Ledger
    from desktop_app.store import KdfParams
    from desktop_app.ui.session import Session

    store, _key = Store.create(data_dir, "bench-ui-passphrase-2026", kdf=KdfParams.fast_for_tests())
    prepare_branch(store)
    shell = ShellWindow(data_dir, kdf=KdfParams.fast_for_tests(), offer_restore=False)
    shell.resize(1366, 768)
    shell.open_session(Session(Ledger(store)), restore=False)
    shell.show()
    clerk = Clerk()
    folder = data_dir.parent / "pdf"
    folder.mkdir()
    if baseline:
        with without_shortcuts():
            outcome = hold_congress(clerk, shell, folder)
    else:
        outcome = hold_congress(clerk, shell, folder)
    wait_until(lambda: running_count() == 0, 10_000)
    shell.lock()
    return {"actions": outcome.actions, "clicks": outcome.clicks, "keys": outcome.keys,
            "typed": content_chars()}


def content_chars() -> int:
    """How many characters of the meeting's own content the clerk types (no form can save these)."""
    texts = [*(reason for _s, reason in ABSENT.values()), *AGENDA, *(c for _n, c in SPEECHES), VOTE, RESOLUTION]
    return sum(len(t) for t in texts)
