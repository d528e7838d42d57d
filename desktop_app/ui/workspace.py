"""The unlocked workspace: navigation on the left, one page at a time on the right, open editors.

Pages are built the first time they are shown (startup builds only 概览 and 会议记录). Editors are
separate windows tracked here, so locking can put their typing into buffers and close them.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget, QWidget

from desktop_app.operations import drafts, records
from desktop_app.operations.errors import RecordNotFound
from desktop_app.ui import dialogs
from desktop_app.ui.backup_schedule import BackupSchedule
from desktop_app.ui.editors import editor_class
from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.i18n import QT_TRANSLATE_NOOP, translate
from desktop_app.ui.pages.base import Page
from desktop_app.ui.session import Session
from desktop_app.ui.sync.auto import AutoSync
from desktop_app.ui.sync.controller import SyncController

PAGES: list[tuple[str, str]] = [
    ("overview", QT_TRANSLATE_NOOP("Workspace", "Overview")),
    ("meetings", QT_TRANSLATE_NOOP("Workspace", "Meetings")),
    ("posts", QT_TRANSLATE_NOOP("Workspace", "Pioneer posts")),
    ("members", QT_TRANSLATE_NOOP("Workspace", "Members")),
    ("sync", QT_TRANSLATE_NOOP("Workspace", "Sync")),
    ("settings", QT_TRANSLATE_NOOP("Workspace", "Settings")),
]
OVERVIEW_DELAY_MS = 300
# Which page lists which record kind (to refresh it after a save).
KIND_PAGES = {
    "meeting": "meetings",
    "member": "members",
    "pioneer_post": "posts",
    "post_log": "posts",
    "post_evaluation": "posts",
}


def _t(text: str) -> str:
    return QCoreApplication.translate("Workspace", text)


def _page_class(key: str) -> type[Page]:
    if key == "overview":
        from desktop_app.ui.pages.overview import OverviewPage

        return OverviewPage
    if key == "meetings":
        from desktop_app.ui.pages.meetings import MeetingsPage

        return MeetingsPage
    if key == "posts":
        from desktop_app.ui.pages.posts import PostsPage

        return PostsPage
    if key == "members":
        from desktop_app.ui.pages.members import MembersPage

        return MembersPage
    if key == "sync":
        from desktop_app.ui.pages.sync import SyncPage

        return SyncPage
    from desktop_app.ui.pages.settings import SettingsPage

    return SettingsPage


class Workspace(QWidget):
    autolock_changed = Signal(int)
    restore_requested = Signal(object, str)  # BackupInfo, passphrase: the shell swaps the ledger

    def __init__(self, session: Session, parent: QWidget | None = None, *, start_page: str = "overview") -> None:
        super().__init__(parent)
        self.session = session
        # One sync at a time for this ledger, shared by the 同步 page and the automatic schedule.
        self.sync_controller = SyncController(session, self)
        self.auto_sync = AutoSync(self.sync_controller, parent=self)
        self.backup_schedule = BackupSchedule(session, self)  # the daily backup while the app stays open
        self.editors: list[EditorWindow] = []
        self.notice_view: QWidget | None = None
        self.pages: dict[str, Page] = {}
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(150)
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setStyleSheet(
            "QListWidget#navigation { font-size: 12pt; } QListWidget#navigation::item { padding: 8px 6px; }"
        )
        for key, title in PAGES:
            item = QListWidgetItem(_t(title))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(_t(title))
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.nav.currentRowChanged.connect(self._nav_changed)
        session.records_changed.connect(self._records_changed)
        self.show_page(start_page)
        self.auto_sync.start()
        self.backup_schedule.start()

    # ------------------------------------------------------------ pages

    def page(self, key: str) -> Page:
        """The page for ``key``, built on first use."""
        if key not in self.pages:
            page = _page_class(key)(self.session, self)
            self.pages[key] = page
            self.stack.addWidget(page)
            if hasattr(page, "autolock_changed"):
                page.autolock_changed.connect(self.autolock_changed)
            if hasattr(page, "sync_settings_changed"):
                page.sync_settings_changed.connect(self.auto_sync.reconfigure)
            if hasattr(page, "restore_requested"):
                page.restore_requested.connect(self.restore_requested)
            if key == "overview":
                # After the first paint: the statistics read many rows and must not delay it.
                QTimer.singleShot(OVERVIEW_DELAY_MS, page.refresh)
        return self.pages[key]

    def show_page(self, key: str) -> Page:
        keys = [k for k, _ in PAGES]
        row = keys.index(key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)  # calls _nav_changed
        return self.page(key)

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        key = PAGES[row][0]
        fresh = key not in self.pages
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        if not fresh and key in ("overview", "sync"):
            page.refresh()

    def _records_changed(self, kind: str) -> None:
        targets = set(self.pages) if not kind else {KIND_PAGES.get(kind, ""), "overview"}
        for key in targets:
            page = self.pages.get(key)
            if page is not None:
                page.refresh()

    # ------------------------------------------------------------ editors

    def open_editor(self, kind: str, record_id: str | None = None, **kwargs: Any) -> EditorWindow | None:
        """Open (or raise) the editor of a record (a notice opens read-only)."""
        if kind == "notice" and record_id is not None:
            from desktop_app.ui.notice_view import NoticeView

            view = NoticeView(self.session, record_id, self)
            view.setWindowFlag(Qt.WindowType.Window, True)
            view.show()
            self.notice_view = view
            return None
        if record_id is not None:
            for editor in self.editors:
                if editor.record_id == record_id:
                    editor.raise_()
                    editor.activateWindow()
                    return editor
        try:
            editor = editor_class(kind)(self.session, record_id, **kwargs)
        except KeyError:
            dialogs.info(self, translate("Workspace", "Records of this kind are read-only here."))
            return None
        self._track(editor)
        editor.show()
        return editor

    def _track(self, editor: EditorWindow) -> None:
        self.editors.append(editor)
        editor.destroyed.connect(lambda _o=None, e=editor: self._forget(e))
        editor.opened_editor.connect(self._track)

    def _forget(self, editor: EditorWindow) -> None:
        if editor in self.editors:
            self.editors.remove(editor)

    def stop_background(self) -> None:
        """On lock: no more automatic syncs (a run in progress stops at its next store call)."""
        self.auto_sync.stop()
        self.backup_schedule.stop()

    def close_editors(self) -> None:
        """On lock: keep unsaved typing in buffers and close every editor without asking."""
        for editor in list(self.editors):
            with contextlib.suppress(RuntimeError):  # already deleted on the C++ side
                editor.force_close()
        self.editors.clear()

    def restore_buffers(self) -> int:
        """Offer the drafts an earlier session left behind (crash, power cut, auto-lock)."""
        buffers = drafts.drafts(self.session.ledger)
        if not buffers:
            return 0
        if not dialogs.confirm(
            self,
            translate("Workspace", "Restore unsaved drafts"),
            translate("Workspace", "{0} unsaved drafts were kept from last time. Open them again?").format(
                len(buffers)
            ),
            translate("Workspace", "Open the drafts"),
        ):
            if dialogs.confirm(
                self,
                translate("Workspace", "Restore unsaved drafts"),
                translate("Workspace", "Discard these drafts for good?"),
                translate("Workspace", "Discard the drafts"),
            ):
                drafts.discard_drafts(self.session.ledger, [buffer.key for buffer in buffers])
            return 0
        opened = 0
        for buffer in buffers:
            payload = buffer.data if isinstance(buffer.data, dict) else {}
            data = payload.get("data", payload)
            try:
                cls = editor_class(buffer.kind)
            except KeyError:
                continue
            record_id = buffer.record_id
            if record_id is not None and not _exists(self.session, record_id):
                record_id = None
            editor = cls(
                self.session,
                record_id,
                initial=data,
                buffer_key=buffer.key,
                amend_of=payload.get("amend_of"),
                amend_reason=payload.get("amend_reason") or "",
            )
            self._track(editor)
            editor.show()
            opened += 1
        return opened


def _exists(session: Session, record_id: str) -> bool:
    try:
        env = records.get_record(session.ledger, record_id)
    except RecordNotFound:
        return False
    return not env.deleted
