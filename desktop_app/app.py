"""GUI entry point: ``run_gui(argv)`` (``branch-ledger`` without a subcommand calls it).

Sets up the QApplication (high-DPI rounding, organisation name for QSettings), the language
(Simplified Chinese unless English was chosen in 设置), the shipped CJK font, then shows the
shell window. Options: ``--data-dir PATH`` (default: QSettings, else the platform data dir) and
``--lang zh_CN|en`` (this run only).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _parse(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="branch-ledger", add_help=False)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--lang", choices=("zh_CN", "en"), default=None)
    return parser.parse_known_args(argv[1:] if argv else [])


def create_application(argv: list[str], language: str | None = None) -> object:
    """The QApplication with translator and fonts installed (used by run_gui, bench and screenshots)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.i18n import install_translator, register_fonts
    from desktop_app.ui.ui_settings import APPLICATION, ORGANIZATION, UiSettings

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        QApplication.setOrganizationName(ORGANIZATION)
        QApplication.setApplicationName(APPLICATION)
        app = QApplication(argv)
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName("BranchLedger")
    translator = install_translator(app, language or UiSettings().language)
    app._branchledger_translator = translator  # type: ignore[attr-defined]  # keep it alive
    register_fonts(app)
    return app


def run_gui(argv: list[str]) -> int:
    """Run the desktop client until the window closes; returns the exit status."""
    args, rest = _parse(argv)
    app = create_application([argv[0] if argv else "branch-ledger", *rest], args.lang)
    from desktop_app.ui.shell import ShellWindow
    from desktop_app.ui.ui_settings import UiSettings

    settings = UiSettings()
    window = ShellWindow(args.data_dir or settings.data_dir, settings)
    window.show()
    status = int(app.exec())  # type: ignore[attr-defined]
    from desktop_app.ui.session import wait_for_closing

    wait_for_closing()  # the backup on close finishes before the program ends
    return status


if __name__ == "__main__":
    raise SystemExit(run_gui(sys.argv))
