"""Printing from the app: every document through the print dialog's code path, and the rasterizer."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtPrintSupport import QPrinter

from desktop_app.ui.printing.dialog import LedgerPrintDialog, PrintDialog
from desktop_app.ui.printing.documents import PrintRequest, render_document
from desktop_app.ui.printing.raster import iter_page_images, print_pdf
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
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


def wait_output(qtbot: Any, dialog: PrintDialog, action: Any) -> None:
    with qtbot.waitSignal(dialog.output_done, timeout=30_000):
        action()


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
    session: Session, records: dict[str, str], qtbot: Any, tmp_path: Path
) -> None:
    dialog = PrintDialog(session, PrintRequest.minutes(records["meeting"], "护林防火支委会"))
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(150)
    wait_output(qtbot, dialog, lambda: dialog.print_document(printer))
    assert dialog.rendered is not None
    pages = dialog.rendered.result.pages
    assert pages >= 1 and pdf_pages(tmp_path / "printed.pdf") == pages
    # The preview reuses the rendered PDF and paints prepared images.
    wait_output(qtbot, dialog, lambda: dialog.preview(modal=False))
    assert dialog.preview_dialog is not None and dialog.rendered.preview is not None
    assert len(dialog.rendered.preview) == pages
    dialog.preview_dialog.close()


def test_rasterizer_paints_every_page(session: Session, records: dict[str, str], tmp_path: Path) -> None:
    result = render_document(session, PrintRequest.ledger(str(dt.date.today().year), include_minutes=True))
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
