"""The main window: a thin shell that shows the first-run wizard, the lock screen or the workspace.

It owns only what spans pages: the global shortcuts (Ctrl+N/F/P/L), auto-lock, and switching
between locked and unlocked. Everything else lives in the pages and editors.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QWidget

from desktop_app.operations import opening
from desktop_app.operations.ledger import Ledger
from desktop_app.operations.opening import KdfParams
from desktop_app.ui.i18n import translate
from desktop_app.ui.idle import IdleWatcher
from desktop_app.ui.session import Session
from desktop_app.ui.ui_settings import UiSettings
from desktop_app.ui.unlock import UnlockScreen
from desktop_app.ui.wheel_guard import install_wheel_guard
from desktop_app.ui.widgets.screen import fit_to_screen
from desktop_app.ui.workspace import Workspace


class ShellWindow(QMainWindow):
    def __init__(
        self,
        data_dir: Path,
        settings: UiSettings | None = None,
        *,
        kdf: KdfParams | None = None,
        autolock_ms: int | None = None,
        offer_restore: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        install_wheel_guard()  # the wheel scrolls forms; it never changes an unfocused value
        self.data_dir = data_dir
        self.settings = settings or UiSettings()
        self.kdf = kdf
        self.offer_restore = offer_restore
        self.session: Session | None = None
        self.workspace: Workspace | None = None
        self.wizard: QWidget | None = None
        self.notice_dialog: QWidget | None = None
        self.setWindowTitle(translate("ShellWindow", "BranchLedger"))
        fit_to_screen(self, 1200, 780)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.unlock_screen = UnlockScreen(data_dir, self.settings)
        self.unlock_screen.unlocked.connect(self._ledger_opened)
        self.stack.addWidget(self.unlock_screen)
        self.idle = IdleWatcher(autolock_ms or self.settings.autolock_minutes * 60_000, self)
        self.idle.idle.connect(self.lock)
        self.state_label = QLabel()
        self.statusBar().addPermanentWidget(self.state_label)
        self._build_actions()
        if opening.ledger_exists(data_dir):
            self.show_locked()
        else:
            self.show_wizard()

    # ------------------------------------------------------------ actions

    def _build_actions(self) -> None:
        menu = self.menuBar().addMenu(translate("ShellWindow", "&Ledger"))
        self.action_new = self._action(
            menu, translate("ShellWindow", "&New record"), QKeySequence.StandardKey.New, self._new
        )
        self.action_find = self._action(
            menu, translate("ShellWindow", "&Find"), QKeySequence.StandardKey.Find, self._find
        )
        self.action_print = self._action(
            menu, translate("ShellWindow", "&Print…"), QKeySequence.StandardKey.Print, self._print
        )
        menu.addSeparator()
        self.action_lock = self._action(menu, translate("ShellWindow", "&Lock"), QKeySequence("Ctrl+L"), self.lock)
        self.action_lock.setToolTip(
            translate("ShellWindow", "Close the database now; the passphrase is needed to continue")
        )
        self.action_quit = self._action(
            menu, translate("ShellWindow", "&Quit"), QKeySequence.StandardKey.Quit, self.close
        )
        self.help_menu = self.menuBar().addMenu(translate("ShellWindow", "&Help"))
        self.action_about = self._action(
            self.help_menu, translate("ShellWindow", "&About BranchLedger"), QKeySequence(), self._about
        )
        self._set_unlocked_actions(False)

    def _action(
        self, menu: object, text: str, shortcut: QKeySequence | QKeySequence.StandardKey, slot: object
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(shortcut)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)  # type: ignore[arg-type]
        menu.addAction(action)  # type: ignore[attr-defined]
        self.addAction(action)
        return action

    def _set_unlocked_actions(self, unlocked: bool) -> None:
        for action in (self.action_new, self.action_find, self.action_print, self.action_lock):
            action.setEnabled(unlocked)

    def _new(self) -> None:
        page = self.workspace.current_page() if self.workspace else None
        if page is not None:
            page.new_record()

    def _find(self) -> None:
        page = self.workspace.current_page() if self.workspace else None
        if page is not None:
            page.focus_search()

    def _print(self) -> None:
        page = self.workspace.current_page() if self.workspace else None
        if page is not None:
            page.print_selected()

    def _about(self) -> None:
        from desktop_app.ui.about import AboutDialog

        self.about_dialog = AboutDialog(self.data_dir, self)
        self.about_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.about_dialog.open()

    # ------------------------------------------------------------ states

    def show_wizard(self) -> None:
        from desktop_app.ui.wizard.first_run import FirstRunWizard

        wizard = FirstRunWizard(self.data_dir, kdf=self.kdf)
        wizard.setWindowFlags(Qt.WindowType.Widget)
        wizard.completed.connect(self._wizard_done)
        self.wizard = wizard
        self.stack.addWidget(wizard)
        self.stack.setCurrentWidget(wizard)
        self.state_label.setText(translate("ShellWindow", "Setting up"))

    def _wizard_done(self, session: object) -> None:
        assert isinstance(session, Session)
        wizard = self.wizard
        if wizard is not None:
            self.data_dir = getattr(wizard, "data_dir", self.data_dir)
            self.unlock_screen.set_data_dir(self.data_dir)
            wizard.hide()
            # The wizard is the sender of this call: destroy it once control is back in the event
            # loop, the same way lock() destroys the workspace (see _destroy_page).
            QTimer.singleShot(0, self, lambda: self._destroy_page(wizard))
            self.wizard = None
        if self.data_dir != self.settings.data_dir:
            self.settings.data_dir = self.data_dir
        self.open_session(session, restore=False)

    def show_locked(self) -> None:
        self.stack.setCurrentWidget(self.unlock_screen)
        self.unlock_screen.reset()
        self.state_label.setText(translate("ShellWindow", "Locked"))
        self._set_unlocked_actions(False)

    def _ledger_opened(self, ledger: object) -> None:
        assert isinstance(ledger, Ledger)
        session = Session(ledger)
        self.open_session(session, restore=self.offer_restore)
        QTimer.singleShot(0, self, lambda: self._notices(session))

    def open_session(self, session: Session, *, restore: bool = True, start_page: str = "overview") -> Workspace:
        self.session = session
        self.workspace = Workspace(session, start_page=start_page)
        self.workspace.autolock_changed.connect(lambda minutes: self.idle.set_timeout(minutes * 60_000))
        self.workspace.restore_requested.connect(self.restore_backup)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        self.state_label.setText(translate("ShellWindow", "Unlocked"))
        self._set_unlocked_actions(True)
        self.idle.start()
        if restore:
            QTimer.singleShot(0, self.workspace.restore_buffers)
        return self.workspace

    def _notices(self, session: Session) -> None:
        """A recovery key never confirmed, a repaired key file, a log that did not replay."""
        from desktop_app.ui.open_notices import show_open_notices

        if self.session is session:
            self.notice_dialog = show_open_notices(self, session)

    def restore_backup(self, info: object, passphrase: str) -> None:
        """Lock, put the backup in place of the current data, and open it (restore_flow.py)."""
        from desktop_app.ui.restore_flow import restore_into

        # Later, from the event loop: the request comes from a dialog of the page lock() destroys.
        QTimer.singleShot(0, self, lambda: restore_into(self, info, passphrase))  # type: ignore[arg-type]

    def lock(self) -> None:
        """Ctrl+L or auto-lock: buffer and close editors, close the database, show the lock screen."""
        self.idle.stop()
        workspace, session = self.workspace, self.session
        self.workspace, self.session = None, None
        if workspace is not None:
            workspace.stop_background()
            workspace.close_editors()
            workspace.hide()
            self._destroy_page(workspace)
        if session is not None:
            session.close()
        self.show_locked()

    def _destroy_page(self, page: QWidget) -> None:
        """Take ``page`` out of the stack and destroy it now, on the UI thread, exactly once.

        ``deleteLater()`` on a page still inside the stack crashed in ~QObject now and then (about
        one UI test run in seven, caught under gdb); detaching first and deleting synchronously
        does not. Only call this when nothing of ``page`` is on the call stack.
        """
        if not shiboken6.isValid(page):
            return
        self.stack.removeWidget(page)
        page.setParent(None)  # type: ignore[call-overload]
        shiboken6.delete(page)

    @property
    def locked(self) -> bool:
        return self.session is None

    def closeEvent(self, event: QCloseEvent) -> None:
        self.lock()
        event.accept()
