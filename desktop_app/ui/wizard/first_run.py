"""The first-run wizard.

Steps: where the data lives and who the clerk is → passphrase twice (strength hint) → the
recovery key, shown once, with a checkbox confirming it was written down or printed → the branch
profile → the roster, typed in or imported from CSV/Excel. Creating the store (Argon2id key
derivation, database creation) runs in a worker; the wizard moves on when it is done.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop_app.operations import opening, records
from desktop_app.operations import settings as ledger_settings
from desktop_app.operations.ledger import Ledger
from desktop_app.operations.opening import KdfParams
from desktop_app.operations.roster import write_roster
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import translate
from desktop_app.ui.operations import UiOp
from desktop_app.ui.passphrase import PassphraseFields
from desktop_app.ui.recovery_key import RecoveryKeyPanel
from desktop_app.ui.roster_job import ROSTER_FILTER, import_roster_file
from desktop_app.ui.session import Session
from desktop_app.ui.widgets.fields import DateEdit, ErrorLabel
from desktop_app.ui.widgets.row_table import RowColumn, RowTable
from desktop_app.ui.workers import ProgressFn, start_worker
from domain.enums import Gender, MemberStatus
from domain.roster_sheet import RosterParse, RosterRow, row_to_member
from domain.validation import validate_record
from domain.violations import Severity

PAGE_WELCOME, PAGE_PASSPHRASE, PAGE_RECOVERY, PAGE_BRANCH, PAGE_ROSTER = range(5)



class FirstRunWizard(QWizard):
    """Emits :attr:`completed` with the open :class:`Session` when the clerk clicks Finish."""

    completed = Signal(object)

    def __init__(self, data_dir: Path, *, kdf: KdfParams | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.kdf = kdf
        self.session: Session | None = None
        self.recovery_key = ""
        self._completed = False
        self.setWindowTitle(translate("FirstRunWizard", "Set up BranchLedger"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButton, True)
        # Qt's own button labels come from qtbase's catalogue, which is not shipped: name them here.
        self.setButtonText(QWizard.WizardButton.BackButton, translate("FirstRunWizard", "< Back"))
        self.setButtonText(QWizard.WizardButton.NextButton, translate("FirstRunWizard", "Next >"))
        self.setButtonText(QWizard.WizardButton.FinishButton, translate("FirstRunWizard", "Finish"))
        self.welcome = WelcomePage(data_dir)
        self.passphrase_page = PassphrasePage()
        self.recovery = RecoveryPage()
        self.branch = BranchPage()
        self.roster = RosterPage()
        for page_id, page in enumerate((self.welcome, self.passphrase_page, self.recovery, self.branch, self.roster)):
            self.setPage(page_id, page)
        self.setStartId(PAGE_WELCOME)
        self.resize(760, 560)

    def create_store(self, passphrase: str, on_done: object) -> None:
        data_dir = Path(self.welcome.dir_edit.text().strip() or self.data_dir)
        self.data_dir = data_dir
        kdf = self.kdf

        def job(_p: ProgressFn) -> tuple[Ledger, str]:
            return opening.create_ledger(data_dir, passphrase, kdf=kdf)

        def done(result: object) -> None:
            assert isinstance(result, tuple)
            ledger, key = cast(tuple[Ledger, str], result)
            self.session = Session(ledger)
            self.recovery_key = key
            clerk = self.welcome.clerk.text().strip()
            if clerk:
                ledger_settings.set_clerk_name(self.session.ledger, clerk)
            self.recovery.show_key(key)
            on_done()  # type: ignore[operator]

        def failed(exc: Exception) -> None:
            self.passphrase_page.set_busy(False)
            dialogs.error(self, dialogs.error_text(exc))

        start_worker(job, on_result=done, on_error=failed, owner=self)

    def done(self, result: int) -> None:
        """Finish only when the last page accepted what is on it (QWizard validates the page in
        ``done``); a refused page keeps the wizard open with everything typed still there."""
        if result == QDialog.DialogCode.Accepted and self.session is None:
            return
        super().done(result)
        finished = result == QDialog.DialogCode.Accepted and self.result() == QDialog.DialogCode.Accepted
        if finished and not self._completed:
            self._completed = True
            self.completed.emit(self.session)


class WelcomePage(QWizardPage):
    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.setTitle(translate("FirstRunWizard", "Welcome to BranchLedger"))
        self.setSubTitle(
            translate(
                "FirstRunWizard",
                "Your branch's records are kept encrypted on this computer and sent to head office when you sync.",
            )
        )
        intro = QLabel(
            translate(
                "FirstRunWizard",
                "This takes a few minutes: you choose a passphrase, write down a recovery key, "
                "and enter the branch and its members.",
            )
        )
        intro.setWordWrap(True)
        self.dir_edit = QLineEdit(str(data_dir))
        browse = QPushButton(translate("FirstRunWizard", "Browse…"))
        browse.clicked.connect(self._browse)
        self.clerk = QLineEdit()
        self.clerk.setPlaceholderText(translate("FirstRunWizard", "e.g. 李组织"))
        self.clerk.setToolTip(translate("FirstRunWizard", "Recorded as the author of the records you write"))
        form = QFormLayout(self)
        form.addRow(intro)
        dir_row = QHBoxLayout()
        dir_row.addWidget(self.dir_edit, 1)
        dir_row.addWidget(browse)
        form.addRow(translate("FirstRunWizard", "Data directory"), dir_row)
        form.addRow(translate("FirstRunWizard", "Your name"), self.clerk)

    def _browse(self) -> None:
        chosen = dialogs.choose_directory(self, translate("FirstRunWizard", "Data directory"), self.dir_edit.text())
        if chosen:
            self.dir_edit.setText(str(chosen / "BranchLedger"))

    def validatePage(self) -> bool:
        path = Path(self.dir_edit.text().strip())
        if not self.dir_edit.text().strip():
            dialogs.error(self, translate("FirstRunWizard", "Choose where the data is kept."))
            return False
        if opening.ledger_exists(path):
            dialogs.error(
                self, translate("FirstRunWizard", "There is already a ledger in this directory. Choose another one.")
            )
            return False
        return True


class PassphrasePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(translate("FirstRunWizard", "Choose a passphrase"))
        self.setSubTitle(
            translate(
                "FirstRunWizard",
                "You type it each time you open the ledger. Nobody — not even head office — "
                "can open your data without it or the recovery key.",
            )
        )
        self.fields = PassphraseFields()
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.fields.changed.connect(self.completeChanged)
        self._created = False
        self._busy = False

    def isComplete(self) -> bool:
        return self._created or (self.fields.passphrase() is not None and not self._busy)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.fields.setEnabled(not busy)
        self.status.setText(translate("FirstRunWizard", "Creating the encrypted ledger…") if busy else "")
        self.completeChanged.emit()

    def validatePage(self) -> bool:
        if self._created:
            return True
        passphrase = self.fields.passphrase()
        if passphrase is None:
            return False
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        self.set_busy(True)

        def done() -> None:
            self._created = True
            self.set_busy(False)
            self.fields.setEnabled(False)
            wizard.next()

        wizard.create_store(passphrase, done)
        return False


class RecoveryPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(translate("FirstRunWizard", "Write down the recovery key"))
        self.setSubTitle(
            translate(
                "FirstRunWizard",
                "If the passphrase is forgotten, this key is the only way back into the data. It is shown only now.",
            )
        )
        self.panel = RecoveryKeyPanel()
        self.key = self.panel.key
        self.confirm = self.panel.confirm
        self.panel.confirmed_changed.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addStretch(1)

    def show_key(self, key: str) -> None:
        self.panel.set_key(key)

    def isComplete(self) -> bool:
        return self.panel.is_confirmed()

    def validatePage(self) -> bool:
        """Confirmed on paper: the key leaves the database (until now it would be shown again)."""
        wizard = self.wizard()
        if isinstance(wizard, FirstRunWizard) and wizard.session is not None:
            try:
                ledger_settings.confirm_recovery_key(wizard.session.ledger)
            except Exception as exc:  # a full disk: stay on this page, the key stays pending
                dialogs.error(self, dialogs.error_text(exc))
                return False
        return True

    def initializePage(self) -> None:
        self.wizard().button(QWizard.WizardButton.BackButton).setEnabled(False)


class BranchPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(translate("FirstRunWizard", "The branch"))
        self.name = QLineEdit()
        self.name.setObjectName("branchName")
        self.name.setPlaceholderText(translate("FirstRunWizard", "e.g. 毕拉河林场党支部"))
        self.parent_org = QLineEdit()
        self.has_committee = QCheckBox(translate("FirstRunWizard", "The branch has a committee (支委会)"))
        self.groups = QLineEdit()
        self.groups.setPlaceholderText(
            translate("FirstRunWizard", "Party groups, separated by commas: 第一党小组，第二党小组")
        )
        self.records_since = DateEdit.today()
        self.records_since.setToolTip(
            translate(
                "FirstRunWizard",
                "The 三会一课 requirements are checked from this day on; earlier meetings can still be "
                "entered afterwards (补录) and then count too",
            )
        )
        self.records_error = ErrorLabel()
        since = QWidget()
        since_box = QVBoxLayout(since)
        since_box.setContentsMargins(0, 0, 0, 0)
        since_box.addWidget(self.records_since)
        since_box.addWidget(self.records_error)
        form = QFormLayout(self)
        form.addRow(translate("FirstRunWizard", "Branch name"), self.name)
        form.addRow(translate("FirstRunWizard", "Higher Party organisation"), self.parent_org)
        form.addRow("", self.has_committee)
        form.addRow(translate("FirstRunWizard", "Party groups"), self.groups)
        form.addRow(translate("FirstRunWizard", "Records kept from"), since)
        self.name.textChanged.connect(self.completeChanged)
        self.record_id: str | None = None

    def isComplete(self) -> bool:
        return bool(self.name.text().strip())

    def initializePage(self) -> None:
        self.wizard().button(QWizard.WizardButton.BackButton).setEnabled(False)

    def data(self) -> dict[str, object]:
        groups = [g.strip() for g in self.groups.text().replace("，", ",").replace("、", ",").split(",") if g.strip()]
        return {
            "name": self.name.text().strip(),
            "parent_org": self.parent_org.text().strip(),
            "has_committee": self.has_committee.isChecked(),
            "party_groups": groups,
            "records_since": self.records_since.value(),
        }

    def validatePage(self) -> bool:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard) and wizard.session is not None
        session = wizard.session
        problem = self.records_since.problem()
        self.records_error.show_messages([problem] if problem else [])
        if problem:
            return False
        record_id, data = self.record_id, self.data()
        saved = UiOp(self, session, lambda ledger: records.save_record(
            ledger, "branch_profile", data, record_id=record_id)).run_now()
        if saved is None:  # the rules' messages (or the store's) were shown in a dialog
            return False
        self.record_id = saved.envelope.record_id
        return True


class RosterPage(QWizardPage):
    """Members typed in a table (the columns of a roster sheet) or imported from a sheet.

    Typed rows are written all together when the clerk clicks Finish, or not at all: if any row
    has a problem, nothing is written, the wizard stays on this page, and every problem is marked
    on its cell and listed under the table. Nothing typed is ever dropped — a row with only a
    date in it is a row without a name, and says so.
    """

    COLUMNS = ("name", "gender", "status", "join_date", "party_group", "role")

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(translate("FirstRunWizard", "The members"))
        self.setSubTitle(
            translate(
                "FirstRunWizard",
                "Type the members in, or import a CSV or Excel sheet with the columns "
                "姓名, 性别, 党员类别, 入党日期, 党小组, 职务. You can add more later.",
            )
        )
        self.table = RowTable(
            [
                RowColumn("name", translate("FirstRunWizard", "Name"), width=110),
                RowColumn("gender", translate("FirstRunWizard", "Gender"), "enum", Gender),
                RowColumn(
                    "status",
                    translate("FirstRunWizard", "Category"),
                    "enum",
                    MemberStatus,
                    optional=False,
                    default="full",
                ),
                RowColumn(
                    "join_date",
                    translate("FirstRunWizard", "Joined"),
                    "date",
                    width=120,
                    tooltip=translate("FirstRunWizard", "1988-03-15, 1988/3/15 or 1988年3月15日"),
                ),
                RowColumn("party_group", translate("FirstRunWizard", "Party group"), width=110),
                RowColumn(
                    "role",
                    translate("FirstRunWizard", "Post"),
                    tooltip=translate(
                        "FirstRunWizard", "支部书记, 组织委员 … become branch posts; anything else is the member's job"
                    ),
                ),
            ],
            add_text=translate("FirstRunWizard", "Add member"),
            fit_rows=False,
        )
        self.import_button = QPushButton(translate("FirstRunWizard", "Import from CSV / Excel…"))
        self.import_button.clicked.connect(self.choose_file)
        self.imported = QLabel()
        self.problems = ErrorLabel()
        self.problems.setObjectName("rosterProblems")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.imported)
        self.imported_count = 0

    def initializePage(self) -> None:
        if self.table.row_count() == 0:
            for _ in range(3):
                self.table.add_row()

    def choose_file(self) -> None:
        """导入名册…: the clerk picks the sheet in a file dialog."""
        path = dialogs.open_file(
            self, translate("FirstRunWizard", "Import roster"), translate("RosterImport", ROSTER_FILTER)
        )
        if path is not None:
            self.import_file(path)

    def import_file(self, path: Path) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard) and wizard.session is not None
        import_roster_file(self, wizard.session, path, self._imported)

    def _imported(self, count: int) -> None:
        self.imported_count += count
        self.imported.setText(
            translate("FirstRunWizard", "{0} members imported from the file.").format(self.imported_count)
        )

    def typed_rows(self) -> list[tuple[int, dict[str, Any]]]:
        """(table row, member data) for every row the clerk put something into."""
        out = []
        for index, row in enumerate(self.table.rows()):
            if not self.table.is_blank(row):
                out.append((index, row_to_member({k: row.get(k) for k in self.COLUMNS})))
        return out

    def check(self, rows: list[tuple[int, dict[str, Any]]], known: set[str]) -> list[tuple[int, str, str]]:
        """(table row, column, message) for every problem in the typed rows."""
        problems: list[tuple[int, str, str]] = []
        seen: dict[str, int] = {}
        for index, data in rows:
            name = data.get("name", "")
            _body, violations = validate_record("member", data)
            for v in violations:
                if v.severity is Severity.ERROR:
                    key = v.field.split(".")[0]
                    problems.append((index, key if key in self.COLUMNS else "name", v.message))
            if name and name in seen:
                message = translate("FirstRunWizard", "{0} is already in row {1}").format(name, seen[name] + 1)
                problems.append((index, "name", message))
            elif name and name in known:
                message = translate("FirstRunWizard", "{0} is already on the roster").format(name)
                problems.append((index, "name", message))
            if name:
                seen.setdefault(name, index)
        return problems

    def validatePage(self) -> bool:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard) and wizard.session is not None
        session = wizard.session
        rows = self.typed_rows()
        known = {m.name for m in records.members(session.ledger).values()}
        problems = self.check(rows, known)
        self.table.clear_marks()
        if problems:
            for index, key, message in problems:
                self.table.mark(index, key, message)
            lines = [translate("FirstRunWizard", "Nothing was saved yet. Please correct the marked cells:")]
            for index, _key, message in problems:
                lines.append(translate("FirstRunWizard", "Row {0}: {1}").format(index + 1, message))
            self.problems.show_messages(lines)
            return False
        self.problems.show_messages([])
        if not rows:
            return True
        parsed = RosterParse(rows=[RosterRow(index + 1, data) for index, data in rows])
        parsed.party_groups = [g for g in dict.fromkeys(d.get("party_group", "") for _i, d in rows) if g]
        written = UiOp(self, session, lambda ledger: write_roster(ledger, parsed)).failure(
            lambda exc: self.problems.show_messages([dialogs.error_text(exc)])).run_now()
        if written is None:
            return False
        self.table.set_rows([])
        return True
