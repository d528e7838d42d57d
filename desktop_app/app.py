"""GUI entry point: ``run_gui(argv)`` (``branch-ledger`` without a subcommand calls it).

Sets up the QApplication (high-DPI rounding, organisation name for QSettings), the language
(Simplified Chinese unless English was chosen in 设置), the shipped CJK font, then shows the
shell window. Options: ``--data-dir PATH`` (default: QSettings, else the platform data dir),
``--lang zh_CN|en`` (this run only) and ``--smoke-exit-after SECONDS`` (packaging tests: show the
window, print which screen it shows, quit cleanly; see desktop_app/ui/launch.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from branch_ledger import __version__


def _parse(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="branch-ledger", add_help=False)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--lang", choices=("zh_CN", "en"), default=None)
    parser.add_argument("--smoke-exit-after", type=float, default=None)
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
    app.setApplicationVersion(__version__)
    translator = install_translator(app, language or UiSettings().language)
    app._branchledger_translator = translator  # type: ignore[attr-defined]  # keep it alive
    register_fonts(app)
    from desktop_app.ui.launch import decorate

    decorate(app)
    return app


def run_gui(argv: list[str]) -> int:
    """Run the desktop client until the window closes; returns the exit status."""
    started = time.monotonic()
    args, rest = _parse(argv)
    app = create_application([argv[0] if argv else "branch-ledger", *rest], args.lang)
    from desktop_app.ui import launch
    from desktop_app.ui.shell import ShellWindow
    from desktop_app.ui.ui_settings import UiSettings

    launch.start_logging(app)  # type: ignore[arg-type]
    settings = UiSettings()
    data_dir = args.data_dir or settings.data_dir
    guard = launch.claim_data_dir(data_dir)
    if guard is None:
        return 0
    window = ShellWindow(data_dir, settings)
    guard.activated.connect(lambda: launch.bring_to_front(window))
    launch.fit_to_screen(window)
    window.show()
    smoke = launch.smoke_seconds(args.smoke_exit_after)
    if smoke is not None:
        launch.arm_smoke_exit(app, window, smoke, started)  # type: ignore[arg-type]
    status = int(app.exec())  # type: ignore[attr-defined]
    from desktop_app.ui.session import wait_for_closing

    wait_for_closing()  # the backup on close finishes before the program ends (and before the lock goes)
    guard.release()
    return status


if __name__ == "__main__":
    raise SystemExit(run_gui(sys.argv))
