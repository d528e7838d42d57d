"""First run through the real window: typed and imported rosters, nothing typed ever dropped.

Everything here is done with the keyboard and mouse (tests/ui/clerk.py): the wizard's own
buttons, typing into the roster table's cells, the real file dialog for 导入名册….
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtWidgets import QWizard

from desktop_app.store import Store
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.wizard.first_run import PAGE_RECOVERY, PAGE_ROSTER, FirstRunWizard
from desktop_app.ui.workers import running_count
from tests.ui.clerk import Clerk, settle, wait_until
from tests.ui.conftest import FAST_KDF, PASSPHRASE
from tests.ui.steps import go_to

pytestmark = [pytest.mark.usefixtures("chinese")]

NAME, GENDER, STATUS, JOINED, GROUP, POST = range(6)


def start(tmp_path: Path, qtbot: Any) -> tuple[ShellWindow, FirstRunWizard]:
    window = ShellWindow(tmp_path / "new-ledger", kdf=FAST_KDF)
    qtbot.addWidget(window)
    window.resize(1100, 760)
    window.show()
    wizard = window.wizard
    assert isinstance(wizard, FirstRunWizard) and window.stack.currentWidget() is wizard
    return window, wizard


def next_button(wizard: FirstRunWizard) -> Any:
    return wizard.button(QWizard.WizardButton.NextButton)


def walk_to_roster(clerk: Clerk, wizard: FirstRunWizard, groups: str = "") -> str:
    """Welcome → passphrase → recovery key → branch, by keyboard and mouse; returns the key."""
    clerk.click(wizard.welcome.clerk)
    clerk.type("李组织")
    clerk.click(next_button(wizard))
    clerk.click(wizard.passphrase_page.fields.first)
    clerk.type("short")
    clerk.click(wizard.passphrase_page.fields.second)
    clerk.type("short")
    assert not next_button(wizard).isEnabled()
    assert "8" in wizard.passphrase_page.fields.hint.text()
    for field in (wizard.passphrase_page.fields.first, wizard.passphrase_page.fields.second):
        clerk.fill(field, PASSPHRASE)
    clerk.click(next_button(wizard))
    wait_until(lambda: wizard.currentId() == PAGE_RECOVERY, 10_000, "the store to be created")
    key = wizard.recovery.key.toPlainText()
    assert re.fullmatch(r"([A-Z2-9]{4}-){7}[A-Z2-9]{4}", key)
    assert not next_button(wizard).isEnabled()  # the key must be confirmed as written down
    clerk.click(wizard.recovery.confirm)
    clerk.click(next_button(wizard))
    clerk.click(wizard.branch.name)
    clerk.type("毕拉河林场党支部")
    if groups:
        clerk.click(wizard.branch.groups)
        clerk.type(groups)
    assert wizard.branch.records_since.value() == dt.date.today().isoformat()
    clerk.click(next_button(wizard))
    assert wizard.currentId() == PAGE_ROSTER
    return key


def type_row(clerk: Clerk, wizard: FirstRunWizard, row: int, name: str, joined: str, post: str = "") -> None:
    table = wizard.roster.table.table
    while table.rowCount() <= row:
        clerk.click(wizard.roster.table.add_button)
    if name:
        clerk.fill_cell(table, row, NAME, name)
    clerk.fill_cell(table, row, JOINED, joined)
    if post:
        clerk.fill_cell(table, row, POST, post)


def finish(clerk: Clerk, wizard: FirstRunWizard) -> None:
    clerk.click(wizard.button(QWizard.WizardButton.FinishButton))
    settle(50)


def test_first_run_by_keyboard_and_mouse(tmp_path: Path, qtbot: Any, clerk: Clerk) -> None:
    window, wizard = start(tmp_path, qtbot)
    key = walk_to_roster(clerk, wizard, "第一党小组，第二党小组")
    type_row(clerk, wizard, 0, "李组织", "1988年3月15日", "组织委员")
    type_row(clerk, wizard, 1, "王书记", "2001/7/1", "支部书记")
    type_row(clerk, wizard, 2, "孙预备", "2005/6/20", "护林员")
    clerk.cell_choose(wizard.roster.table.table, 2, STATUS, "预备党员")
    finish(clerk, wizard)
    wait_until(lambda: window.workspace is not None, 5000, "the workspace")
    # The finished wizard is destroyed, not just hidden (it held the passphrase fields).
    wait_until(lambda: not shiboken6.isValid(wizard), 2000, "the wizard to go")
    assert window.stack.indexOf(window.workspace) >= 0 and window.stack.count() == 2
    session = window.session
    assert session is not None
    members = {m.name: m for m in session.read(lambda s: s.records.members()).values()}
    assert set(members) == {"李组织", "王书记", "孙预备"}
    assert members["李组织"].join_date == dt.date(1988, 3, 15)
    assert [p.value for p in members["李组织"].posts] == ["organization"]
    assert [p.value for p in members["王书记"].posts] == ["secretary"]
    assert members["孙预备"].unit == "护林员" and members["孙预备"].status.value == "probationary"
    assert members["孙预备"].join_date == dt.date(2005, 6, 20)
    profile = session.read(lambda s: s.records.branch_profile())
    assert profile is not None and profile[1].party_groups == ["第一党小组", "第二党小组"]
    assert profile[1].records_since == dt.date.today()
    assert session.author == "李组织"
    wait_until(lambda: running_count() == 0, 10_000)
    window.lock()
    # The passphrase and the recovery key both open the new store.
    Store.open(tmp_path / "new-ledger", PASSPHRASE).close()
    Store.open_with_recovery_key(tmp_path / "new-ledger", key).close()


def test_rows_with_problems_stay_marked_and_nothing_is_dropped(
    tmp_path: Path, qtbot: Any, clerk: Clerk
) -> None:
    """The defect: Finish listed the rows with errors, then finished anyway without those members
    (the clerk herself among them). Now nothing is written until every row is right."""
    window, wizard = start(tmp_path, qtbot)
    walk_to_roster(clerk, wizard)
    type_row(clerk, wizard, 0, "李组织", "1988-02-30")  # no such day
    type_row(clerk, wizard, 1, "王书记", "2001-07-01")
    type_row(clerk, wizard, 2, "", "2010-07-01")  # a date typed, the name forgotten
    finish(clerk, wizard)
    assert window.workspace is None and window.wizard is wizard and wizard.currentId() == PAGE_ROSTER
    problems = wizard.roster.problems.text()
    assert "尚未保存任何党员" in problems
    assert "第 1 行：入党日期：没有这一天：1988年2月30日" in problems
    assert "第 3 行" in problems and "姓名" in problems
    table = wizard.roster.table.table
    assert table.item(0, JOINED).toolTip() and "没有这一天" in table.item(0, JOINED).toolTip()
    assert [r["name"] for r in wizard.roster.table.rows()] == ["李组织", "王书记", ""]  # all still there
    assert wizard.session is not None and wizard.session.read(lambda s: s.records.members()) == {}
    # Correct the two rows; Finish writes all three.
    clerk.fill_cell(table, 0, JOINED, "1988-03-15")
    clerk.fill_cell(table, 2, NAME, "赵宣传")
    finish(clerk, wizard)
    wait_until(lambda: window.workspace is not None, 5000, "the workspace")
    assert window.session is not None
    names = sorted(m.name for m in window.session.read(lambda s: s.records.members()).values())
    assert names == sorted(["李组织", "王书记", "赵宣传"])
    wait_until(lambda: running_count() == 0, 10_000)
    window.lock()


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_import_button_opens_a_file_dialog_and_imports(
    tmp_path: Path, qtbot: Any, clerk: Clerk, encoding: str
) -> None:
    """The defect: clicked(bool) arrived as the file path and an English TypeError was shown."""
    window, wizard = start(tmp_path, qtbot)
    walk_to_roster(clerk, wizard)
    sheet = tmp_path / "roster.csv"
    sheet.write_text(
        "姓名,性别,党员类别,入党日期,党小组,职务\n"
        "王书记,男,正式党员,2001-07-01,第一党小组,支部书记\n"
        "孙预备,女,预备党员,2025/9/1,第三党小组,护林员\n"
        "钱党员,男,正式党员,1988年3月15日,第一党小组,\n",
        encoding=encoding,
    )
    with clerk.on_dialog(clerk.open_file(str(sheet))) as seen:
        clerk.click(wizard.roster.import_button)
    assert seen and seen[0].windowTitle() == "导入党员名册"
    wait_until(lambda: wizard.roster.imported_count == 3, 10_000, "the import")
    assert wizard.roster.imported.text() == "已从文件导入 3 名党员。"
    assert wizard.session is not None
    members = {m.name: m for m in wizard.session.read(lambda s: s.records.members()).values()}
    assert members["孙预备"].unit == "护林员" and members["孙预备"].join_date == dt.date(2025, 9, 1)
    assert members["钱党员"].join_date == dt.date(1988, 3, 15)
    profile = wizard.session.read(lambda s: s.records.branch_profile())
    assert profile is not None and "第三党小组" in profile[1].party_groups  # new group from the file
    finish(clerk, wizard)  # the empty typed rows add nothing
    wait_until(lambda: window.workspace is not None, 5000, "the workspace")
    assert window.session is not None and len(window.session.read(lambda s: s.records.members())) == 3
    wait_until(lambda: running_count() == 0, 10_000)
    window.lock()


def test_roster_import_with_errors_writes_nothing(
    tmp_path: Path, shell: ShellWindow, session: Any, clerk: Clerk
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "姓名,党员类别,入党日期\n张三,正式党员,2001-07-01\n,正式党员,2001-07-01\n李四,群众,2020-01-01\n"
        "王五,正式党员,2020-03\n",
        encoding="gb18030",
    )
    page = go_to(clerk, shell, "党员")
    import_button = next(b for b in _buttons(page) if b.text() == "导入名册…")
    # One block for both: the report may open while the file dialog is still being left.
    with clerk.on_dialogs(clerk.open_file(str(bad)), clerk.press("确定"), timeout_ms=20_000):
        clerk.click(import_button)
    text = clerk.dialogs_seen[-1]
    assert text.startswith("未导入任何记录")
    assert "第 3 行" in text and "第 4 行" in text and "第 5 行" in text and "缺少日" in text
    assert session.read(lambda s: s.records.members()) == {}


def test_roster_import_from_excel(tmp_path: Path, shell: ShellWindow, session: Any, clerk: Clerk) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "性别", "党员类别", "入党日期", "党小组", "职务"])
    sheet.append(["赵宣传", "女", "正式党员", dt.datetime(2015, 7, 1), "第二党小组", "宣传委员"])
    sheet.append(["钱党员", "男", "正式", "2016年5月4日", "第二党小组", "林场场长"])
    sheet.append(["周党员", "男", "正式", "2005/6/20", "第二党小组", ""])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    page = go_to(clerk, shell, "党员")
    import_button = next(b for b in _buttons(page) if b.text() == "导入名册…")
    # One block for both: the report may open while the file dialog is still being left.
    with clerk.on_dialogs(clerk.open_file(str(path)), clerk.press("确定"), timeout_ms=20_000):
        clerk.click(import_button)
    assert clerk.dialogs_seen[-1] == "已导入 3 名党员。"
    members = {m.name: m for m in session.read(lambda s: s.records.members()).values()}
    assert members["赵宣传"].posts[0].value == "propaganda"
    assert members["钱党员"].join_date == dt.date(2016, 5, 4) and members["钱党员"].unit == "林场场长"
    assert members["周党员"].join_date == dt.date(2005, 6, 20)
    wait_until(lambda: page.model.total == 3, 3000)


def _buttons(page: Any) -> list[Any]:
    from PySide6.QtWidgets import QPushButton

    return [b for b in page.findChildren(QPushButton) if b.isVisible()]
