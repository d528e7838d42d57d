"""Map a violation's dotted field path (``votes.0.yes``) to the widget that shows it.

Scalar fields register their path; list sections register the list's path and a
:class:`RowTable`. A violation goes to the longest registered prefix of its path, so
``lecture.topic`` finds the topic field and ``attendance.3.reason`` the reason cell of row 4.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from desktop_app.ui.widgets.fields import ErrorLabel
from desktop_app.ui.widgets.row_table import RowTable
from domain.labels import field_label
from domain.violations import Severity, Violation


@dataclass
class Binding:
    widget: QWidget
    label: ErrorLabel
    table: RowTable | None = None


class FieldMap:
    def __init__(self) -> None:
        self._bindings: dict[str, Binding] = {}

    def bind(self, path: str, widget: QWidget, label: ErrorLabel) -> None:
        self._bindings[path] = Binding(widget, label)

    def bind_table(self, path: str, table: RowTable, label: ErrorLabel) -> None:
        self._bindings[path] = Binding(table, label, table)

    def input_problems(self) -> list[Violation]:
        """Problems fields find in their own text (a date typed incompletely), as violations.

        These come before the record's schema: the schema never sees, for instance, that an
        end time was typed without a date, or a required date left empty.
        """
        found: list[Violation] = []
        for path, binding in self._bindings.items():
            check = getattr(binding.widget, "problem", None)
            message = check() if callable(check) else None
            if message:
                found.append(Violation(path, "input.text", f"{field_label(path)}：{message}"))
        return found

    def bindings(self) -> dict[str, Binding]:
        return dict(self._bindings)

    def widget_for(self, path: str) -> QWidget | None:
        found = self._lookup(path)
        return found[0].widget if found else None

    def _lookup(self, path: str) -> tuple[Binding, list[str]] | None:
        parts = path.split(".")
        for cut in range(len(parts), 0, -1):
            binding = self._bindings.get(".".join(parts[:cut]))
            if binding is not None:
                return binding, parts[cut:]
        return None

    def clear(self) -> None:
        for binding in self._bindings.values():
            binding.label.show_messages([])
            if binding.table is not None:
                binding.table.clear_marks()

    def show(self, violations: list[Violation]) -> list[Violation]:
        """Show each violation beside its field; return those that matched no field."""
        self.clear()
        per_label: dict[int, tuple[ErrorLabel, list[str], bool]] = {}
        unplaced: list[Violation] = []
        for v in violations:
            found = self._lookup(v.field)
            if found is None:
                unplaced.append(v)
                continue
            binding, rest = found
            if binding.table is not None and rest and rest[0].isdigit():
                binding.table.mark(int(rest[0]), rest[1] if len(rest) > 1 else None, v.message)
            label, messages, warn_only = per_label.get(id(binding.label), (binding.label, [], True))
            messages.append(v.message)
            per_label[id(binding.label)] = (label, messages, warn_only and v.severity is Severity.WARNING)
        for label, messages, warn_only in per_label.values():
            label.show_messages(messages, warning=warn_only)
        return unplaced
