"""First run: store, passphrase, recovery key (confirmed), branch, roster typed and imported."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtWidgets import QWizard

from desktop_app.store import Store
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.wizard.first_run import PAGE_BRANCH, PAGE_PASSPHRASE, PAGE_RECOVERY, PAGE_ROSTER, FirstRunWizard
from desktop_app.ui.workers import running_count
from domain.records import Member
from tests.ui.conftest import FAST_KDF, PASSPHRASE


def test_first_run_wizard_creates_everything(tmp_path: Path, qtbot: Any, answers: Any) -> None:
    data_dir = tmp_path / "new-ledger"
    window = ShellWindow(data_dir, kdf=FAST_KDF)
    qtbot.addWidget(window)
    window.show()
    wizard = window.wizard
    assert isinstance(wizard, FirstRunWizard)
    assert window.stack.currentWidget() is wizard
    wizard.welcome.clerk.setText("李组织")
    wizard.next()
    assert wizard.currentId() == PAGE_PASSPHRASE
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    wizard.passphrase_page.fields.first.setText("short")
    wizard.passphrase_page.fields.second.setText("short")
    assert not next_button.isEnabled()
    assert "8" in wizard.passphrase_page.fields.hint.text()
    wizard.passphrase_page.fields.first.setText(PASSPHRASE)
    wizard.passphrase_page.fields.second.setText(PASSPHRASE + "x")
    assert not next_button.isEnabled()
    wizard.passphrase_page.fields.second.setText(PASSPHRASE)
    assert next_button.isEnabled()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_RECOVERY, timeout=10_000)
    key = wizard.recovery.key.toPlainText()
    assert re.fullmatch(r"([A-Z2-9]{4}-){7}[A-Z2-9]{4}", key)
    assert not next_button.isEnabled()  # the key must be confirmed as written down
    wizard.recovery.confirm.setChecked(True)
    assert next_button.isEnabled()
    wizard.next()
    assert wizard.currentId() == PAGE_BRANCH
    wizard.branch.name.setText("毕拉河林场党支部")
    wizard.branch.groups.setText("第一党小组，第二党小组")
    wizard.next()
    assert wizard.currentId() == PAGE_ROSTER
    csv = tmp_path / "roster.csv"
    csv.write_text(
        "姓名,性别,党员类别,入党日期,党小组,职务\n"
        "王书记,男,正式党员,2001-07-01,第一党小组,支部书记\n"
        "孙预备,女,预备党员,2025/9/1,第三党小组,护林员\n",
        encoding="utf-8",
    )
    wizard.roster.import_file(csv)
    qtbot.waitUntil(lambda: wizard.roster.imported_count == 2 or bool(answers.errors), timeout=10_000)
    assert not answers.errors, answers.errors
    wizard.roster.table.set_rows(
        [{"name": "李组织", "status": "full", "join_date": "2012-06-30", "party_group": "第一党小组"}]
    )
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=5000)
    # The finished wizard is destroyed, not just hidden (it held the passphrase fields).
    qtbot.waitUntil(lambda: not shiboken6.isValid(wizard), timeout=2000)
    assert window.stack.indexOf(window.workspace) >= 0 and window.stack.count() == 2
    session = window.session
    assert session is not None
    members = session.read(lambda s: s.records.members())
    by_name = {m.name: m for m in members.values()}
    assert set(by_name) == {"王书记", "孙预备", "李组织"}
    assert isinstance(by_name["王书记"], Member) and by_name["王书记"].posts[0].value == "secretary"
    assert by_name["孙预备"].unit == "护林员" and by_name["孙预备"].join_date.isoformat() == "2025-09-01"  # type: ignore[union-attr]
    profile = session.read(lambda s: s.records.branch_profile())
    assert profile is not None and profile[1].name == "毕拉河林场党支部"
    assert profile[1].party_groups == ["第一党小组", "第二党小组", "第三党小组"]  # new group from the file
    assert session.author == "李组织"
    qtbot.waitUntil(lambda: running_count() == 0, timeout=10_000)
    window.lock()
    assert window.locked
    # The passphrase and the recovery key both open the new store.
    Store.open(data_dir, PASSPHRASE).close()
    Store.open_with_recovery_key(data_dir, key).close()


def test_roster_import_with_errors_writes_nothing(
    tmp_path: Path, shell: ShellWindow, session: Any, qtbot: Any, answers: Any
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "姓名,党员类别,入党日期\n张三,正式党员,2001-07-01\n,正式党员,2001-07-01\n李四,群众,2020-01-01\n",
        encoding="gb18030",
    )
    assert shell.workspace is not None
    page = shell.workspace.show_page("members")
    page.import_roster(bad)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(answers.errors), timeout=10_000)
    assert "第 3 行" in answers.errors[0] and "第 4 行" in answers.errors[0]
    assert session.read(lambda s: s.records.members()) == {}


def test_roster_import_from_excel(tmp_path: Path, shell: ShellWindow, session: Any, qtbot: Any, answers: Any) -> None:
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "性别", "党员类别", "入党日期", "党小组", "职务"])
    sheet.append(["赵宣传", "女", "正式党员", dt.datetime(2015, 7, 1), "第二党小组", "宣传委员"])
    sheet.append(["钱党员", "男", "正式", "2016年5月4日", "第二党小组", "林场场长"])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    assert shell.workspace is not None
    page = shell.workspace.show_page("members")
    page.import_roster(path)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(answers.infos), timeout=10_000)
    members = {m.name: m for m in session.read(lambda s: s.records.members()).values()}
    assert members["赵宣传"].posts[0].value == "propaganda"
    assert members["钱党员"].join_date == dt.date(2016, 5, 4) and members["钱党员"].unit == "林场场长"
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=3000)  # type: ignore[attr-defined]


def test_roster_write_failing_half_way_leaves_nothing(
    tmp_path: Path, session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store error on row 40 of 60 rolls back the 39 before it (a re-import must not duplicate)."""
    from desktop_app.ui.roster_import import parse_roster, write_roster

    sheet = tmp_path / "roster.csv"
    sheet.write_text("姓名,党员类别,入党日期,党小组\n" + "".join(
        f"党员{n:02d},正式党员,2001-07-01,第九党小组\n" for n in range(60)
    ), encoding="utf-8")
    parsed = parse_roster(sheet)
    assert parsed.ok and len(parsed.rows) == 60
    records = session.store.records
    real_create, calls = records.create, []

    def failing_create(kind: str, data: Any, **kwargs: Any) -> Any:
        calls.append(kind)
        if len(calls) == 40:
            raise OSError("disk full")
        return real_create(kind, data, **kwargs)

    monkeypatch.setattr(records, "create", failing_create)
    with pytest.raises(OSError):
        write_roster(session.store, session.guard(), parsed, author="t")
    monkeypatch.undo()
    assert session.read(lambda s: s.records.members()) == {}
    profile = session.read(lambda s: s.records.branch_profile())
    assert profile is None or "第九党小组" not in profile[1].party_groups
    assert write_roster(session.store, session.guard(), parsed, author="t") == 60
    assert len(session.read(lambda s: s.records.members())) == 60
