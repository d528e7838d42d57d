"""The meeting editor: every meeting kind, with the type-specific sections and a live quorum check.

The indicator at the top is the domain's own verdict (:func:`domain.rules.meeting_validity` and
:func:`domain.rules.meeting_vote_outcomes`), recomputed a moment after each edit, so the clerk sees
"会议有效/无效" and each vote's result while still typing the attendance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations import records
from desktop_app.operations.printing import PrintRequest
from desktop_app.operations.types import RecordEnvelope
from desktop_app.ui.editors import binding as field
from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.editors.meeting_defaults import (
    default_chair,
    expected_members,
    member_named,
    suggested_title,
)
from desktop_app.ui.editors.meeting_sections import (
    AppraisalSection,
    LectureSection,
    RectificationSection,
    ThemeDaySection,
)
from desktop_app.ui.i18n import translate
from desktop_app.ui.review.banner import ReviewBanner
from desktop_app.ui.session import DEFAULT_AUTHOR
from desktop_app.ui.widgets.row_table import RowColumn, RowTable
from domain.context import RuleContext
from domain.enums import (
    AttendanceStatus,
    ExclusionCategory,
    MeetingFormat,
    MeetingType,
    MembershipState,
    VoteKind,
    VoteMethod,
)
from domain.late_entry import entered_later
from domain.records import Meeting, RecordBody
from domain.rules import meeting_validity, meeting_vote_outcomes
from domain.validation import parse_body, validate_record
from domain.violations import Violation

if TYPE_CHECKING:
    from desktop_app.ui.printing.dialog import PrintDialog

AMEND_FIELDS = ("amends_record_id", "amends_rev", "amendment_reason")
APPRAISED = (MeetingType.APPRAISAL.value, MeetingType.ORG_LIFE.value)  # kinds with 民主评议 grades



class MeetingEditor(EditorWindow):
    KIND = "meeting"
    FINALIZABLE = True

    def title_text(self) -> str:
        title = self.title.text().strip() if hasattr(self, "title") else ""
        return title or translate("MeetingEditor", "Meeting record")

    def state_note(self) -> str:
        since = getattr(self, "records_since", None)
        day = self._start_day() if hasattr(self, "starts_at") else None
        if since is not None and entered_later(day, since):
            return translate("MeetingEditor", "entered later (before the records began on {0})").format(
                since.isoformat()
            )
        return ""

    def print_request(self) -> PrintRequest | None:
        return PrintRequest.minutes(self.record_id, self.title_text()) if self.record_id else None

    def print_signin(self) -> PrintDialog | None:
        """The 签到表: printable as soon as the meeting is saved, before it is held."""
        if self.record_id is None:
            return self.print_record()
        return self.print_record(PrintRequest.signin(self.record_id, self.title_text()))

    # ------------------------------------------------------------ form

    def build_form(self, container: QWidget) -> None:
        profile = records.branch_profile(self.session.ledger)
        self.party_groups = list(profile[1].party_groups) if profile else []
        self.records_since = records.records_since(self.session.ledger)
        outer = QVBoxLayout(container)
        self.action_signin = QAction(translate("MeetingEditor", "Sign-in sheet…"), self)
        self.action_signin.setToolTip(
            translate("MeetingEditor", "Print the sign-in sheet to take to the meeting (save the record first)")
        )
        self.action_signin.triggered.connect(lambda: self.print_signin())
        self.toolbar.insertAction(self.action_close, self.action_signin)

        self.quorum = QLabel(translate("MeetingEditor", "Quorum: fill in the attendance"))
        self.quorum.setObjectName("quorum")
        self.quorum.setWordWrap(True)
        self.quorum.setStyleSheet("padding: 6px; border: 1px solid #ccc; border-radius: 4px;")
        outer.addWidget(self.quorum)

        basics = QGroupBox(translate("MeetingEditor", "Meeting"))
        form = QFormLayout(basics)
        self.basics_form = form
        self.meeting_type = self.form.row(
            form,
            replace(
                field.enum_choice("meeting_type", translate("MeetingEditor", "Type"), MeetingType),
                read=lambda combo: combo.value() or MeetingType.OTHER.value,
            ),
        )
        self.title = self.form.row(
            form,
            field.text(
                "title",
                translate("MeetingEditor", "Title"),
                tooltip=translate("MeetingEditor", "Name or session of the meeting"),
                placeholder=translate("MeetingEditor", "e.g. 2026年第二季度支部党员大会"),
            ),
        )
        self.starts_at, self.ends_at = self.form.pair(
            form,
            translate("MeetingEditor", "Time"),
            field.date_time("starts_at"),
            field.date_time(
                "ends_at",
                optional=True,
                tooltip=translate("MeetingEditor", "A time alone (11:30) is on the day the meeting started"),
            ),
            translate("MeetingEditor", "to"),
            compact=True,
        )
        self.place = self.form.row(form, field.text("place", translate("MeetingEditor", "Place")))
        self.format = self.form.row(
            form,
            field.enum_choice(
                "format",
                translate("MeetingEditor", "Format"),
                MeetingFormat,
                tooltip=translate("MeetingEditor", "Elections and admissions should be held in person"),
            ),
        )
        self.party_group = self.form.row(
            form,
            field.editable_choice(
                "party_group",
                translate("MeetingEditor", "Party group"),
                lambda: ["", *self.party_groups],
                tooltip=translate("MeetingEditor", "Which Party group held this group meeting"),
            ),
        )
        not_listed = translate("MeetingEditor", "(not on the roster)")
        name_hint = translate("MeetingEditor", "Name, if not on the roster")
        self.chair, self.chair_name = self.form.pair(
            form,
            translate("MeetingEditor", "Chair"),
            field.member("chair_member_id", "", self.members, empty_text=not_listed),
            field.text("chair_name", "", placeholder=name_hint),
        )
        self.chair_entrusted = self.form.row(
            form, field.check("chair_entrusted", translate("MeetingEditor", "Chaired on the secretary's entrustment"))
        )
        self.recorder, self.recorder_name = self.form.pair(
            form,
            translate("MeetingEditor", "Recorder"),
            field.member("recorder_member_id", "", self.members, empty_text=not_listed),
            field.text("recorder_name", "", placeholder=name_hint),
        )
        self.meeting_type.changed.connect(self._type_changed)
        self.starts_at.changed.connect(self._sync_month)
        self.starts_at.changed.connect(self._follow_defaults)
        self.starts_at.changed.connect(self._update_chrome)
        self.party_group.currentTextChanged.connect(lambda _t: self._follow_defaults())
        self.ends_at.default_date = self._start_day  # an end time typed alone is on the same day
        self.starts_at.default_date = dt.date.today  # a start time typed alone: today
        self.ends_at.anchor = self._start_day
        self._auto_month = ""
        # What the defaults last put in (None: not following, e.g. a record loaded from the store).
        self._auto_title: str | None = None
        self._auto_chair: str | None = None
        self._auto_attendance: list[str] | None = None
        outer.addWidget(basics)

        # The kind's own fields (党课: lecturer, topic; 主题党日: theme, checklist …) come right after
        # the basics, before the lists every meeting shares; each is in the body only for its kinds.
        kind = self.meeting_type.value
        self.lecture = LectureSection(
            self.members, self.form.group("lecture", when=lambda: kind() == MeetingType.LECTURE.value)
        )
        self.theme_day = ThemeDaySection(
            self.form.group("theme_day", when=lambda: kind() == MeetingType.THEME_DAY.value)
        )
        self.appraisal = AppraisalSection(
            self.members, self.form.group(when=lambda: kind() in APPRAISED, absent=[])
        )
        fill_grades = QPushButton(translate("MeetingEditor", "Add every active member"))
        fill_grades.clicked.connect(lambda: self.appraisal.fill_from_roster(self._active_member_ids()))
        self.appraisal.box_layout.addWidget(fill_grades)
        self.rectification = RectificationSection(
            self.form.group(when=lambda: kind() == MeetingType.ORG_LIFE.value, absent=[])
        )
        for section in (self.lecture, self.theme_day, self.appraisal, self.rectification):
            outer.addWidget(section)

        box = QGroupBox(translate("MeetingEditor", "Attendance"))
        layout = QVBoxLayout(box)
        fill = QPushButton(translate("MeetingEditor", "Fill from roster"))
        fill.setToolTip(
            translate("MeetingEditor", "List every active member as present; then mark who was absent and why")
        )
        fill.clicked.connect(self.fill_attendance)
        layout.addWidget(fill, 0, Qt.AlignmentFlag.AlignLeft)
        self.attendance = self.form.table(
            layout,
            field.table(
                "attendance",
                lambda: RowTable(
                    [
                        RowColumn("member_id", translate("MeetingEditor", "Member"), "member", width=150),
                        RowColumn(
                            "status",
                            translate("MeetingEditor", "Attendance"),
                            "enum",
                            AttendanceStatus,
                            optional=False,
                            default="present",
                            then="reason",
                        ),
                        RowColumn("reason", translate("MeetingEditor", "Reason for absence")),
                        RowColumn(
                            "written_opinion",
                            translate("MeetingEditor", "Written opinion"),
                            "bool",
                            tooltip=translate(
                                "MeetingEditor", "An absent voter who handed in a written opinion before the meeting"
                            ),
                        ),
                        RowColumn(
                            "exclusion", translate("MeetingEditor", "Not counted because"), "enum", ExclusionCategory
                        ),
                        RowColumn("exclusion_approval", translate("MeetingEditor", "Approval ref."), width=110),
                    ],
                    self.members,
                    add_text=translate("MeetingEditor", "Add member"),
                ),
                read=_attendance,
            ),
        )
        outer.addWidget(box)

        box = QGroupBox(translate("MeetingEditor", "Attending without a vote (列席)"))
        layout = QVBoxLayout(box)
        self.guests = self.form.table(
            layout,
            field.table(
                "guests",
                lambda: RowTable(
                    [
                        RowColumn("name", translate("MeetingEditor", "Name"), width=140),
                        RowColumn("role", translate("MeetingEditor", "Role")),
                    ],
                    add_text=translate("MeetingEditor", "Add guest"),
                ),
            ),
        )
        outer.addWidget(box)

        box = QGroupBox(translate("MeetingEditor", "Agenda"))
        layout = QVBoxLayout(box)
        self.agenda = self.form.table(
            layout,
            field.table(
                "agenda",
                lambda: RowTable(
                    [RowColumn("title", translate("MeetingEditor", "Agenda item"))],
                    add_text=translate("MeetingEditor", "Add item"),
                ),
            ),
        )
        outer.addWidget(box)

        box = QGroupBox(translate("MeetingEditor", "Speeches"))
        layout = QVBoxLayout(box)
        self.speeches = self.form.table(
            layout,
            field.table(
                "speeches",
                lambda: RowTable(
                    [
                        RowColumn(
                            "member_id",
                            translate("MeetingEditor", "Member"),
                            "member",
                            width=110,
                            fills="speaker",
                            then="content",
                            tooltip=translate(
                                "MeetingEditor", "Pick the speaker from the roster; the name is filled in"
                            ),
                        ),
                        RowColumn(
                            "speaker",
                            translate("MeetingEditor", "Speaker"),
                            width=110,
                            tooltip=translate(
                                "MeetingEditor", "Type the name of a speaker who is not on the roster"
                            ),
                        ),
                        RowColumn("content", translate("MeetingEditor", "Main points")),
                        # The agenda item a speech is under (imported records have it; the
                        # minutes group speeches by it): kept with its row, not shown.
                        RowColumn("agenda_index", "", "int", hidden=True),
                    ],
                    self.members,
                    add_text=translate("MeetingEditor", "Add speech"),
                ),
                read=self._speech,
            ),
        )
        disc_form = QFormLayout()
        layout.addLayout(disc_form)
        self.discussion = self.form.row(
            disc_form,
            field.plain_text(
                "discussion",
                translate("MeetingEditor", "Discussion"),
                placeholder=translate("MeetingEditor", "Minutes not split by speaker"),
            ),
        )
        outer.addWidget(box)

        box = QGroupBox(translate("MeetingEditor", "Votes"))
        layout = QVBoxLayout(box)
        counted = translate("MeetingEditor", "Leave empty to count from the attendance")
        self.votes = self.form.table(
            layout,
            field.table(
                "votes",
                lambda: RowTable(
                    [
                        RowColumn("subject", translate("MeetingEditor", "Motion or candidate"), width=170),
                        RowColumn(
                            "kind",
                            translate("MeetingEditor", "Kind"),
                            "enum",
                            VoteKind,
                            optional=False,
                            default="ordinary",
                        ),
                        RowColumn(
                            "method",
                            translate("MeetingEditor", "Method"),
                            "enum",
                            VoteMethod,
                            optional=False,
                            default="show_of_hands",
                        ),
                        RowColumn(
                            "candidate_member_id",
                            translate("MeetingEditor", "Candidate"),
                            "member",
                            fills="subject",
                            tooltip=translate("MeetingEditor", "For an admission, full membership or election"),
                        ),
                        RowColumn("entitled", translate("MeetingEditor", "Entitled"), "int", tooltip=counted),
                        RowColumn("present", translate("MeetingEditor", "Present"), "int", tooltip=counted),
                        RowColumn("written_opinions", translate("MeetingEditor", "Written"), "int", default=0),
                        RowColumn("yes", translate("MeetingEditor", "Yes"), "int", default=0),
                        RowColumn("no", translate("MeetingEditor", "No"), "int", default=0),
                        RowColumn("abstain", translate("MeetingEditor", "Abstain"), "int", default=0),
                        RowColumn("ballots_issued", translate("MeetingEditor", "Ballots issued"), "int"),
                        RowColumn("ballots_returned", translate("MeetingEditor", "Ballots returned"), "int"),
                    ],
                    self.members,
                    add_text=translate("MeetingEditor", "Add vote"),
                ),
                read=_vote,
            ),
        )
        self.vote_results = QLabel()
        self.vote_results.setObjectName("voteResults")
        self.vote_results.setWordWrap(True)
        layout.addWidget(self.vote_results)
        outer.addWidget(box)

        box = QGroupBox(translate("MeetingEditor", "Resolutions"))
        layout = QVBoxLayout(box)
        self.resolutions = self.form.table(
            layout,
            field.table(
                "resolutions",
                lambda: RowTable(
                    [
                        RowColumn("text", translate("MeetingEditor", "Resolution")),
                        RowColumn(
                            "vote_no",
                            translate("MeetingEditor", "Vote no."),
                            "int",
                            tooltip=translate("MeetingEditor", "Number of the vote this resolution follows"),
                        ),
                    ],
                    add_text=translate("MeetingEditor", "Add resolution"),
                ),
                read=_resolution,
                write=_resolution_row,
            ),
        )
        rest = QFormLayout()
        layout.addLayout(rest)
        self.open_issues = self.form.row(
            rest, field.plain_text("open_issues", translate("MeetingEditor", "Open issues"), max_height=80)
        )
        self.attachments_note = self.form.row(
            rest,
            field.text(
                "attachments_note",
                translate("MeetingEditor", "Attachments"),
                placeholder=translate("MeetingEditor", "Sign-in sheet, photos, lecture notes kept on paper"),
            ),
        )
        outer.addWidget(box)
        # What an amendment corrects: set by the store on its first save, never typed.
        self.form.carry(*AMEND_FIELDS)

        self.amend_label = QLabel()
        self.amend_label.setWordWrap(True)
        outer.addWidget(self.amend_label)
        outer.addStretch(1)
        self._type_changed()
        self.review_banner = ReviewBanner.attach(self)  # head office's verdict and 更正 (issue 13)

    def _type_changed(self) -> None:
        kind = self.meeting_type.value()
        self.lecture.setVisible(kind == MeetingType.LECTURE.value)
        self.theme_day.setVisible(kind == MeetingType.THEME_DAY.value)
        self.appraisal.setVisible(kind in APPRAISED)
        self.rectification.setVisible(kind == MeetingType.ORG_LIFE.value)
        # Only what this kind of meeting has: the 党小组 for a group meeting, the entrustment
        # where the 书记 normally chairs (either is shown while it holds a value).
        form = self.basics_form
        form.setRowVisible(
            self.row_holders["party_group"],
            kind == MeetingType.GROUP.value or bool(self.party_group.currentText().strip()),
        )
        form.setRowVisible(
            self.row_holders["chair_entrusted"],
            kind in (MeetingType.PARTY_CONGRESS.value, MeetingType.COMMITTEE.value) or self.chair_entrusted.isChecked(),
        )
        self._sync_month()
        self._follow_defaults()

    # ------------------------------------------------------------ defaults

    def new_record_defaults(self) -> None:
        """Today, the last place, the clerk as recorder; title, chair and attendance follow the type."""
        self.place.setText(records.last_meeting_place(self.session.ledger))
        author = self.session.author
        clerk = member_named(self.members, author)
        if clerk:
            self.recorder.set_value(clerk)
        elif author != DEFAULT_AUTHOR:
            self.recorder_name.setText(author)
        self._auto_title, self._auto_chair, self._auto_attendance = "", "", []
        self._follow_defaults()
        # Every meeting has an agenda and speeches: a first empty line is ready to type in.
        for table in (self.agenda, self.speeches):
            if table.row_count() == 0:
                table.add_row()

    def _start_day(self) -> dt.date | None:
        parsed = self.starts_at.parsed()
        return parsed.date() if isinstance(parsed, dt.datetime) else None

    def _follow_defaults(self) -> None:
        """Keep title, chair and attendance in step with type, date and group — each only as long
        as the clerk has not changed what the defaults put there."""
        kind = self.meeting_type.value() or MeetingType.OTHER.value
        group = self.party_group.currentText().strip()
        day = self._start_day() or dt.date.today()
        if self._auto_title is not None and self.title.text().strip() == self._auto_title:
            self._auto_title = suggested_title(kind, day, group)
            self.title.setText(self._auto_title)
        if self._auto_chair is not None and self.chair.value() == self._auto_chair:
            self._auto_chair = default_chair(kind, self.members, group, day)
            self.chair.set_value(self._auto_chair)
        if self._auto_attendance is not None:
            rows = self.attendance.filled_rows()
            untouched = [r["member_id"] for r in rows] == self._auto_attendance and all(
                r["status"] == "present" and not r["reason"] and not r["written_opinion"] for r in rows
            )
            if untouched:
                self._auto_attendance = expected_members(kind, self.members, group, day)
                self.attendance.set_rows([{"member_id": mid, "status": "present"} for mid in self._auto_attendance])

    def _sync_month(self) -> None:
        """Keep the theme day's month following the date until the clerk types a different one."""
        month = (self.starts_at.value() or "")[:7]
        current = self.theme_day.month.text().strip()
        if self.meeting_type.value() == MeetingType.THEME_DAY.value and current in ("", self._auto_month):
            self.theme_day.month.setText(month)
            self._auto_month = month

    def _active_member_ids(self) -> list[str]:
        return [
            mid
            for mid, m in sorted(self.members.items(), key=lambda kv: kv[1].name)
            if m.state is MembershipState.ACTIVE
        ]

    def fill_attendance(self) -> None:
        """Add every active member not yet listed (as present), keeping rows already typed."""
        listed = {row["member_id"] for row in self.attendance.rows()}
        group = self.party_group.currentText().strip()
        for member_id in self._active_member_ids():
            if member_id in listed:
                continue
            if (
                self.meeting_type.value() == MeetingType.GROUP.value
                and group
                and self.members[member_id].party_group != group
            ):
                continue
            self.attendance.add_row({"member_id": member_id, "status": "present"})

    # ------------------------------------------------------------ data

    def _speech(self, row: dict[str, Any]) -> dict[str, Any]:
        speaker = row["speaker"]
        if not speaker and row["member_id"] in self.members:
            speaker = self.members[row["member_id"]].name
        return {**row, "speaker": speaker}

    def load_data(self, data: dict[str, Any]) -> None:
        super().load_data(data)
        if self.amend_of and self.record_id is None:
            # A new amendment: the store fills in what it corrects when it is first saved.
            self.form.carried = {}
        self._type_changed()
        self._show_amendment()

    def _show_amendment(self) -> None:
        reason = self.form.carried.get("amendment_reason") or (self.amend_reason if self.amend_of else "")
        if reason:
            self.amend_label.setText(
                translate("MeetingEditor", "Correction of a finalized record. Reason: {0}").format(reason)
            )
            self.amend_label.show()
        else:
            self.amend_label.hide()

    def on_saved(self, env: RecordEnvelope) -> None:
        # An amendment's first save is where the store fills in what it corrects; keep it.
        body = env.body
        if isinstance(body, Meeting):
            self.form.carried = {k: getattr(body, k) for k in AMEND_FIELDS if getattr(body, k)}

    # ------------------------------------------------------------ live quorum

    def after_check(self, body: RecordBody | None, context: RuleContext, violations: list[Violation]) -> None:
        # The quorum and the votes are judged as soon as attendance and counts are there: a
        # missing title or an unfinished row elsewhere must not hide them.
        meeting = body if isinstance(body, Meeting) else indicator_body(self.form_data())
        if meeting is None:
            self.quorum.setText(translate("MeetingEditor", "Quorum: fill in the attendance"))
            self.quorum.setStyleSheet("padding: 6px; border: 1px solid #ccc; border-radius: 4px;")
            self.vote_results.clear()
            return
        if body is None:
            # The schema refused the form (no title yet …): still show what the rules say about
            # the rest — the vote counts, the attendance — at their fields.
            _judged, found = validate_record("meeting", meeting, context)
            stand_ins = ("title", "starts_at")
            extra = [v for v in found if not v.field.startswith(stand_ins)]
            if extra:
                self.show_violations(violations + [v for v in extra if v not in violations])
        self.update_quorum(meeting, context)

    def update_quorum(self, meeting: Meeting, context: RuleContext) -> None:
        validity = meeting_validity(meeting, context)
        color = "#1b5e20" if validity.valid else "#b00020"
        background = "#e8f5e9" if validity.valid else "#fde7e9"
        self.quorum.setStyleSheet(
            f"padding: 6px; border: 1px solid {color}; border-radius: 4px; color: {color}; background: {background};"
        )
        # One short line (it sits above the form and must not push it around); the rule in full
        # is the tooltip.
        if not validity.applies:
            headline = translate("MeetingEditor", "No quorum is required for this kind of meeting.")
        elif validity.valid:
            headline = translate("MeetingEditor", "Quorate: {0} of {1} voting members present (at least {2} needed).")
        else:
            headline = translate(
                "MeetingEditor", "Not quorate: {0} of {1} voting members present (at least {2} needed)."
            )
        self.quorum.setText(headline.format(validity.present, validity.entitled, validity.required))
        self.quorum.setToolTip(validity.message)
        # Each summary names its vote's subject and kind.
        outcomes = meeting_vote_outcomes(meeting, context)
        self.vote_results.setText("\n".join(f"{i}. {o.message}" for i, o in enumerate(outcomes, 1)))


def indicator_body(data: dict[str, Any]) -> Meeting | None:
    """The meeting as far as it can be judged: a stand-in title and start, and without the rows
    the schema refuses (they are marked at their fields meanwhile)."""
    data = dict(data)
    data["title"] = data.get("title") or "—"
    if not data.get("starts_at") or "T" not in str(data["starts_at"]):
        data["starts_at"] = dt.datetime.now().replace(second=0, microsecond=0).isoformat()
    for _attempt in range(4):
        body, violations = parse_body("meeting", data)
        if isinstance(body, Meeting):
            return body
        bad_rows: dict[str, set[int]] = {}
        for v in violations:
            parts = v.field.split(".")
            if len(parts) >= 2 and parts[1].isdigit() and isinstance(data.get(parts[0]), list):
                bad_rows.setdefault(parts[0], set()).add(int(parts[1]))
            elif parts[0] in ("ends_at", "lecture", "theme_day", "place", "party_group"):
                data.pop(parts[0], None)
            else:
                return None
        for key, rows in bad_rows.items():
            data[key] = [row for i, row in enumerate(data[key]) if i not in rows]
    return None


def _attendance(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["status"] = out.get("status") or "present"
    return out




def _resolution(row: dict[str, Any]) -> dict[str, Any]:
    """The table numbers votes from 1 (表决 1, 2 …); the body refers to them by index."""
    vote_no = row.get("vote_no")
    index = vote_no - 1 if isinstance(vote_no, int) and vote_no > 0 else (vote_no if isinstance(vote_no, str) else None)
    return {"text": row["text"], "vote_index": index}


def _resolution_row(resolution: Mapping[str, Any]) -> dict[str, Any]:
    index = resolution.get("vote_index")
    return {"text": resolution.get("text", ""), "vote_no": index + 1 if isinstance(index, int) else None}


def _vote(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for key in ("written_opinions", "yes", "no", "abstain"):
        if out.get(key) is None:
            out[key] = 0
    return out
