"""Unexpected errors: a Chinese message and a crash report, never the raw exception text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_app.ui import dialogs, failures

pytestmark = [pytest.mark.usefixtures("chinese")]


@pytest.fixture
def reports() -> Iterator[list[BaseException]]:
    seen: list[BaseException] = []

    def reporter(exc: BaseException) -> str:
        seen.append(exc)
        return "/tmp/branchledger-crash-1.txt"

    failures.set_crash_reporter(reporter)
    yield seen
    failures.set_crash_reporter(None)


def test_an_unexpected_error_reads_in_chinese_and_is_reported(reports: list[BaseException]) -> None:
    message = dialogs.error_text(TypeError("import_roster() got an unexpected keyword 'path'"))
    assert "意外错误" in message and "没有丢失" in message
    assert "错误报告：/tmp/branchledger-crash-1.txt" in message
    assert "TypeError" not in message and "keyword" not in message
    assert isinstance(reports[0], TypeError)
    # Known failures keep their own message; a file error says why in Chinese.
    assert dialogs.error_text(FileNotFoundError(2, "No such file or directory")) == "无法使用该文件：文件或文件夹不存在"


def test_every_ledger_error_shows_its_user_message_and_is_no_crash(reports: list[BaseException]) -> None:
    """Store, sync, rules, printing and operations failures: one rule, user_message(), no report."""
    from desktop_app.operations import StoreLocked
    from desktop_app.print_jobs import NothingToPrint
    from desktop_app.store.errors import DiskFull, RecordFinalized
    from domain.errors import LedgerError
    from domain.violations import RuleViolation, Violation
    from printing.fonts import FontsUnavailable
    from sync.client.errors import NetworkError

    refused = RuleViolation([Violation("place", "required", "地点：未填写"),
                             Violation("recorder_member_id", "required", "记录人：未填写")])
    assert dialogs.error_text(refused) == "地点：未填写\n记录人：未填写"
    for exc in (RecordFinalized(), DiskFull(detail="[Errno 28]"), NetworkError(detail="Connection refused"),
                StoreLocked(), NothingToPrint("签到表只能由会议记录生成"), FontsUnavailable("无法加载打印字体")):
        assert dialogs.error_text(exc) == exc.user_message() == exc.message
    assert "Errno" not in dialogs.error_text(DiskFull(detail="[Errno 28]"))

    class Translated(LedgerError):
        message = "原文"

        def user_message(self) -> str:  # where a translation hooks in: the dialog shows what it returns
            return "译文"

    assert dialogs.error_text(Translated()) == "译文"
    assert reports == []
