"""Choose a month, a quarter or a year (and, for a 先锋岗 report, "the whole history")."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSpinBox, QWidget

from desktop_app.ui.i18n import translate
from domain.compliance.period import Period, PeriodKind


class PeriodPicker(QWidget):
    changed = Signal()

    def __init__(self, *, allow_all: bool = False, today: dt.date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        today = today or dt.date.today()
        self.kind = QComboBox()
        if allow_all:
            self.kind.addItem(translate("PeriodPicker", "Whole history"), None)
        self.kind.addItem(translate("PeriodPicker", "Month"), PeriodKind.MONTH.value)
        self.kind.addItem(translate("PeriodPicker", "Quarter"), PeriodKind.QUARTER.value)
        self.kind.addItem(translate("PeriodPicker", "Year"), PeriodKind.YEAR.value)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.year.setSuffix(translate("PeriodPicker", " (year)"))
        self.number = QComboBox()
        self._today = today
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind)
        layout.addWidget(self.year)
        layout.addWidget(self.number, 1)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.year.valueChanged.connect(lambda _v: self.changed.emit())
        self.number.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.set_period(Period.containing(today, PeriodKind.QUARTER).code if not allow_all else None)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.number.blockSignals(True)
        self.number.clear()
        if kind == PeriodKind.MONTH.value:
            for month in range(1, 13):
                self.number.addItem(translate("PeriodPicker", "Month {0}").format(month), month)
            self.number.setCurrentIndex(self._today.month - 1)
        elif kind == PeriodKind.QUARTER.value:
            for quarter in range(1, 5):
                self.number.addItem(translate("PeriodPicker", "Quarter {0}").format(quarter), quarter)
            self.number.setCurrentIndex((self._today.month - 1) // 3)
        self.number.blockSignals(False)
        self.year.setVisible(kind is not None)
        self.number.setVisible(kind in (PeriodKind.MONTH.value, PeriodKind.QUARTER.value))
        self.changed.emit()

    def set_period(self, code: str | None) -> None:
        """Show ``code`` (``2026``, ``2026-Q4``, ``2026-11``) or, with None, the whole history."""
        if code is None:
            self.kind.setCurrentIndex(max(self.kind.findData(None), 0))
            self._kind_changed()
            return
        period = Period.parse(code)
        self.kind.setCurrentIndex(self.kind.findData(period.kind.value))
        self._kind_changed()
        self.year.setValue(period.year)
        if period.kind is not PeriodKind.YEAR:
            self.number.setCurrentIndex(self.number.findData(period.number))

    def period_code(self) -> str | None:
        kind = self.kind.currentData()
        if kind is None:
            return None
        year = self.year.value()
        if kind == PeriodKind.YEAR.value:
            return f"{year}"
        number = int(self.number.currentData() or 1)
        return f"{year}-Q{number}" if kind == PeriodKind.QUARTER.value else f"{year}-{number:02d}"
