"""先锋岗: the posts; for the selected post, its work log and its evaluations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations.printing import PrintRequest
from desktop_app.operations.types import RecordFilter
from desktop_app.ui.i18n import translate
from desktop_app.ui.models.records import EVALUATION_COLUMNS, LOG_COLUMNS, POST_COLUMNS, RecordTableModel
from desktop_app.ui.pages.base import EditorHost, Page, RecordTable, SearchBox
from desktop_app.ui.session import Session

if TYPE_CHECKING:
    from desktop_app.ui.printing.dialog import PrintDialog

NO_POST = "\x00none"  # a filter value no record has: empty lists until a post is chosen



class PostsPage(Page):
    def __init__(self, session: Session, host: EditorHost, parent: QWidget | None = None) -> None:
        super().__init__(session, host, parent)
        self.search = SearchBox()
        new_post = QPushButton(translate("PostsPage", "New post"))
        new_post.setToolTip(translate("PostsPage", "Ctrl+N"))
        new_post.clicked.connect(self.new_record)
        self.print_button = QPushButton(translate("PostsPage", "Print report…"))
        self.print_button.setToolTip(
            translate("PostsPage", "Print the selected post's report: pledges, work log, evaluations (Ctrl+P)")
        )
        self.print_button.clicked.connect(lambda: self.print_selected())
        self.posts_model = RecordTableModel(session, POST_COLUMNS, RecordFilter(kind="pioneer_post"))
        self.posts = RecordTable(self.posts_model)
        self.posts.fit_columns(stretch=0)
        self.posts.activated_record.connect(lambda rid: self.host.open_editor("pioneer_post", rid))

        self.logs_model = RecordTableModel(session, LOG_COLUMNS, RecordFilter(kind="post_log", party_group=NO_POST))
        self.logs = RecordTable(self.logs_model)
        self.logs.fit_columns(stretch=2)
        self.logs.activated_record.connect(lambda rid: self.host.open_editor("post_log", rid))
        self.evals_model = RecordTableModel(
            session, EVALUATION_COLUMNS, RecordFilter(kind="post_evaluation", party_group=NO_POST)
        )
        self.evals = RecordTable(self.evals_model)
        self.evals.fit_columns(stretch=1)
        self.evals.activated_record.connect(lambda rid: self.host.open_editor("post_evaluation", rid))

        self.new_log = QPushButton(translate("PostsPage", "New log entry"))
        self.new_log.clicked.connect(self.new_log_entry)
        self.new_eval = QPushButton(translate("PostsPage", "New evaluation"))
        self.new_eval.clicked.connect(self.new_evaluation)
        self.selected_label = QLabel(translate("PostsPage", "Select a post to see its work log and evaluations"))
        self.selected_label.setWordWrap(True)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(new_post)
        bar.addWidget(self.print_button)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.posts, 1)

        self.tabs = QTabWidget()
        log_tab = QWidget()
        log_layout = QVBoxLayout(log_tab)
        log_layout.addWidget(self.new_log, 0, Qt.AlignmentFlag.AlignLeft)
        log_layout.addWidget(self.logs, 1)
        eval_tab = QWidget()
        eval_layout = QVBoxLayout(eval_tab)
        eval_layout.addWidget(self.new_eval, 0, Qt.AlignmentFlag.AlignLeft)
        eval_layout.addWidget(self.evals, 1)
        self.tabs.addTab(log_tab, translate("PostsPage", "Work log"))
        self.tabs.addTab(eval_tab, translate("PostsPage", "Evaluations"))
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.selected_label)
        right_layout.addWidget(self.tabs, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.search.search.connect(lambda _text: self.apply_filter())
        self.posts.selectionModel().selectionChanged.connect(lambda *_a: self._post_selected())
        self._post_selected()

    def selected_post(self) -> str | None:
        return self.posts.selected_record_id()

    def apply_filter(self) -> None:
        self.posts_model.set_filter(RecordFilter(kind="pioneer_post", text=self.search.text().strip() or None))
        self._post_selected()

    def _post_selected(self) -> None:
        post_id = self.selected_post()
        self.print_button.setEnabled(post_id is not None)
        self.new_log.setEnabled(post_id is not None)
        self.new_eval.setEnabled(post_id is not None)
        self.logs_model.set_filter(RecordFilter(kind="post_log", party_group=post_id or NO_POST))
        self.evals_model.set_filter(RecordFilter(kind="post_evaluation", party_group=post_id or NO_POST))
        if post_id is None:
            self.selected_label.setText(translate("PostsPage", "Select a post to see its work log and evaluations"))
        else:
            row = self.posts_model.row_of(post_id)
            summary = self.posts_model.summary(row)
            name = summary.title if summary else ""
            self.selected_label.setText(
                translate("PostsPage", "{0}: {1} log entries, {2} evaluations").format(
                    name, self.logs_model.total, self.evals_model.total
                )
            )

    def select_post(self, post_id: str) -> None:
        row = self.posts_model.row_of(post_id)
        if row >= 0:
            self.posts.selectRow(row)

    def refresh(self) -> None:
        selected = self.selected_post()
        self.posts_model.refresh()
        if selected:
            self.select_post(selected)
        self._post_selected()

    def new_record(self) -> None:
        self.host.open_editor("pioneer_post", None)

    def new_log_entry(self) -> None:
        post_id = self.selected_post()
        if post_id:
            self.host.open_editor("post_log", None, defaults={"post_id": post_id})

    def new_evaluation(self) -> None:
        post_id = self.selected_post()
        if post_id:
            self.host.open_editor("post_evaluation", None, defaults={"post_id": post_id})

    def focus_search(self) -> None:
        self.search.setFocus()

    def print_selected(self) -> PrintDialog | None:
        """Ctrl+P: the selected post's 先锋岗 report."""
        from desktop_app.ui.printing.dialog import open_print_dialog

        post_id = self.selected_post()
        if post_id is None:
            return None
        summary = self.posts_model.summary(self.posts_model.row_of(post_id))
        request = PrintRequest.post_report(post_id, summary.title if summary else "")
        return open_print_dialog(self, self.session, request)
