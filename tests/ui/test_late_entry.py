"""补录 through the real window: a meeting held before the branch's 台账起始日期, entered now, is
saved, counts, and is marked as entered later in the editor's state line, the meetings list, the
printed minutes (with the day it was entered) and the printed 台账 — each PDF read back."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_app.compliance_query import compliance_report
from desktop_app.ui.pages.meetings import MeetingsPage
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.ui_settings import UiSettings
from tests.ui.clerk import Clerk, wait_until
from tests.ui.steps import finalize, go_to, new_meeting, problems, save, toolbar_button
from tests.ui.test_printing import print_dialog

pytestmark = [pytest.mark.usefixtures("chinese")]

TODAY = dt.date.today()
SINCE = dt.date(TODAY.year, 1, 1)  # the branch started its ledger here this January
HELD = dt.date(TODAY.year - 1, 11, 5)  # last November's meeting, from the paper minutes


def text_of(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return "".join(out.split())


def day_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.fixture
def ledger_since(session: Session) -> None:
    profile = session.read(lambda s: s.records.branch_profile())
    assert profile is not None
    with session.lock:
        session.store.records.update(
            profile[0], {**profile[1].model_dump(mode="json"), "records_since": SINCE.isoformat()}, author="t"
        )


def save_pdf(clerk: Clerk, path: Path) -> None:
    """In the open print dialog: 另存为PDF… → type the name in the file dialog → 保存 → 关闭."""
    dialog = print_dialog()
    UiSettings().last_folder = str(path.parent)
    with clerk.on_dialog(clerk.open_file(path.stem, "保存")):
        clerk.click(dialog.save_button)
    wait_until(lambda: not dialog.busy and path.exists(), 30_000, "the PDF")
    clerk.click_button(dialog, "关闭")


@pytest.mark.usefixtures("ledger_since")
def test_an_earlier_meeting_is_marked_entered_later_on_screen_and_on_paper(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    editor = new_meeting(clerk, shell)
    clerk.choose(editor.meeting_type, "支部委员会会议")
    clerk.fill(editor.title, "冬季护林防火支委会")
    clerk.fill(editor.starts_at.line, f"{HELD.year}年{HELD.month}月{HELD.day}日 9:00")
    clerk.fill(editor.ends_at.line, "11:00")
    clerk.fill(editor.place, "场部会议室")
    clerk.choose(editor.recorder, "李组织")
    clerk.fill(editor.discussion, "研究冬季护林防火值班安排")
    save(clerk, editor)
    assert editor.record_id is not None, problems(editor)
    # The editor's state line says so, with the day the ledger began.
    assert f"补录（会议早于台账起始日期 {SINCE.isoformat()}）" in editor.state_label.text()
    finalize(clerk, editor)
    stored = session.read(lambda s: s.records.get(str(editor.record_id)))
    assert stored.is_final and stored.body.starts_at.date() == HELD  # type: ignore[attr-defined]
    assert "补录" in editor.state_label.text()

    # Printed from the editor: the minutes carry the 补录 note with the day it was entered.
    clerk.click(toolbar_button(editor, "打印"))
    save_pdf(clerk, tmp_path / "minutes.pdf")
    minutes = text_of(tmp_path / "minutes.pdf")
    entered = dt.datetime.fromisoformat(stored.created_at).date()
    assert (f"补录记录：本次会议于{day_zh(HELD)}召开，早于本支部台账起始日期（{day_zh(SINCE)}），"
            f"系{day_zh(entered)}根据原始记录补录入台账。") in minutes
    assert "冬季护林防火支委会" in minutes and "研究冬季护林防火值班安排" in minutes
    clerk.click(toolbar_button(editor, "关闭"))

    # The meetings list marks it; a meeting of this year, entered in time, is not marked.
    with session.lock:
        session.store.records.create("meeting", {
            "meeting_type": "group", "title": "第一党小组会", "starts_at": f"{TODAY.isoformat()}T09:00:00",
            "party_group": "第一党小组", "attendance": [{"member_id": roster["王书记"]}]}, author="t")
    session.notify("meeting")  # written behind the window's back: tell it, as every write does
    page = go_to(clerk, shell, "会议记录")
    assert isinstance(page, MeetingsPage)
    wait_until(lambda: page.model.rowCount() == 2, 5000, "the list")
    status = {page.model.data(page.model.index(r, 2)): page.model.data(page.model.index(r, 4))
              for r in range(page.model.rowCount())}
    assert status == {"冬季护林防火支委会": "定稿 · 补录", "第一党小组会": "草稿"}

    # The 台账 of last year lists it as 补录 and says what that means.
    clerk.pick(page.print_button, "某一期间的台账…")
    ledger = print_dialog()
    clerk.choose(ledger.period.kind, "年")  # type: ignore[attr-defined]
    clerk.click(ledger.period.year)  # type: ignore[attr-defined]
    clerk.key(Qt.Key.Key_Down)  # last year
    assert ledger.current_request().target == str(HELD.year)
    save_pdf(clerk, tmp_path / "ledger.pdf")
    text = text_of(tmp_path / "ledger.pdf")
    assert "冬季护林防火支委会" in text and "定稿（补录）" in text
    assert f"状态栏标“补录”的活动早于本支部台账起始日期（{day_zh(SINCE)}），系事后补录。" in text
    assert "补录记录：本次会议于" in text  # its full minutes, in the 台账, with the note

    # And it counts: last year's fourth quarter has its 支委会.
    report = session.read(lambda s: compliance_report(s, f"{HELD.year}-Q4", TODAY))
    assert report.requirement("committee").done >= 1
