"""The type-specific parts of the meeting form: 党课, 主题党日, 民主评议, 组织生活会 整改清单.

Each section is a group box that declares its fields on the :class:`~.binding.Form` group the
meeting editor gives it (``lecture``, ``theme_day``, or the top level while the kind has the
section), so the editor only shows or hides the boxes by meeting type; reading and loading
their part of the body is the binding's.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QGroupBox, QVBoxLayout, QWidget

from desktop_app.ui.editors import binding as field
from desktop_app.ui.editors.binding import Form
from desktop_app.ui.i18n import QT_TRANSLATE_NOOP, translate
from desktop_app.ui.widgets.fields import as_int_or_text
from desktop_app.ui.widgets.row_table import RowColumn, RowTable
from domain.enums import AppraisalGrade
from domain.records import THEME_DAY_REQUIRED_ACTIONS, Member

# The 规定动作 keys are Chinese codes stored in the body; these are their English source names.
REQUIRED_ACTION_NAMES: dict[str, str] = {
    "交纳党费": QT_TRANSLATE_NOOP("MeetingSections", "Pay membership dues"),
    "诵读党章": QT_TRANSLATE_NOOP("MeetingSections", "Read the Party Constitution aloud"),
    "佩戴党徽": QT_TRANSLATE_NOOP("MeetingSections", "Wear the Party badge"),
    "重温入党誓词": QT_TRANSLATE_NOOP("MeetingSections", "Renew the admission oath"),
}
DELIVERY_CHOICES = ("现场", "线上", "微党课", "观看视频")


def _t(text: str) -> str:
    return QCoreApplication.translate("MeetingSections", text)


class LectureSection(QGroupBox):
    """党课: lecturer, topic, 学时, delivery (domain.md §4.5)."""

    def __init__(self, members: Mapping[str, Member], fields: Form, parent: QWidget | None = None) -> None:
        super().__init__(translate("MeetingSections", "Party lecture"), parent)
        form = QFormLayout(self)
        self.lecturer_member, self.lecturer = fields.pair(
            form,
            translate("MeetingSections", "Lecturer"),
            field.member(
                "lecturer_member_id", "", members, empty_text=translate("MeetingSections", "(not on the roster)")
            ),
            field.text("lecturer", "", placeholder=translate("MeetingSections", "Name, if not on the roster")),
        )
        self.role = fields.row(
            form,
            field.text(
                "lecturer_role",
                translate("MeetingSections", "Lecturer's post"),
                tooltip=translate(
                    "MeetingSections",
                    "For example 支部书记; a lecture by the secretary counts towards the yearly requirement",
                ),
            ),
        )
        self.topic = fields.row(form, field.text("topic", translate("MeetingSections", "Topic")))
        self.hours = fields.row(
            form,
            field.decimal_spin(
                "hours",
                translate("MeetingSections", "Study hours"),
                maximum=100,
                fit="000.0",
                tooltip=translate("MeetingSections", "1 study hour per hour, 4 per half day"),
            ),
        )
        self.delivery = fields.row(
            form, field.editable_choice("delivery", translate("MeetingSections", "Delivery"), lambda: DELIVERY_CHOICES)
        )
        self.integrity = fields.row(
            form, field.check("is_integrity_lecture", translate("MeetingSections", "Integrity lecture (廉政党课)"))
        )
        self.lecturer_member.changed.connect(self._fill_name)

    def _fill_name(self) -> None:
        if self.lecturer_member.value() and not self.lecturer.text():
            self.lecturer.setText(self.lecturer_member.currentText())


class ThemeDaySection(QGroupBox):
    """主题党日: month, theme, the 规定动作 checklist, dues, follow-up (domain.md §4.6)."""

    def __init__(self, fields: Form, parent: QWidget | None = None) -> None:
        super().__init__(translate("MeetingSections", "Theme day"), parent)
        form = QFormLayout(self)
        short = ("0000-00", 3)
        self.month = fields.row(
            form,
            field.text(
                "month",
                translate("MeetingSections", "Counts for month"),
                tooltip=translate(
                    "MeetingSections", "YYYY-MM; a theme day moved by a holiday still counts for its own month"
                ),
                placeholder="2026-05",
                fit=short,
                optional=True,
            ),
        )
        self.theme = fields.row(form, field.text("theme", translate("MeetingSections", "Theme")))
        self.action_boxes = fields.row(
            form,
            field.checklist(
                "required_actions",
                translate("MeetingSections", "Required items"),
                [(key, _t(REQUIRED_ACTION_NAMES.get(key, key)), key) for key in THEME_DAY_REQUIRED_ACTIONS],
                columns=len(THEME_DAY_REQUIRED_ACTIONS),
                as_map=True,
            ),
        ).boxes
        self.optional = fields.row(
            form, field.plain_text("optional_actions", translate("MeetingSections", "Optional items"), max_height=70)
        )
        self.dues_count = fields.row(
            form,
            field.text("dues_count", translate("MeetingSections", "Dues paid by (people)"), fit=short,
                       read=as_int_or_text),
        )
        self.dues_amount = fields.row(
            form,
            field.text("dues_amount", translate("MeetingSections", "Dues collected (yuan)"), fit=short, optional=True),
        )
        self.follow_up = fields.row(
            form,
            field.plain_text("follow_up", translate("MeetingSections", "Follow-up of decisions"), max_height=70),
        )
        # Records an import links to this theme day (printed with it); the form does not edit them.
        fields.carry("linked_record_ids")


class AppraisalSection(QGroupBox):
    """民主评议: one grade per member; 预备党员 take part but are not graded (domain.md §3.6)."""

    def __init__(self, members: Mapping[str, Member], fields: Form, parent: QWidget | None = None) -> None:
        super().__init__(translate("MeetingSections", "Democratic appraisal grades"), parent)
        self.members = members
        layout = QVBoxLayout(self)
        self.box_layout = layout
        self.grades = fields.table(
            layout,
            field.table(
                "appraisal",
                lambda: RowTable(
                    [
                        RowColumn("member_id", translate("MeetingSections", "Member"), "member"),
                        RowColumn(
                            "grade",
                            translate("MeetingSections", "Grade"),
                            "enum",
                            AppraisalGrade,
                            tooltip=translate(
                                "MeetingSections",
                                "Leave empty for probationary members; at most one third may be Excellent",
                            ),
                        ),
                        RowColumn("comment", translate("MeetingSections", "Comment")),
                    ],
                    members,
                    add_text=translate("MeetingSections", "Add member"),
                ),
            ),
        )

    def fill_from_roster(self, active_ids: list[str]) -> None:
        present = {row["member_id"] for row in self.grades.rows()}
        for member_id in active_ids:
            if member_id not in present:
                self.grades.add_row({"member_id": member_id})


class RectificationSection(QGroupBox):
    """组织生活会 整改清单: one line per item to put right (domain.md §3.6)."""

    def __init__(self, fields: Form, parent: QWidget | None = None) -> None:
        super().__init__(translate("MeetingSections", "Rectification list"), parent)
        layout = QVBoxLayout(self)
        self.items = fields.table(
            layout,
            field.text_list(
                "rectification",
                lambda: RowTable(
                    [RowColumn("text", translate("MeetingSections", "Item to put right"))],
                    add_text=translate("MeetingSections", "Add item"),
                ),
                "text",
            ),
        )
