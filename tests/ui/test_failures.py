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
