"""Each editor declares its fields once: a body path, the widget, its label, how it reads and loads.

Before this, every editor named each field three times — in ``build_form`` (the widget and its
row), ``form_data`` (reading it) and ``load_data`` (writing it) — and the three drifted (a field
read but never loaded, a sub-field silently dropped on save). Now a :class:`Field` holds all of
it, and :class:`Form` places it in a layout (with its error label, bound to its path in the
editor's :class:`~desktop_app.ui.editors.fieldmap.FieldMap` so rule messages show at the field),
watches it for autosave, and reads and loads the whole body from the same list. Adding a field
to a record kind is one declaration in the editor's ``build_form``.

What a body holds but the form does not edit (an amendment's ``amends_rev``, a theme day's
``linked_record_ids`` from an import) is *carried* (:meth:`Form.carry`): kept on load and given
back on read, so saving a record never drops what the form did not show.

The widget factories below (:func:`text`, :func:`enum_choice`, :func:`date`, :func:`table` …)
cover the field kinds the editors use; anything else is a :class:`Field` with its own adapters.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.editors.fieldmap import FieldMap
from desktop_app.ui.widgets.fields import DateEdit, EnumCombo, ErrorLabel, MemberCombo, with_error_label
from desktop_app.ui.widgets.row_table import RowTable
from domain.enums import LabelledEnum
from domain.records import Member

W = TypeVar("W", bound=QWidget)
V = TypeVar("V", bound=QWidget)

# The signal by which each kind of field says it was edited (the first one a widget has).
CHANGE_SIGNALS = ("changed", "textChanged", "toggled", "valueChanged", "currentTextChanged")


@dataclass(frozen=True)
class Field(Generic[W]):
    """One field of a body as the form shows it.

    ``path`` is relative to the :class:`Form` it is placed in (``topic`` in the ``lecture``
    group is ``lecture.topic``); ``read`` turns the widget into the body's value, ``write`` puts
    a body value (``None`` when the body lacks it) into the widget.
    """

    path: str
    label: str
    make: Callable[[], W]
    read: Callable[[W], Any]
    write: Callable[[W, Any], None]
    tooltip: str = ""
    span: bool = False  # the widget takes the whole form row (a grid of check boxes), no label


@dataclass
class _Placed:
    spec: Field[Any]
    widget: QWidget

    def read(self) -> Any:
        return self.spec.read(self.widget)

    def write(self, value: Any) -> None:
        self.spec.write(self.widget, value)


class Form:
    """The fields of one editor (or one group of a body, such as a meeting's ``lecture``).

    ``when`` makes a group conditional: while it is false the group reads as ``absent`` (a 党课's
    details are ``None`` on a 支委会 record; a group without a key gives ``absent`` for each of its
    fields).
    """

    def __init__(
        self,
        fields: FieldMap,
        on_change: Callable[..., None],
        row_holders: dict[str, QWidget],
        *,
        prefix: str = "",
        key: str = "",
        when: Callable[[], bool] | None = None,
        absent: Any = None,
    ) -> None:
        self.fields = fields
        self.on_change = on_change
        self.row_holders = row_holders  # full path → the form row's widget (to show or hide it)
        self.prefix = prefix  # the dotted path of this group in the body ("" at the top)
        self.key = key  # this group's key in its parent's dict ("": its fields are the parent's)
        self.when = when
        self.absent = absent
        self._entries: list[_Placed | Form] = []
        self._carry: list[str] = []
        self.carried: dict[str, Any] = {}

    # ------------------------------------------------------------ declaring

    def full_path(self, path: str) -> str:
        return f"{self.prefix}.{path}" if self.prefix else path

    def row(self, form: QFormLayout, spec: Field[W]) -> W:
        """``spec`` as a form row, with its error label under the widget."""
        widget = spec.make()
        holder, error = with_error_label(widget, spec.tooltip)
        if spec.span:
            form.addRow(holder)
        else:
            form.addRow(spec.label, holder)
        self._adopt(spec, widget, error, holder)
        return widget

    def pair(
        self,
        form: QFormLayout,
        label: str,
        left: Field[W],
        right: Field[V],
        between: str = "",
        *,
        compact: bool = False,
    ) -> tuple[W, V]:
        """Two fields side by side in one row (开始 至 结束; a member and a name not on the roster),
        each with its own error label. ``compact`` keeps both at their own width, at the left."""
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        made: list[QWidget] = []
        specs: list[Field[Any]] = [left, right]
        for i, spec in enumerate(specs):
            if i == 1 and between:
                box.addWidget(QLabel(between), 0, Qt.AlignmentFlag.AlignTop)
            widget = spec.make()
            holder, error = with_error_label(widget, spec.tooltip or widget.toolTip())
            box.addWidget(holder, 0 if compact else 1, Qt.AlignmentFlag.AlignTop)
            self._adopt(spec, widget, error, row)
            made.append(widget)
        if compact:
            box.addStretch(1)
        form.addRow(label, row)
        first, second = made
        return first, second  # type: ignore[return-value]  # made from left and right, in order

    def table(self, layout: QVBoxLayout | QFormLayout, spec: Field[RowTable]) -> RowTable:
        """A list section: the table, then one error label for the list and its rows."""
        table = spec.make()
        error = ErrorLabel()
        if isinstance(layout, QFormLayout):
            layout.addRow(table)
            layout.addRow(error)
        else:
            layout.addWidget(table)
            layout.addWidget(error)
        self._adopt(spec, table, error, table)
        return table

    def group(self, path: str = "", *, when: Callable[[], bool] | None = None, absent: Any = None) -> Form:
        """Fields under ``path`` (a nested part of the body), or, without a path, fields of this
        level that are only there ``when`` it holds."""
        child = Form(
            self.fields,
            self.on_change,
            self.row_holders,
            prefix=self.full_path(path) if path else self.prefix,
            key=path,
            when=when,
            absent=absent,
        )
        self._entries.append(child)
        return child

    def carry(self, *paths: str) -> None:
        """Body fields the form does not edit but must give back as loaded."""
        self._carry.extend(paths)

    def _adopt(self, spec: Field[Any], widget: QWidget, error: ErrorLabel, holder: QWidget) -> None:
        path = self.full_path(spec.path)
        if isinstance(widget, RowTable):
            self.fields.bind_table(path, widget, error)
        else:
            self.fields.bind(path, widget, error)
        self.row_holders[path] = holder
        watch(widget, self.on_change)
        self._entries.append(_Placed(spec, widget))

    # ------------------------------------------------------------ reading and loading

    def present(self) -> bool:
        return self.when is None or self.when()

    def read(self) -> dict[str, Any]:
        """The body as the form shows it (this group's part of it)."""
        data: dict[str, Any] = {}
        for entry in self._entries:
            if isinstance(entry, _Placed):
                data[entry.spec.path] = entry.read()
            elif entry.key:
                data[entry.key] = entry.read() if entry.present() else copy.deepcopy(entry.absent)
            elif entry.present():
                data.update(entry.read())
            else:
                data.update({key: copy.deepcopy(entry.absent) for key in entry.body_keys()})
        data.update(self.carried)
        return data

    def load(self, data: Mapping[str, Any] | None) -> None:
        """Show ``data`` (a body, or this group's part of it); what it lacks shows as empty."""
        data = data or {}
        for entry in self._entries:
            if isinstance(entry, _Placed):
                entry.write(data.get(entry.spec.path))
            elif entry.key:
                value = data.get(entry.key)
                entry.load(value if isinstance(value, Mapping) else None)
            else:
                entry.load(data)
        self.carried = {key: copy.deepcopy(data[key]) for key in self._carry if data.get(key)}

    def body_keys(self) -> list[str]:
        """The body keys this form gives at its own level."""
        out: list[str] = []
        for entry in self._entries:
            if isinstance(entry, _Placed):
                out.append(entry.spec.path)
            elif entry.key:
                out.append(entry.key)
            else:
                out.extend(entry.body_keys())
        return out

    def bound_paths(self) -> list[str]:
        """Every field's full dotted path, in form order (a path bound twice appears twice)."""
        out: list[str] = []
        for entry in self._entries:
            if isinstance(entry, _Placed):
                out.append(self.full_path(entry.spec.path))
            else:
                out.extend(entry.bound_paths())
        return out

    def carried_paths(self) -> list[str]:
        out = [self.full_path(p) for p in self._carry]
        for entry in self._entries:
            if isinstance(entry, Form):
                out.extend(entry.carried_paths())
        return out


def watch(widget: QWidget, on_change: Callable[..., None]) -> None:
    """Connect a field's change signal (autosave and the live check)."""
    for name in CHANGE_SIGNALS:
        signal = getattr(widget, name, None)
        if signal is not None and hasattr(signal, "connect"):
            signal.connect(on_change)
            return


# ---------------------------------------------------------------- field kinds


def _fit(widget: QWidget, sample: str, factor: int) -> None:
    if sample:
        widget.setMaximumWidth(widget.fontMetrics().horizontalAdvance(sample) * factor)


def _text_of(value: Any) -> str:
    return "" if value is None else str(value)


def text(
    path: str,
    label: str,
    *,
    tooltip: str = "",
    placeholder: str = "",
    fit: tuple[str, int] = ("", 0),
    optional: bool = False,
    read: Callable[[str], Any] | None = None,
) -> Field[QLineEdit]:
    """A line of text, stored stripped; ``optional``: empty is ``None``; ``read`` converts the
    stripped text (a count typed by a person)."""

    def make() -> QLineEdit:
        edit = QLineEdit()
        if placeholder:
            edit.setPlaceholderText(placeholder)
        _fit(edit, *fit)
        return edit

    def get(edit: QLineEdit) -> Any:
        value = edit.text().strip()
        if read is not None:
            return read(value)
        return (value or None) if optional else value

    return Field(path, label, make, get, lambda edit, v: edit.setText(_text_of(v)), tooltip)


def plain_text(
    path: str, label: str, *, tooltip: str = "", placeholder: str = "", max_height: int = 0
) -> Field[QPlainTextEdit]:
    """Several lines (minutes, a description), stored stripped."""

    def make() -> QPlainTextEdit:
        edit = QPlainTextEdit()
        if placeholder:
            edit.setPlaceholderText(placeholder)
        if max_height:
            edit.setMaximumHeight(max_height)
        return edit

    return Field(
        path, label, make, lambda e: e.toPlainText().strip(), lambda e, v: e.setPlainText(_text_of(v)), tooltip
    )


def editable_choice(
    path: str, label: str, choices: Callable[[], Sequence[str]], *, tooltip: str = ""
) -> Field[QComboBox]:
    """Pick one of ``choices`` (the branch's 党小组) or type another; the text is stored."""

    def make() -> QComboBox:
        combo = QComboBox()
        combo.setEditable(True)
        combo.addItems(list(choices()))
        return combo

    return Field(
        path, label, make, lambda c: c.currentText().strip(), lambda c, v: c.setCurrentText(_text_of(v)), tooltip
    )


def enum_choice(
    path: str, label: str, enum_cls: type[LabelledEnum], *, optional: bool = False, tooltip: str = ""
) -> Field[EnumCombo]:
    """One code of an enum, shown by its label; ``optional`` offers an empty choice."""
    return Field(
        path, label, lambda: EnumCombo(enum_cls, optional=optional), lambda c: c.value(), EnumCombo.set_value, tooltip
    )


def date(path: str, label: str, *, tooltip: str = "", today: bool = False) -> Field[DateEdit]:
    """A date typed as clerks write it; ``today``: required, starting as today."""
    return Field(path, label, DateEdit.today if today else DateEdit, DateEdit.value, DateEdit.set_value, tooltip)


def date_time(path: str, label: str = "", *, tooltip: str = "", optional: bool = False) -> Field[DateEdit]:
    """A meeting time to the minute; a required one starts at the current hour."""
    return Field(
        path, label, lambda: DateEdit.meeting_time(optional=optional), DateEdit.value, DateEdit.set_value, tooltip
    )


def check(path: str, caption: str, *, tooltip: str = "") -> Field[QCheckBox]:
    """A yes/no field; the caption is on the box (the form row has no label)."""
    return Field(
        path, "", lambda: QCheckBox(caption), lambda c: c.isChecked(), lambda c, v: c.setChecked(bool(v)), tooltip
    )


def decimal_spin(
    path: str, label: str, *, maximum: float, step: float = 0.5, fit: str = "", tooltip: str = ""
) -> Field[QDoubleSpinBox]:
    """Hours to one decimal, stored as a decimal string (``"1.5"``)."""

    def make() -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(0, maximum)
        spin.setSingleStep(step)
        spin.setDecimals(1)
        _fit(spin, fit, 3)
        return spin

    def put(spin: QDoubleSpinBox, value: Any) -> None:
        try:
            spin.setValue(float(Decimal(str(value or 0))))
        except InvalidOperation:
            spin.setValue(0)

    return Field(path, label, make, lambda s: str(Decimal(str(s.value())).quantize(Decimal("0.1"))), put, tooltip)


def int_spin(
    path: str, label: str, *, maximum: int, fit: tuple[str, int] = ("", 0), tooltip: str = ""
) -> Field[QSpinBox]:
    """A whole number from 0 to ``maximum`` (a score)."""

    def make() -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, maximum)
        _fit(spin, *fit)
        return spin

    return Field(path, label, make, lambda s: s.value(), lambda s, v: s.setValue(int(v or 0)), tooltip)


def member(
    path: str, label: str, members: Mapping[str, Member], *, empty_text: str = "", tooltip: str = ""
) -> Field[MemberCombo]:
    """A member of the roster by name; the record id is stored ("" for none)."""
    return Field(
        path,
        label,
        lambda: MemberCombo(members, empty_text=empty_text),
        MemberCombo.value,
        MemberCombo.set_value,
        tooltip,
    )


class CheckList(QWidget):
    """Check boxes for a set of codes, in a grid of ``columns``; the stored value is the list of
    the checked codes or (``as_map``) a code → checked mapping."""

    changed = Signal()

    def __init__(self, choices: Iterable[tuple[str, str, str]], *, columns: int, as_map: bool = False) -> None:
        super().__init__()
        self.as_map = as_map
        self.boxes: dict[str, QCheckBox] = {}
        listed = list(choices)
        # One row: the boxes together at the left; more: a grid of ``columns``.
        row = QHBoxLayout(self) if len(listed) <= columns else None
        grid = QGridLayout(self) if row is None else None
        for index, (code, caption, tip) in enumerate(listed):
            box = QCheckBox(caption)
            if tip:
                box.setToolTip(tip)
            self.boxes[code] = box
            box.toggled.connect(lambda _c: self.changed.emit())
            if grid is not None:
                grid.addWidget(box, index // columns, index % columns)
            elif row is not None:
                row.addWidget(box)
        layout = row or grid
        assert layout is not None
        layout.setContentsMargins(0, 0, 0, 0)
        if row is not None:
            row.addStretch(1)

    def value(self) -> list[str] | dict[str, bool]:
        if self.as_map:
            return {code: box.isChecked() for code, box in self.boxes.items()}
        return [code for code, box in self.boxes.items() if box.isChecked()]

    def set_value(self, value: Any) -> None:
        if isinstance(value, Mapping):
            checked = {code for code, on in value.items() if on}
        else:
            checked = {str(code) for code in value or []}
        for code, box in self.boxes.items():
            box.setChecked(code in checked)


def checklist(
    path: str,
    label: str,
    choices: Iterable[tuple[str, str, str]],
    *,
    columns: int,
    as_map: bool = False,
    span: bool = False,
    tooltip: str = "",
) -> Field[CheckList]:
    """A set of codes as check boxes (``choices``: code, caption, tooltip)."""
    listed = list(choices)
    return Field(
        path,
        label,
        lambda: CheckList(listed, columns=columns, as_map=as_map),
        CheckList.value,
        CheckList.set_value,
        tooltip,
        span,
    )


def table(
    path: str,
    make: Callable[[], RowTable],
    *,
    read: Callable[[dict[str, Any]], Any] | None = None,
    write: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None,
) -> Field[RowTable]:
    """A list of rows; every row with something typed in it is kept (an incomplete one is named by
    the rules, never dropped). ``read``/``write`` convert one row between the table and the body."""

    def get(rows: RowTable) -> list[Any]:
        filled = rows.filled_rows()
        return [read(row) for row in filled] if read is not None else filled

    def put(rows: RowTable, value: Any) -> None:
        items = list(value or [])
        rows.set_rows([write(item) for item in items] if write is not None else items)

    return Field(path, "", make, get, put)


def text_list(path: str, make: Callable[[], RowTable], key: str) -> Field[RowTable]:
    """A list of short texts shown one per row in the table's ``key`` column; empty rows are left out."""
    return Field(
        path,
        "",
        make,
        lambda rows: [row[key] for row in rows.rows() if row[key]],
        lambda rows, value: rows.set_rows([{key: item} for item in value or []]),
    )
