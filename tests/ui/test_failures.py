"""Unexpected errors: a Chinese message and a crash report, never the raw exception text."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QPushButton

from desktop_app.ui import dialogs, failures
from tests.ui.clerk import Clerk

pytestmark = [pytest.mark.real_dialogs, pytest.mark.usefixtures("chinese")]


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


@pytest.mark.qt_no_exception_capture
def test_a_failing_button_shows_the_message_not_a_traceback(
    qtbot: object, clerk: Clerk, reports: list[BaseException]
) -> None:
    saved = sys.excepthook
    failures.install_excepthook()
    try:
        button = QPushButton("导入名册…")
        qtbot.addWidget(button)  # type: ignore[attr-defined]
        button.show()

        def broken() -> None:
            raise TypeError("expected str, bytes or os.PathLike object, not bool")

        button.clicked.connect(broken)
        with clerk.on_dialog(clerk.press("确定")):
            clerk.click(button)
        assert "意外错误" in clerk.dialogs_seen[-1] and "PathLike" not in clerk.dialogs_seen[-1]
        assert isinstance(reports[-1], TypeError)
    finally:
        sys.excepthook = saved
