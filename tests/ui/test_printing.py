"""Printing from the app: every document through the print dialog's own buttons, and the rasterizer.

The clerk opens each print dialog from the window (the 打印 menu of 会议记录, the editor's tool bar,
概览), saves PDFs through the real file dialog and prints through Qt's own print dialog — the one
a Linux desktop without a system dialog shows, and the one offscreen runs get — choosing its
打印到文件 (PDF) entry, as no printer is installed here. Every warning is read in its real message
box and closed with its 确定.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from desktop_app import print_jobs
from desktop_app.operations.printing import PrintRequest, build_input, render_document
from desktop_app.ui.i18n import install_translator
from desktop_app.ui.printing import raster
from desktop_app.ui.printing.dialog import LedgerPrintDialog, PrintDialog
from desktop_app.ui.printing.raster import iter_page_images, print_pdf
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.ui_settings import UiSettings
from desktop_app.ui.workers import running_count
from tests.ui.clerk import Clerk, wait_until
from tests.ui.steps import go_to, open_from_list, toolbar_button

RARE = "𠀀"  # a CJK Extension B character the shipped fonts lack: prints as 〓


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout.replace(" ", "")


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def records(session: Session, roster: dict[str, str]) -> dict[str, str]:
    today = dt.date.today()
    with session.lock:
        meeting = session.store.records.create(
            "meeting",
            {
                "meeting_type": "committee",
                "title": "护林防火支委会",
                "starts_at": f"{today.isoformat()}T09:00:00",
                "place": f"瞭望塔{RARE}号",
                "chair_member_id": roster["王书记"],
                "attendance": [{"member_id": mid} for mid in roster.values()],
                "discussion": "研究春季护林防火工作",
            },
            author="t",
        ).record_id
        post = session.store.records.create(
            "pioneer_post",
            {"name": "防火瞭望先锋岗", "holder_member_ids": [roster["钱党员"]], "duties": ["瞭望巡查"]},
            author="t",
        ).record_id
        session.store.records.create(
            "post_log",
            {"post_id": post, "member_id": roster["钱党员"], "date": today.isoformat(), "description": "巡山八小时"},
            author="t",
        )
    return {"meeting": meeting, "post": post}


def print_dialog() -> PrintDialog:
    """The print dialog that is open (window-modal, not blocking: it is found on the screen)."""
    found: list[PrintDialog] = []

    def shown() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, PrintDialog) and w.isVisible()]
        return bool(found)

    wait_until(shown, 5000, "the print dialog")
    return found[-1]


def save_as_pdf(clerk: Clerk, dialog: PrintDialog, path: Path, *, missing: bool) -> None:
    """另存为PDF… → the file dialog (opening in ``path``'s folder): type the name, 保存; when the
    document has characters no font has (``missing``), the warning that follows is read and
    closed with its 确定."""
    UiSettings().last_folder = str(path.parent)  # the folder this clerk saved in last time
    answers = [clerk.open_file(path.stem, "Save")] + ([clerk.press("OK")] if missing else [])
    with clerk.on_dialogs(*answers, timeout_ms=30_000):
        clerk.click(dialog.save_button)
    wait_until(lambda: not dialog.busy and path.exists(), 30_000, "the PDF")
    assert dialog.note.text().startswith("Saved ") and str(path) in dialog.note.text()


def close(clerk: Clerk, dialog: PrintDialog) -> None:
    clerk.click_button(dialog, "Close")
    wait_until(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), 3000, "the dialog to close")


def click_row(clerk: Clerk, table: Any, row: int = 0, column: int = 0) -> None:
    clerk.click(table.viewport(), table.visualRect(table.model().index(row, column)).center())


@pytest.fixture
def pdf_threads(monkeypatch: pytest.MonkeyPatch) -> list[threading.Thread]:
    """The threads that opened a PDF with pdfium (never the UI thread: a print job holds pdfium)."""
    threads: list[threading.Thread] = []
    opened = raster._open

    def recording(pdf: raster.PdfSource) -> pdfium.PdfDocument:
        threads.append(threading.current_thread())
        return opened(pdf)

    monkeypatch.setattr(raster, "_open", recording)
    return threads


def test_each_document_saves_as_pdf_through_the_pages(
    shell: ShellWindow, session: Session, records: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    meetings = go_to(clerk, shell, "Meetings")
    click_row(clerk, meetings.table)
    clerk.pick(meetings.print_button, "Minutes of the selected meeting…")
    minutes = print_dialog()
    assert minutes.current_request() == PrintRequest.minutes(records["meeting"], "护林防火支委会")
    save_as_pdf(clerk, minutes, tmp_path / "minutes.pdf", missing=True)
    text = pdf_text(tmp_path / "minutes.pdf")
    assert "护林防火支委会" in text and "研究春季护林防火工作" in text
    # The clerk is told which characters print as 〓.
    assert RARE in clerk.dialogs_seen[-1] and "〓" in clerk.dialogs_seen[-1]
    close(clerk, minutes)

    click_row(clerk, meetings.table)
    clerk.pick(meetings.print_button, "Sign-in sheet for the selected meeting…")
    signin = print_dialog()
    assert signin.current_request().kind == "signin"
    save_as_pdf(clerk, signin, tmp_path / "signin.pdf", missing=True)
    text = pdf_text(tmp_path / "signin.pdf")
    assert "签到" in text and "王书记" in text
    close(clerk, signin)

    clerk.pick(meetings.print_button, "Branch ledger for a period…")
    ledger = print_dialog()
    assert isinstance(ledger, LedgerPrintDialog)
    clerk.choose(ledger.period.kind, "Year")
    assert ledger.period.year.value() == dt.date.today().year
    clerk.click(ledger.include_minutes)
    assert ledger.current_request() == PrintRequest.ledger(str(dt.date.today().year), include_minutes=False)
    save_as_pdf(clerk, ledger, tmp_path / "ledger.pdf", missing=False)
    text = pdf_text(tmp_path / "ledger.pdf")
    assert "台账" in text and "护林防火支委会" in text
    assert "研究春季护林防火工作" not in text  # without the full minutes
    close(clerk, ledger)

    posts = go_to(clerk, shell, "Pioneer posts")
    row = next(r for r in range(posts.posts_model.rowCount())
               if posts.posts_model.summary(r).record_id == records["post"])
    click_row(clerk, posts.posts, row)
    clerk.click(posts.print_button)
    report = print_dialog()
    assert report.current_request().kind == "post_report"
    save_as_pdf(clerk, report, tmp_path / "post.pdf", missing=False)
    text = pdf_text(tmp_path / "post.pdf")
    assert "防火瞭望先锋岗" in text and "巡山八小时" in text
    close(clerk, report)


def test_editor_and_overview_open_the_print_dialogs(
    shell: ShellWindow, session: Session, records: dict[str, str], clerk: Clerk
) -> None:
    meetings = go_to(clerk, shell, "Meetings")
    editor = open_from_list(clerk, shell, meetings.table, "护林防火支委会")
    clerk.click(toolbar_button(editor, "Print"))
    dialog = print_dialog()
    assert dialog.current_request() == PrintRequest.minutes(records["meeting"], "护林防火支委会")
    close(clerk, dialog)
    clerk.click(toolbar_button(editor, "Sign-in sheet"))
    signin = print_dialog()
    assert signin.current_request() == PrintRequest.signin(records["meeting"], "护林防火支委会")
    close(clerk, signin)
    clerk.click(toolbar_button(editor, "Close"))
    overview = go_to(clerk, shell, "Overview")
    clerk.click(overview.ledger_button)
    ledger = print_dialog()
    assert isinstance(ledger, LedgerPrintDialog)
    close(clerk, ledger)


def minutes_dialog(session: Session, records: dict[str, str], qtbot: Any) -> PrintDialog:
    """The minutes' print dialog on its own (what 打印… opens; the tests above open it from the
    window): the tests below are about what its buttons do."""
    dialog = PrintDialog(session, PrintRequest.minutes(records["meeting"], "护林防火支委会"))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_print_and_preview_paint_the_rendered_pages(
    session: Session, records: dict[str, str], qtbot: Any, tmp_path: Path, pdf_threads: list[threading.Thread],
    clerk: Clerk,
) -> None:
    dialog = minutes_dialog(session, records, qtbot)
    printed = tmp_path / "printed.pdf"
    # 打印…: the missing-character warning first, then Qt's print dialog (打印到文件, no printer here).
    with clerk.on_dialogs(clerk.press("OK"), clerk.print_to_file(str(printed)), timeout_ms=30_000):
        clerk.click(dialog.print_button)
    wait_until(lambda: not dialog.busy and dialog.note.text().startswith("Sent "), 60_000, "the printing")
    assert dialog.rendered is not None
    pages = dialog.rendered.result.pages
    assert pages >= 1 and pdf_pages(printed) == pages
    assert dialog.note.text() == f"Sent {pages} pages to the printer."
    assert "护林防火支委会" in pdf_text(printed) or pdf_pages(printed) == pages  # a raster: pages, no text
    # The page sizes were measured in the render worker: A4 portrait, in points.
    assert len(dialog.rendered.page_sizes) == pages
    width, height = dialog.rendered.page_sizes[0]
    assert round(width) == 595 and round(height) == 842
    assert dialog.printer is not None
    assert dialog.printer.pageLayout().orientation() == dialog.printer.pageLayout().Orientation.Portrait
    # 预览…: reuses the rendered PDF and paints prepared images; the clerk looks, then closes it.
    shown: list[tuple[int, bool]] = []

    def look_and_close(preview: QWidget) -> None:
        assert isinstance(preview, QPrintPreviewDialog) and dialog.rendered is not None
        assert dialog.rendered.preview is not None
        shown.append((len(dialog.rendered.preview), dialog.preview_dialog is preview))
        pages_view = preview.findChild(QPrintPreviewWidget)
        assert pages_view is not None
        clerk.click(pages_view)  # a look at the page (the keys now go to the preview) …
        clerk.key(Qt.Key.Key_Escape)  # … and Esc closes it

    with clerk.on_dialog(look_and_close, kind=QPrintPreviewDialog, timeout_ms=30_000):
        clerk.click(dialog.preview_button)
    assert shown == [(pages, True)]
    # Only workers opened the PDF: the UI thread never waits for the pdfium lock.
    assert pdf_threads and threading.main_thread() not in pdf_threads
    # A closed preview is deleted, not kept as a hidden child of the dialog.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.waitUntil(lambda: dialog.preview_dialog is None)
    assert not dialog.findChildren(QPrintPreviewDialog)


def test_the_previews_print_button_prints_in_a_worker(
    session: Session, records: dict[str, str], qtbot: Any, tmp_path: Path, pdf_threads: list[threading.Thread],
    monkeypatch: pytest.MonkeyPatch, clerk: Clerk,
) -> None:
    dialog = minutes_dialog(session, records, qtbot)
    printed_on: list[threading.Thread] = []
    busy_while_printing: list[bool] = []
    real_print_pdf = raster.print_pdf

    def recording_print_pdf(*args: Any, **kwargs: Any) -> int:
        printed_on.append(threading.current_thread())
        return real_print_pdf(*args, **kwargs)

    monkeypatch.setattr("desktop_app.ui.printing.dialog.print_pdf", recording_print_pdf)
    out = tmp_path / "from-preview.pdf"

    def press_print(preview: QWidget) -> None:
        """The preview's own 打印 tool button; Qt then asks where (打印到文件) and closes the preview."""
        assert isinstance(preview, QPrintPreviewDialog)
        tool = next(b for b in preview.findChildren(QToolButton)
                    if b.isVisible() and b.defaultAction() is not None
                    and b.defaultAction().text().replace("&", "") == "Print")
        with clerk.on_dialog(clerk.print_to_file(str(out)), timeout_ms=10_000):
            clerk.click(tool)
        busy_while_printing.append(dialog.busy)  # printing has only started: the UI thread is free

    press_print.dialog_kind = QPrintPreviewDialog  # type: ignore[attr-defined]
    with clerk.on_dialogs(clerk.press("OK"), press_print, timeout_ms=30_000):
        clerk.click(dialog.preview_button)
    wait_until(lambda: not dialog.busy and dialog.note.text().startswith("Sent "), 60_000, "the printing")
    rendered = dialog.rendered
    assert rendered is not None and busy_while_printing == [True]
    assert printed_on and threading.main_thread() not in printed_on
    assert pdf_pages(out) == rendered.result.pages
    assert threading.main_thread() not in pdf_threads
    assert dialog.note.text() == f"Sent {rendered.result.pages} pages to the printer." and not dialog.busy
    qtbot.waitUntil(lambda: dialog.preview_dialog is None)


def test_closing_the_dialog_mid_job_drops_its_callbacks(
    session: Session, records: dict[str, str], qtbot: Any, tmp_path: Path, clerk: Clerk
) -> None:
    dialog = minutes_dialog(session, records, qtbot)
    UiSettings().last_folder = str(tmp_path)
    with clerk.on_dialog(clerk.open_file("closed", "Save")):
        clerk.click(dialog.save_button)
    assert dialog.busy and running_count() == 1
    clerk.click_button(dialog, "Close")  # WA_DeleteOnClose: gone before the worker's result is delivered
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(dialog)
    qtbot.waitUntil(lambda: running_count() == 0, timeout=30_000)
    qtbot.wait(50)
    assert (tmp_path / "closed.pdf").exists()  # the job itself finished
    # The missing-character warning was not shown for a closed dialog (none opened: an open
    # one would be a modal nobody answers, which fails the test).
    assert QApplication.activeModalWidget() is None


def test_printer_errors_reach_the_clerk_translated(
    qapp: QApplication, session: Session, records: dict[str, str], qtbot: Any, tmp_path: Path, clerk: Clerk
) -> None:
    translator = install_translator(qapp, "zh_CN")
    assert translator is not None
    try:
        dialog = minutes_dialog(session, records, qtbot)
        stick = tmp_path / "usb-stick"
        stick.mkdir()
        target = stick / "x.pdf"
        to_file = clerk.print_to_file(str(target), "打印(P)")

        def print_then_pull_the_stick(print_dialog: QWidget) -> None:
            """Qt's own dialog refuses a folder that is not there, so the folder is there when
            打印 is pressed and gone (the stick pulled) before the printer opens the file."""
            to_file(print_dialog)
            shutil.rmtree(stick)

        print_then_pull_the_stick.dialog_kind = to_file.dialog_kind  # type: ignore[attr-defined]
        # The missing-character warning, Qt's print dialog, then the printer's failure: each
        # read and answered with its own button.
        with clerk.on_dialogs(clerk.press("确定"), print_then_pull_the_stick, clerk.press("确定"),
                              timeout_ms=30_000):
            clerk.click(dialog.print_button)
        assert clerk.dialogs_seen[-1] == "无法打开打印机。", clerk.dialogs_seen
        assert dialog.note.text() == "无法打开打印机。" and not dialog.busy
        qtbot.waitUntil(lambda: running_count() == 0)
    finally:
        qapp.removeTranslator(translator)
        install_translator(qapp, "en")


class TracingLock:
    """A stand-in for ``session.lock``: counts the separate times it is taken, and knows when it is held."""

    def __init__(self) -> None:
        self.inner = threading.RLock()
        self.depth = 0
        self.steps: list[list[str]] = []  # the statements run in each separate holding

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if not self.inner.acquire(blocking, timeout):
            return False
        self.depth += 1
        if self.depth == 1:
            self.steps.append([])
        return True

    def release(self) -> None:
        self.depth -= 1
        self.inner.release()

    def __enter__(self) -> TracingLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def test_a_ledger_print_takes_the_store_lock_per_step(
    session: Session, roster: dict[str, str], records: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    year = dt.date.today().year
    meetings = 8
    with session.lock:
        for day in range(1, meetings):
            session.store.records.create(
                "meeting",
                {"meeting_type": "group", "title": f"第{day}次党小组会", "starts_at": f"{year}-01-{day:02d}T09:00:00",
                 "party_group": "第一党小组", "attendance": [{"member_id": roster["王书记"]}]},
                author="t",
            )
        for day in range(1, 4):
            session.store.records.create(
                "post_log",
                {"post_id": records["post"], "member_id": roster["钱党员"], "date": f"{year}-01-{day:02d}",
                 "description": f"巡山第{day}天"},
                author="t",
            )
        expected = print_jobs.ledger_input(session.store, str(year), today=dt.date.today())  # the CLI's way
    assert len(expected.records) == meetings and len(expected.posts[0].log_entries) == 4

    lock = TracingLock()
    outside: list[str] = []
    monkeypatch.setattr(session.ledger, "_lock", lock)
    session.store.conn.set_trace_callback(lambda sql: (lock.steps[-1] if lock.depth else outside).append(sql))
    try:
        data = build_input(session.ledger, PrintRequest.ledger(str(year)), dt.date.today())
    finally:
        session.store.conn.set_trace_callback(None)
    assert data == expected
    assert outside == []  # every statement ran under the lock...
    assert len(lock.steps) > meetings  # ...taken once per meeting at least, never for the whole 台账
    total = sum(len(step) for step in lock.steps)
    assert max(len(step) for step in lock.steps) * 4 < total  # each step a small share of the reading
    assert lock.depth == 0


def test_a_print_stops_when_the_ledger_is_locked(
    session: Session, records: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.ui.session import StoreLocked

    real_minutes = print_jobs._minutes
    calls: list[str] = []

    def lock_after_first(store: Any, env: Any, *args: Any) -> Any:
        calls.append(env.record_id)
        minutes = real_minutes(store, env, *args)
        session.close()  # the clerk locks the ledger while the 台账 is being read
        return minutes

    monkeypatch.setattr(print_jobs, "_minutes", lock_after_first)
    with pytest.raises(StoreLocked):
        build_input(session.ledger, PrintRequest.ledger(str(dt.date.today().year)))
    assert calls == [records["meeting"]]  # the next step refused at once


def test_rasterizer_paints_every_page(session: Session, records: dict[str, str], tmp_path: Path) -> None:
    result = render_document(session.ledger, PrintRequest.ledger(str(dt.date.today().year), include_minutes=True))
    assert result.data is not None and result.pages >= 2
    images = list(iter_page_images(result.data, 40))
    assert len(images) == result.pages
    first = images[0]
    assert first.format() == QImage.Format.Format_RGBX8888 and first.width() > 200
    dark = sum(
        1 for x in range(0, first.width(), 4) for y in range(0, first.height(), 4)
        if QColor(first.pixel(x, y)).lightness() < 128
    )
    assert dark > 50  # text was drawn, not a blank page
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "raster.pdf"))
    painted: list[int] = []
    assert print_pdf(result.data, printer, painted.append) == result.pages
    assert painted == list(range(1, result.pages + 1))
    assert pdf_pages(tmp_path / "raster.pdf") == result.pages
