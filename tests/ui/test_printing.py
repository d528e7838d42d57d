"""Printing from the app: every document through the print dialog's code path, and the rasterizer."""

from __future__ import annotations

import datetime as dt
import subprocess
import threading
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QColor, QImage
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QApplication

from desktop_app import print_jobs
from desktop_app.operations.printing import PrintRequest, build_input, render_document
from desktop_app.ui.i18n import install_translator
from desktop_app.ui.printing import raster
from desktop_app.ui.printing.dialog import LedgerPrintDialog, PrintDialog
from desktop_app.ui.printing.raster import iter_page_images, print_pdf
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.workers import running_count
from tests.ui.conftest import Answers

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


def wait_output(qtbot: Any, dialog: PrintDialog, action: Any, output: str | None = None) -> None:
    with qtbot.waitSignal(dialog.output_done, timeout=30_000,
                          check_params_cb=None if output is None else (lambda name: name == output)):
        action()


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


def to_pdf(printer: QPrinter, path: Path) -> QPrinter:
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(150)
    return printer


def test_each_document_saves_as_pdf_through_the_pages(
    shell: ShellWindow, session: Session, records: dict[str, str], answers: Answers, qtbot: Any, tmp_path: Path
) -> None:
    assert shell.workspace is not None
    meetings = shell.workspace.show_page("meetings")
    meetings.table.selectRow(0)  # type: ignore[attr-defined]
    minutes = meetings.print_selected()
    assert isinstance(minutes, PrintDialog) and minutes.isVisible()
    wait_output(qtbot, minutes, lambda: minutes.save_pdf(tmp_path / "minutes.pdf"))
    text = pdf_text(tmp_path / "minutes.pdf")
    assert "护林防火支委会" in text and "研究春季护林防火工作" in text
    # The clerk is told which characters print as 〓.
    assert any(RARE in e and "〓" in e for e in answers.errors)

    signin = meetings.print_selected("signin")  # type: ignore[call-arg]
    assert isinstance(signin, PrintDialog)
    wait_output(qtbot, signin, lambda: signin.save_pdf(tmp_path / "signin.pdf"))
    text = pdf_text(tmp_path / "signin.pdf")
    assert "签到" in text and "王书记" in text

    ledger = meetings.print_ledger()  # type: ignore[attr-defined]
    assert isinstance(ledger, LedgerPrintDialog)
    ledger.period.set_period(str(dt.date.today().year))
    ledger.include_minutes.setChecked(False)
    assert ledger.current_request() == PrintRequest.ledger(str(dt.date.today().year), include_minutes=False)
    wait_output(qtbot, ledger, lambda: ledger.save_pdf(tmp_path / "ledger.pdf"))
    text = pdf_text(tmp_path / "ledger.pdf")
    assert "台账" in text and "护林防火支委会" in text

    posts = shell.workspace.show_page("posts")
    posts.select_post(records["post"])  # type: ignore[attr-defined]
    report = posts.print_selected()
    assert isinstance(report, PrintDialog)
    wait_output(qtbot, report, lambda: report.save_pdf(tmp_path / "post.pdf"))
    text = pdf_text(tmp_path / "post.pdf")
    assert "防火瞭望先锋岗" in text and "巡山八小时" in text


def test_editor_and_overview_open_the_print_dialogs(
    shell: ShellWindow, session: Session, records: dict[str, str], qtbot: Any
) -> None:
    assert shell.workspace is not None
    editor = shell.workspace.open_editor("meeting", records["meeting"])
    assert editor is not None
    dialog = editor.print_record()
    assert dialog is not None and dialog.current_request().kind == "minutes"
    signin = editor.print_signin()  # type: ignore[attr-defined]
    assert signin.current_request() == PrintRequest.signin(records["meeting"], "护林防火支委会")
    overview = shell.workspace.show_page("overview")
    ledger = overview.print_selected()
    assert isinstance(ledger, LedgerPrintDialog)
    editor.close()


def test_print_and_preview_paint_the_rendered_pages(
    session: Session, records: dict[str, str], qtbot: Any, tmp_path: Path, pdf_threads: list[threading.Thread]
) -> None:
    dialog = PrintDialog(session, PrintRequest.minutes(records["meeting"], "护林防火支委会"))
    qtbot.addWidget(dialog)
    printer = to_pdf(QPrinter(QPrinter.PrinterMode.HighResolution), tmp_path / "printed.pdf")
    wait_output(qtbot, dialog, lambda: dialog.print_document(printer))
    assert dialog.rendered is not None
    pages = dialog.rendered.result.pages
    assert pages >= 1 and pdf_pages(tmp_path / "printed.pdf") == pages
    # The page sizes were measured in the render worker: A4 portrait, in points.
    assert len(dialog.rendered.page_sizes) == pages
    width, height = dialog.rendered.page_sizes[0]
    assert round(width) == 595 and round(height) == 842
    assert printer.pageLayout().orientation() == printer.pageLayout().Orientation.Portrait
    # The preview reuses the rendered PDF and paints prepared images.
    wait_output(qtbot, dialog, lambda: dialog.preview(modal=False))
    preview = dialog.preview_dialog
    assert preview is not None and dialog.rendered.preview is not None
    assert len(dialog.rendered.preview) == pages
    # Only workers opened the PDF: the UI thread never waits for the pdfium lock.
    assert pdf_threads and threading.main_thread() not in pdf_threads
    # A closed preview is deleted, not kept as a hidden child of the dialog.
    preview.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(preview))
    assert dialog.preview_dialog is None and not dialog.findChildren(QPrintPreviewDialog)


def test_the_previews_print_button_prints_in_a_worker(
    session: Session, records: dict[str, str], qtbot: Any, tmp_path: Path, pdf_threads: list[threading.Thread],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = PrintDialog(session, PrintRequest.minutes(records["meeting"], "护林防火支委会"))
    qtbot.addWidget(dialog)
    wait_output(qtbot, dialog, lambda: dialog.preview(modal=False))
    preview, printer, rendered = dialog.preview_dialog, dialog.printer, dialog.rendered
    assert preview is not None and printer is not None and rendered is not None
    to_pdf(printer, tmp_path / "from-preview.pdf")
    printed_on: list[threading.Thread] = []
    real_print_pdf = raster.print_pdf

    def recording_print_pdf(*args: Any, **kwargs: Any) -> int:
        printed_on.append(threading.current_thread())
        return real_print_pdf(*args, **kwargs)

    monkeypatch.setattr("desktop_app.ui.printing.dialog.print_pdf", recording_print_pdf)
    widget = preview.findChild(QPrintPreviewWidget)
    assert widget is not None

    def press_print() -> None:  # what the preview's print button does once the printer is chosen
        widget.print()
        assert dialog.busy  # printing has only started: the UI thread is free
        preview.accept()

    wait_output(qtbot, dialog, press_print, "print")
    assert printed_on and threading.main_thread() not in printed_on
    assert pdf_pages(tmp_path / "from-preview.pdf") == rendered.result.pages
    assert threading.main_thread() not in pdf_threads
    assert dialog.note.text() == f"Sent {rendered.result.pages} pages to the printer." and not dialog.busy
    qtbot.waitUntil(lambda: dialog.preview_dialog is None)


def test_closing_the_dialog_mid_job_drops_its_callbacks(
    session: Session, records: dict[str, str], answers: Answers, qtbot: Any, tmp_path: Path
) -> None:
    dialog = PrintDialog(session, PrintRequest.minutes(records["meeting"], "护林防火支委会"))
    dialog.show()
    dialog.save_pdf(tmp_path / "closed.pdf")
    assert dialog.busy and running_count() == 1
    dialog.close()  # WA_DeleteOnClose: gone before the worker's result is delivered
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(dialog)
    qtbot.waitUntil(lambda: running_count() == 0, timeout=30_000)
    qtbot.wait(20)
    assert (tmp_path / "closed.pdf").exists()  # the job itself finished
    assert answers.errors == []  # the missing-character warning was not shown for a closed dialog


def test_printer_errors_reach_the_clerk_translated(
    qapp: QApplication, session: Session, records: dict[str, str], answers: Answers, qtbot: Any, tmp_path: Path
) -> None:
    translator = install_translator(qapp, "zh_CN")
    assert translator is not None
    try:
        dialog = PrintDialog(session, PrintRequest.minutes(records["meeting"], "护林防火支委会"))
        qtbot.addWidget(dialog)
        printer = to_pdf(QPrinter(QPrinter.PrinterMode.HighResolution), tmp_path / "no-such-dir" / "x.pdf")
        dialog.print_document(printer)
        qtbot.waitUntil(lambda: "无法打开打印机。" in answers.errors, timeout=30_000)
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

    def lock_after_first(store: Any, env: Any) -> Any:
        calls.append(env.record_id)
        minutes = real_minutes(store, env)
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
