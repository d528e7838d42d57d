"""First run with a roster that has mistakes, then more members imported from sheets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from PySide6.QtWidgets import QWizard

from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.wizard.first_run import PAGE_ROSTER, FirstRunWizard
from desktop_app.ui.workers import running_count
from tests.ui.clerk import Clerk, wait_until
from tests.ui.conftest import FAST_KDF, PASSPHRASE
from tests.ui.steps import button, go_to

NAME, GENDER, STATUS, JOINED, GROUP, POST = range(6)


def test_first_run_then_imports(tmp_path: Path, qtbot: Any, clerk: Clerk) -> None:
    window = ShellWindow(tmp_path / "ledger", kdf=FAST_KDF)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    wizard = window.wizard
    assert isinstance(wizard, FirstRunWizard)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    clerk.click(wizard.welcome.clerk)
    clerk.type("李组织")
    clerk.click(next_button)
    for field in (wizard.passphrase_page.fields.first, wizard.passphrase_page.fields.second):
        clerk.click(field)
        clerk.type(PASSPHRASE)
    clerk.click(next_button)
    wait_until(lambda: wizard.recovery.key.toPlainText() != "", 10_000, "the recovery key")
    clerk.click(wizard.recovery.confirm)
    clerk.click(next_button)
    clerk.click(wizard.branch.name)
    clerk.type("毕拉河林场党支部")
    clerk.click(wizard.branch.has_committee)
    clerk.click(wizard.branch.groups)
    clerk.type("第一党小组，第二党小组")
    clerk.click(next_button)
    assert wizard.currentId() == PAGE_ROSTER
    # The roster as typed, with two mistakes: an impossible date and a forgotten name.
    table = wizard.roster.table.table
    rows = [("王书记", "2001/7/1", "支部书记", "第一党小组"), ("李组织", "1988年3月15日", "组织委员", "第一党小组"),
            ("赵宣传", "2005-02-30", "宣传委员", "第二党小组"), ("", "2010.7.1", "护林员", "第二党小组")]
    for i, (name, joined, post, group) in enumerate(rows):
        if i >= table.rowCount():
            clerk.click(wizard.roster.table.add_button)
        if name:
            clerk.fill_cell(table, i, NAME, name)
        clerk.fill_cell(table, i, JOINED, joined)
        clerk.fill_cell(table, i, GROUP, group)
        clerk.fill_cell(table, i, POST, post)
    clerk.click(wizard.button(QWizard.WizardButton.FinishButton))
    assert window.workspace is None and wizard.isVisible()
    assert "第 3 行：入党日期：没有这一天" in wizard.roster.problems.text()
    assert "第 4 行" in wizard.roster.problems.text()
    clerk.fill_cell(table, 2, JOINED, "2005-02-28")
    clerk.fill_cell(table, 3, NAME, "钱护林")
    clerk.click(wizard.button(QWizard.WizardButton.FinishButton))
    wait_until(lambda: window.workspace is not None, 5000, "the workspace")
    session = window.session
    assert session is not None
    members = {m.name: m for m in session.read(lambda s: s.records.members()).values()}
    assert set(members) == {"王书记", "李组织", "赵宣传", "钱护林"}
    assert members["赵宣传"].join_date == dt.date(2005, 2, 28) and members["钱护林"].unit == "护林员"

    # More members later, from sheets: UTF-8 and GBK CSV, and Excel.
    utf8 = tmp_path / "一组.csv"
    utf8.write_text("姓名,性别,党员类别,入党日期,党小组,职务\n周党员,男,正式党员,2012/6/30,第一党小组,\n",
                    encoding="utf-8-sig")
    gbk = tmp_path / "二组.csv"
    gbk.write_text("姓名,性别,党员类别,入党日期,党小组,职务\n吴党员,女,正式党员,2015年7月1日,第二党小组,瞭望员\n",
                   encoding="gbk")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "性别", "党员类别", "入党日期", "党小组", "职务"])
    sheet.append(["孙预备", "男", "预备党员", dt.datetime(2025, 9, 1), "第二党小组", ""])
    sheet.append(["郑党员", "男", "正式", "19990701", "第一党小组", "纪检委员"])
    xlsx = tmp_path / "三组.xlsx"
    book.save(xlsx)
    page = go_to(clerk, window, "党员")
    for path, count in ((utf8, 1), (gbk, 1), (xlsx, 2)):
        # One block for both: the report may open while the file dialog is still being left.
        with clerk.on_dialogs(clerk.open_file(str(path)), clerk.press("确定"), timeout_ms=20_000):
            clerk.click(button(page, "导入名册…"))
        assert clerk.dialogs_seen[-1] == f"已导入 {count} 名党员。"
    wait_until(lambda: page.count_label.text() == "共 8 名党员", 3000, "the roster list")
    members = {m.name: m for m in session.read(lambda s: s.records.members()).values()}
    assert members["吴党员"].join_date == dt.date(2015, 7, 1) and members["吴党员"].unit == "瞭望员"
    assert members["郑党员"].join_date == dt.date(1999, 7, 1)
    assert [p.value for p in members["郑党员"].posts] == ["discipline"]
    assert members["孙预备"].status.value == "probationary"
    wait_until(lambda: running_count() == 0, 10_000)
    window.lock()
