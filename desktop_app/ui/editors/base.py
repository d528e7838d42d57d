"""What every record editor shares: load, autosave to editor buffers, 保存, 定稿, 更正, violations.

Autosave: every edit marks the form dirty and, if no save is pending, schedules one in
``AUTOSAVE_MS``. The timer is *not* restarted by later keystrokes, so during continuous typing a
buffer is written at least every ``AUTOSAVE_MS`` — a crash or power cut loses at most that much.
Buffers are encrypted in the store (``store.buffers``), dropped on 保存 or discard, and offered
for restore at the next unlock.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QToolBar,
    QWidget,
)

from desktop_app.operations import drafts, records
from desktop_app.operations.errors import StoreError
from desktop_app.operations.types import RecordEnvelope
from desktop_app.ui import dialogs
from desktop_app.ui.editors.attachments import ATTACHMENT_KINDS, AttachmentsPanel
from desktop_app.ui.editors.binding import Form
from desktop_app.ui.editors.fieldmap import FieldMap
from desktop_app.ui.i18n import translate
from desktop_app.ui.operations import UiOp
from desktop_app.ui.session import Session
from desktop_app.ui.wheel_guard import install_wheel_guard
from desktop_app.ui.widgets.row_table import RowTable
from desktop_app.ui.widgets.screen import fit_to_screen
from domain.context import RuleContext
from domain.labels import field_label
from domain.records import RecordBody
from domain.validation import validate_record
from domain.violations import RuleViolation, Severity, Violation

if TYPE_CHECKING:
    from desktop_app.operations.printing import PrintRequest
    from desktop_app.ui.printing.dialog import PrintDialog

AUTOSAVE_MS = 1500  # ≤ 2 s of typing lost at worst (the requirement)
LIVE_CHECK_MS = 300



class EditorWindow(QMainWindow):
    """Base of the record editors. Subclasses set ``KIND`` and implement the form hooks."""

    KIND: ClassVar[str] = ""
    FINALIZABLE: ClassVar[bool] = False

    saved = Signal(str)  # record id
    opened_editor = Signal(object)  # an editor this one opened (an amendment)

    def __init__(
        self,
        session: Session,
        record_id: str | None = None,
        *,
        initial: dict[str, Any] | None = None,
        buffer_key: str | None = None,
        amend_of: str | None = None,
        amend_reason: str = "",
        base_rev: str | None = None,
        defaults: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        install_wheel_guard()
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.session = session
        self.record_id = record_id
        self.rev: str | None = base_rev
        self.status_final = False
        self.conflicted = False
        self.amend_of = amend_of
        self.amend_reason = amend_reason
        self.buffer_key = buffer_key or (f"record:{record_id}" if record_id else f"new:{self.KIND}:{uuid.uuid4()}")
        self.fields = FieldMap()
        self.row_holders: dict[str, QWidget] = {}  # path → the form row's widget
        # The editor's fields, each declared once in build_form (editors/binding.py).
        self.form = Form(self.fields, self.on_changed, self.row_holders)
        self._dirty = False
        self._loading = True
        self._force_close = False
        self.members = records.members(session.ledger)

        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.timeout.connect(self.flush_buffer)
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.timeout.connect(self.live_check)

        self._build_chrome()
        self.build_form(self.form_widget)
        self._loading = True
        if record_id is not None:
            env = records.get_record(session.ledger, record_id)
            self._apply_envelope(env)
            self.load_data(env.body.model_dump(mode="json"))
            self.attachments.load(env.body.model_dump(mode="json"))
        if record_id is None and initial is None:
            self.new_record_defaults()
        if initial is not None:
            self.load_data(initial)
            self.attachments.load(initial)  # a restored buffer's, or the amended record's
        elif defaults is not None and record_id is None:
            # e.g. the post a new log entry belongs to: not an edit yet. Over the form's own
            # defaults (today's date …), which a partial dict must not blank.
            self.load_data({**self.form_data(), **defaults})
        self._loading = False
        if initial is not None:  # restored buffer or amendment: unsaved until 保存
            self._mark_dirty()
        elif record_id is not None:
            # A record opened as saved is judged at once (from the event loop): its quorum and
            # vote verdicts, and any problem, show without an edit first.
            self._check_timer.start(0)
        self._update_chrome()

    # ------------------------------------------------------------ hooks for subclasses

    def build_form(self, container: QWidget) -> None:
        """Lay out the form, declaring each field once on :attr:`form`."""

    def form_data(self) -> dict[str, Any]:
        """The body as the form shows it (read from the fields declared on :attr:`form`)."""
        return self.form.read()

    def load_data(self, data: dict[str, Any]) -> None:
        """Show a body (a saved record, a restored buffer, defaults) in the declared fields."""
        self.form.load(data)

    def body_data(self) -> dict[str, Any]:
        """What is saved: the form's fields and the attachments panel's references."""
        return self.attachments.merge_into(self.form_data())

    def title_text(self) -> str:
        return self.KIND

    def state_note(self) -> str:
        """Something to add to the state shown on the tool bar (a meeting entered later: 补录)."""
        return ""

    def new_record_defaults(self) -> None:
        """Fill a new, empty form with what is normally true (not an edit: nothing is dirty yet)."""

    def on_saved(self, env: RecordEnvelope) -> None:
        """Called after a successful 保存 with what the store wrote (fields it filled in itself)."""

    def after_check(self, body: RecordBody | None, context: RuleContext, violations: list[Violation]) -> None:
        """Called after each live check (the meeting editor updates its quorum indicator here)."""

    # ------------------------------------------------------------ chrome

    def _build_chrome(self) -> None:
        bar = QToolBar(translate("EditorWindow", "Record"), self)
        bar.setMovable(False)
        self.addToolBar(bar)
        self.toolbar = bar
        self.action_save = QAction(translate("EditorWindow", "Save"), self)
        self.action_save.setShortcut(QKeySequence.StandardKey.Save)
        self.action_save.setToolTip(translate("EditorWindow", "Save a new revision of this record (Ctrl+S)"))
        self.action_save.triggered.connect(self.save)
        self.action_finalize = QAction(translate("EditorWindow", "Finalize…"), self)
        self.action_finalize.setToolTip(translate("EditorWindow", "Lock this record; later changes need an amendment"))
        self.action_finalize.triggered.connect(self.finalize)
        self.action_amend = QAction(translate("EditorWindow", "Amend…"), self)
        self.action_amend.setToolTip(translate("EditorWindow", "Write a correction of this finalized record"))
        self.action_amend.triggered.connect(self.amend)
        self.action_print = QAction(translate("EditorWindow", "Print…"), self)
        self.action_print.setShortcut(QKeySequence.StandardKey.Print)
        self.action_print.setToolTip(translate("EditorWindow", "Preview, print or save this record as PDF (Ctrl+P)"))
        self.action_print.triggered.connect(lambda: self.print_record())
        self.action_close = QAction(translate("EditorWindow", "Close"), self)
        self.action_close.setShortcut(QKeySequence.StandardKey.Close)
        self.action_close.triggered.connect(self.close)
        for action in (self.action_save, self.action_finalize, self.action_amend, self.action_print, self.action_close):
            bar.addAction(action)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("editorState")
        bar.addSeparator()
        bar.addWidget(self.state_label)

        self.form_widget = QWidget()
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_widget)
        self.form_scroll = scroll
        self.problems = QListWidget(self)
        self.problems.setObjectName("problems")
        self.problems.setToolTip(
            translate("EditorWindow", "Problems found by the branch rules; click one to go to its field")
        )
        self.problems.itemActivated.connect(self._focus_problem)
        self.problems.itemClicked.connect(self._focus_problem)
        self.problems.setMaximumHeight(140)
        # 附件 beside the form, outside it: a finalized record's form is disabled, its files still open.
        self.attachments = AttachmentsPanel(self.session, self)
        self.attachments.setVisible(self.KIND in ATTACHMENT_KINDS)
        self.attachments.changed.connect(self.on_changed)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(scroll)
        splitter.addWidget(self.attachments)
        splitter.addWidget(self.problems)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(2, 1)
        splitter.setCollapsible(0, False)
        self.setCentralWidget(splitter)
        self.statusBar()
        fit_to_screen(self, 980, 760)

    def _update_chrome(self) -> None:
        editable = not self.status_final and not self.conflicted
        self.form_widget.setEnabled(editable)
        self.attachments.set_editable(editable, self.record_id)
        self._show_placeholders(editable)
        self.action_save.setEnabled(editable)
        self.action_finalize.setVisible(self.FINALIZABLE)
        self.action_finalize.setEnabled(editable)
        self.action_amend.setVisible(self.KIND == "meeting")
        # Only kinds with a printed form offer 打印 (a member, a log entry have none).
        self.action_print.setVisible(type(self).print_request is not EditorWindow.print_request)
        self.action_amend.setEnabled(self.status_final and self.record_id is not None)
        if self.conflicted:
            state = translate("EditorWindow", "Sync conflict — resolve it on the Sync page")
        elif self.status_final:
            state = translate("EditorWindow", "Finalized")
        elif self.record_id is None:
            state = translate("EditorWindow", "New, not saved")
        elif self._dirty:
            state = translate("EditorWindow", "Draft, unsaved changes")
        else:
            state = translate("EditorWindow", "Draft, saved")
        if self.amend_of:
            state += " · " + translate("EditorWindow", "Amendment")
        note = self.state_note()
        if note:
            state += " · " + note
        self.state_label.setText(state)
        title = self.title_text() or translate("EditorWindow", "Record")
        app_name = translate("EditorWindow", "BranchLedger")
        self.setWindowTitle(f"{title}{' *' if self._dirty else ''} — {app_name}")

    def _show_placeholders(self, editable: bool) -> None:
        """Hints such as "e.g. 2026年第二季度支部党员大会" help while typing; in a record that can no
        longer be edited they would read as its content, so they are hidden there."""
        for edit in self.form_widget.findChildren(QLineEdit) + self.form_widget.findChildren(QPlainTextEdit):
            kept = edit.property("hint")
            if not editable:
                if kept is None:
                    edit.setProperty("hint", edit.placeholderText())
                edit.setPlaceholderText("")
            elif isinstance(kept, str):
                edit.setPlaceholderText(kept)

    def _apply_envelope(self, env: RecordEnvelope) -> None:
        self.record_id = env.record_id
        self.rev = env.rev
        self.status_final = env.is_final
        self.conflicted = env.conflicted

    # ------------------------------------------------------------ change tracking

    def on_changed(self, *_args: object) -> None:
        if self._loading:
            return
        self._mark_dirty()

    def _mark_dirty(self) -> None:
        was_dirty = self._dirty
        self._dirty = True
        if not self._autosave_timer.isActive():
            self._autosave_timer.start(AUTOSAVE_MS)
        self._check_timer.start(LIVE_CHECK_MS)
        if not was_dirty:
            self._update_chrome()

    @property
    def dirty(self) -> bool:
        return self._dirty

    def flush_buffer(self) -> None:
        """Write the form to the crash-safe editor buffer now (called by the timer and on lock)."""
        self._autosave_timer.stop()
        if not self._dirty or self.session.closed:
            return
        data = self.body_data()
        try:
            drafts.keep_draft(
                self.session.ledger,
                self.buffer_key,
                self.KIND,
                {"data": data, "amend_of": self.amend_of, "amend_reason": self.amend_reason},
                record_id=self.record_id,
                base_rev=self.rev,
            )
        except StoreError as exc:
            self.statusBar().showMessage(exc.message, 5000)
            return
        self.statusBar().showMessage(translate("EditorWindow", "Draft kept safe (autosaved)"), 2000)

    def live_check(self) -> list[Violation]:
        """Validate the form as it stands and show every problem next to its field."""
        if self.session.closed:
            return []
        context = records.rule_context(self.session.ledger)
        body, violations = validate_record(self.KIND, self.body_data(), context)
        violations = _merge(self.fields.input_problems(), violations)
        self.show_violations(violations)
        self.after_check(body, context, violations)
        return violations

    def show_violations(self, violations: list[Violation]) -> None:
        """Show each problem at its field and in the list, without moving the field being typed in.

        Messages appear and disappear under fields as the clerk types; the form is scrolled so
        the focused field stays exactly where it was on screen (nothing jumps under the pointer).
        """
        anchor = QApplication.focusWidget()
        viewport = self.form_scroll.viewport()
        anchored = anchor is not None and self.form_widget.isAncestorOf(anchor)
        before = anchor.mapTo(viewport, QPoint(0, 0)).y() if anchored and anchor is not None else 0
        self.fields.show(violations)
        if anchored and anchor is not None:
            layout = self.form_widget.layout()
            if layout is not None:
                layout.activate()
            after = anchor.mapTo(viewport, QPoint(0, 0)).y()
            if after != before:
                bar = self.form_scroll.verticalScrollBar()
                bar.setMaximum(max(bar.maximum(), bar.value() + after - before))
                bar.setValue(bar.value() + after - before)
        self.problems.clear()
        for v in violations:
            prefix = "✖ " if v.severity is Severity.ERROR else "⚠ "
            item = QListWidgetItem(prefix + v.message)
            item.setData(Qt.ItemDataRole.UserRole, v.field)
            item.setToolTip(field_label(v.field))
            self.problems.addItem(item)

    def _focus_problem(self, item: QListWidgetItem) -> None:
        """Clicking a problem brings its field into view and puts the cursor there (a table: the
        cell the problem names)."""
        path = str(item.data(Qt.ItemDataRole.UserRole))
        widget = self.fields.widget_for(path)
        if widget is None:
            return
        target: QWidget = widget
        if isinstance(widget, RowTable):
            target = widget.focus_cell(path) or widget
        self.form_scroll.ensureWidgetVisible(target, 20, 40)
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------ actions

    def save(self) -> bool:
        """保存: write a revision (or the first version). Returns False if the rules refused it."""
        if self.status_final or self.conflicted:
            return False
        typed = self.fields.input_problems()
        if typed:
            self.show_violations(typed)
            self.statusBar().showMessage(translate("EditorWindow", "Not saved: please correct the marked fields"), 8000)
            return False
        data, record_id, rev, amend_of = self.body_data(), self.record_id, self.rev, self.amend_of
        # On the UI thread: closing the window waits for the answer (one save is a few ms).
        op = UiOp(self, self.session, lambda ledger: records.save_record(
            ledger, self.KIND, data, record_id=record_id, base_rev=rev, amend_of=amend_of,
            amend_reason=self.amend_reason, draft_key=self.buffer_key,
        ))
        refused = translate("EditorWindow", "Not saved: please correct the marked fields")
        saved = op.failure(lambda exc: self._refused(exc, refused)).run_now()
        if saved is None:
            return False
        env = saved.envelope
        self._autosave_timer.stop()
        self._apply_envelope(env)
        self.on_saved(env)
        self.buffer_key = f"record:{env.record_id}"
        self._dirty = False
        self.show_violations(list(env.warnings))
        self.statusBar().showMessage(translate("EditorWindow", "Saved"), 4000)
        self._update_chrome()
        self.saved.emit(env.record_id)
        return True

    def finalize(self) -> bool:
        """定稿 after confirmation; the record can then only be corrected by an amendment."""
        if not self.FINALIZABLE or self.status_final:
            return False
        if (self._dirty or self.record_id is None) and not self.save():
            return False
        if not dialogs.confirm(
            self,
            translate("EditorWindow", "Finalize record"),
            translate(
                "EditorWindow",
                "After finalizing, this record can no longer be changed; corrections are made as "
                "amendments. Finalize now?",
            ),
            translate("EditorWindow", "Finalize"),
        ):
            return False
        assert self.record_id is not None
        record_id = self.record_id
        finalized = UiOp(self, self.session, lambda ledger: records.finalize_record(ledger, record_id)).failure(
            lambda exc: self._refused(exc, translate("EditorWindow", "Not finalized: the record is incomplete"))
        ).run_now()
        if finalized is None:
            return False
        env = finalized.envelope
        self._apply_envelope(env)
        self.show_violations(list(env.warnings))
        self._update_chrome()
        self.saved.emit(env.record_id)
        return True

    def _refused(self, exc: Exception, status: str) -> None:
        """A save or 定稿 the rules refused: each problem at its field; anything else in a dialog."""
        if isinstance(exc, RuleViolation):
            self.show_violations(exc.violations)
            self.statusBar().showMessage(status, 8000)
        elif isinstance(exc, StoreError):
            dialogs.error(self, exc.message)
        else:
            dialogs.error(self, dialogs.error_text(exc))

    def amend(self) -> EditorWindow | None:
        """更正: open a new editor prefilled with this finalized record, to be saved as an amendment."""
        if not self.status_final or self.record_id is None:
            return None
        reason = dialogs.ask_text(
            self, translate("EditorWindow", "Amend record"), translate("EditorWindow", "Reason for the correction:")
        )
        if not reason or not reason.strip():
            return None
        data = self.body_data()  # the amendment starts with the original's attachments too
        editor = type(self)(self.session, None, initial=data, amend_of=self.record_id, amend_reason=reason.strip())
        self.opened_editor.emit(editor)
        editor.show()
        return editor

    def print_request(self) -> PrintRequest | None:
        """What Ctrl+P prints for this record (None: this kind has no printed form)."""
        return None

    def print_record(self, request: PrintRequest | None = None) -> PrintDialog | None:
        """Open the print dialog (preview, print, save as PDF) for the saved record."""
        from desktop_app.ui.printing.dialog import open_print_dialog

        if self.record_id is None or self._dirty:
            dialogs.info(self, translate("EditorWindow", "Save the record before printing it."))
            return None
        request = request or self.print_request()
        if request is None:
            dialogs.info(self, translate("EditorWindow", "Records of this kind have no printed form."))
            return None
        return open_print_dialog(self, self.session, request)

    # ------------------------------------------------------------ closing

    def force_close(self) -> None:
        """Close without questions (on lock): unsaved typing stays in the editor buffer."""
        self.flush_buffer()
        self._force_close = True
        self.close()

    def discard_buffer(self) -> None:
        if not self.session.closed:
            drafts.discard_draft(self.session.ledger, self.buffer_key)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._force_close and self._dirty and not self.session.closed:
            answer = dialogs.ask_save(self, self.windowTitle())
            if answer == "cancel" or (answer == "save" and not self.save()):
                event.ignore()
                return
            if answer == "discard":
                self.discard_buffer()
        self._autosave_timer.stop()
        self._check_timer.stop()
        event.accept()


def _merge(first: list[Violation], second: list[Violation]) -> list[Violation]:
    """Both lists, without a second copy of a message already given for the same field."""
    seen = {(v.field, v.message) for v in first}
    return [*first, *[v for v in second if (v.field, v.message) not in seen]]
