"""The filter bar of a dataset view, built from the vendor's server-side filters.

Typing is debounced with a single-shot timer; a value the vendor would refuse (half an email in an
exact-email filter, a malformed date) is explained next to the box and not sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.core.models import Choice, FieldKind, FilterSpec
from console.services.filters import FilterValueError, filter_value
from console.ui.forms import ERROR_STYLE

DEBOUNCE_MS = 350


#: The bookings view's date presets: (key, label).
RANGE_PRESETS = (("all", "All dates"), ("today", "Today"), ("week", "This week"), ("next7", "Next 7 days"),
                 ("custom", "Custom…"))


def preset_range(preset: str, today: dt.date) -> tuple[str, str]:
    """The (from, to) dates of a preset, as YYYY-MM-DD ("" for open ends)."""
    if preset == "today":
        return today.isoformat(), today.isoformat()
    if preset == "week":
        monday = today - dt.timedelta(days=today.weekday())
        return monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat()
    if preset == "next7":
        return today.isoformat(), (today + dt.timedelta(days=6)).isoformat()
    return "", ""


class DateRangeBar(QWidget):
    """Today / This week / Next 7 days / custom, driving a dataset's two date-range filters.

    Args:
        preset: The preset chosen at first.
        parent: Qt parent.

    Signals:
        changed(): The range changed.
    """

    changed = Signal()

    def __init__(self, preset: str = "all", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dateRangeBar")
        self.preset = QComboBox()
        self.preset.setObjectName("datePreset")
        for key, label in RANGE_PRESETS:
            self.preset.addItem(label, key)
        self.start = QDateEdit()
        self.end = QDateEdit()
        for edit, name in ((self.start, "dateFrom"), (self.end, "dateTo")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
            edit.dateChanged.connect(self._on_custom_changed)
        self.to_label = QLabel("to")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Dates"))
        layout.addWidget(self.preset)
        layout.addWidget(self.start)
        layout.addWidget(self.to_label)
        layout.addWidget(self.end)
        self.preset.setCurrentIndex(max(0, self.preset.findData(preset)))
        self.preset.currentIndexChanged.connect(self._on_preset_changed)
        self._show_custom()

    def _show_custom(self) -> None:
        custom = self.preset.currentData() == "custom"
        for widget in (self.start, self.end, self.to_label):
            widget.setVisible(custom)

    def _on_preset_changed(self) -> None:
        self._show_custom()
        self.changed.emit()

    def _on_custom_changed(self) -> None:
        if self.preset.currentData() == "custom":
            self.changed.emit()

    def range(self, today: dt.date | None = None) -> tuple[str, str]:
        """The chosen (from, to) as YYYY-MM-DD ("" for an open end)."""
        key = str(self.preset.currentData())
        if key == "custom":
            start = self.start.date().toString("yyyy-MM-dd")
            end = self.end.date().toString("yyyy-MM-dd")
            return (start, end) if start <= end else (end, start)
        return preset_range(key, today or dt.date.today())

    def set_preset(self, key: str) -> None:
        """Chooses a preset (emits :attr:`changed`)."""
        self.preset.setCurrentIndex(max(0, self.preset.findData(key)))


def filter_problem(spec: FilterSpec, text: str) -> str:
    """Returns why a filter value cannot be sent, or "" when it can (the CLI's rules, by the filter's label)."""
    try:
        filter_value(spec, text, name=spec.label)
    except FilterValueError as exc:
        return f"{exc}."
    return ""


class FilterBar(QWidget):
    """Search box plus the dataset's other filters.

    Args:
        filters: The dataset's filters (the ``primary`` one becomes the search box).
        parent: Qt parent.

    Signals:
        changed(dict): The applicable filter values changed (after the debounce).
    """

    changed = Signal(dict)

    def __init__(self, filters: Sequence[FilterSpec], parent: QWidget | None = None, *,
                 date_preset: str = "all", local_only: FilterSpec | None = None) -> None:
        super().__init__(parent)
        self.specs = list(filters)
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.range_keys = {f.range_role: f.key for f in self.specs if f.range_role in ("from", "to")}
        self.dates: DateRangeBar | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self._last: dict[str, str] = {}
        #: The search box asks the local copy (:meth:`set_local_search`).
        self.local_search = False
        primary = next((f for f in self.specs if f.primary), None)
        others = [f for f in self.specs if f is not primary and f.range_role is None]
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        if "from" in self.range_keys and "to" in self.range_keys:
            self.dates = DateRangeBar(date_preset)
            self.dates.changed.connect(self._schedule_now)
            top.addWidget(self.dates)
        self.search: QLineEdit | None = None
        if primary is not None:
            box = self._make_input(primary)
            assert isinstance(box, QLineEdit)
            box.setObjectName("searchBox")
            box.setMinimumWidth(320)
            top.addWidget(box, 1)
            self.search = box
        #: The search box of a list whose vendor has none (Launch27 2.0): only its local copy searches,
        #: so it shows once the copy is complete (:meth:`set_local_search`).
        self.local_only = local_only
        self.local_box: QLineEdit | None = None
        if local_only is not None and primary is None:
            self.local_box = QLineEdit()
            self.local_box.setObjectName("localSearchBox")
            self.local_box.setClearButtonEnabled(True)
            self.local_box.setMinimumWidth(320)
            self.local_box.textChanged.connect(self._schedule)
            self.local_box.hide()
            top.addWidget(self.local_box, 1)
        self.more = QToolButton()
        self.more.setText("More filters")
        self.more.setCheckable(True)
        self.more.setVisible(bool(others))
        top.addWidget(self.more)
        self.clear_button = QToolButton()
        self.clear_button.setText("Clear")
        self.clear_button.setToolTip("Clear every filter")
        self.clear_button.clicked.connect(self.clear)
        top.addWidget(self.clear_button)
        self._top = top
        self.extra = QWidget()
        row = QHBoxLayout(self.extra)
        row.setContentsMargins(0, 0, 0, 0)
        for spec in others:
            row.addWidget(QLabel(spec.label))
            row.addWidget(self._make_input(spec))
        row.addStretch(1)
        self.extra.setVisible(False)
        self.more.toggled.connect(self.extra.setVisible)
        self.problem = QLabel()
        self.problem.setObjectName("filterProblem")
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.extra)
        layout.addWidget(self.problem)
        self._last = self.values()

    def add_tool(self, widget: QWidget) -> None:
        """Puts a list's own button on the bar's first row, after the filters (*Jump to now*)."""
        self._top.addWidget(widget)

    def _make_input(self, spec: FilterSpec) -> QLineEdit | QComboBox:
        widget: QLineEdit | QComboBox
        if spec.kind is FieldKind.BOOLEAN:
            widget = QComboBox()
            widget.addItem("Any", "")
            widget.addItem("Yes", "true")
            widget.addItem("No", "false")
            widget.currentIndexChanged.connect(self._schedule_now)
        elif spec.kind is FieldKind.CHOICE:
            widget = QComboBox()
            widget.setMinimumContentsLength(12)
            widget.addItem("Any", "")
            for choice in spec.choices:
                widget.addItem(choice.label, choice.value)
            widget.currentIndexChanged.connect(self._schedule_now)
        else:
            from console.ui.form_widgets import DateField

            widget = DateField() if spec.kind is FieldKind.DATE else QLineEdit()  # a date: typed, or a calendar
            widget.setClearButtonEnabled(True)
            widget.setPlaceholderText(spec.placeholder or ("YYYY-MM-DD" if spec.kind is FieldKind.DATE
                                                           else f"Filter by {spec.label.lower()}"))
            widget.textChanged.connect(self._schedule)
        widget.setObjectName(f"filter_{spec.key}")
        widget.setToolTip(f"{spec.label} (filtered by the vendor)")
        self.inputs[spec.key] = widget
        return widget

    def set_choices(self, key: str, choices: Sequence[Choice]) -> None:
        """Fills a choice filter whose values come from another dataset."""
        widget = self.inputs.get(key)
        if not isinstance(widget, QComboBox):
            return
        current = widget.currentData()
        widget.blockSignals(True)
        widget.clear()
        widget.addItem("Any", "")
        for choice in choices:
            widget.addItem(choice.label, choice.value)
        index = widget.findData(current)
        widget.setCurrentIndex(max(0, index))
        widget.blockSignals(False)

    def set_value(self, key: str, value: str) -> None:
        """Sets one filter (a choice not loaded yet is added so it can be shown)."""
        widget = self.inputs.get(key)
        if isinstance(widget, QLineEdit):
            widget.setText(value)
        elif isinstance(widget, QComboBox):
            index = widget.findData(value)
            if index < 0:
                widget.addItem(value, value)
                index = widget.count() - 1
            widget.setCurrentIndex(index)
        if self.more.isVisible() and key not in (f.key for f in self.specs if f.primary):
            self.more.setChecked(True)

    def raw_values(self) -> dict[str, str]:
        """Every input's value as typed (the date bar fills the range filters)."""
        values: dict[str, str] = {}
        for key, widget in self.inputs.items():
            values[key] = widget.text() if isinstance(widget, QLineEdit) else str(widget.currentData() or "")
        if self.dates is not None:
            start, end = self.dates.range()
            values[self.range_keys["from"]] = start
            values[self.range_keys["to"]] = end
        return values

    def values(self) -> dict[str, str]:
        """The values that can be sent (problems left out)."""
        result = {}
        for spec in self.specs:
            value = self.raw_values().get(spec.key, "").strip()
            if value and not self._problem(spec, value):
                result[spec.key] = value
        local = self.local_box.text().strip() if self.local_box is not None and self.local_search else ""
        if local and self.local_only is not None:
            result[self.local_only.key] = local
        return result

    def _problem(self, spec: FilterSpec, value: str) -> str:
        """Why a value cannot be sent ("": it can); the local copy takes any part of a word in the search box."""
        return "" if self.local_search and spec.primary else filter_problem(spec, value)

    def set_local_search(self, on: bool, offered: bool = False) -> None:
        """The search box asks the list's local copy (any part of any column, accents and case aside), or the vendor.

        The box's hint and tooltip say which; a value only the copy takes is sent (or held back) at once.

        Args:
            on: The copy answers the list as its filters are now.
            offered: The copy is complete (a list whose vendor has no search shows the copy's box, greyed
                while a filter the copy cannot apply keeps the list at the vendor).
        """
        if self.local_box is not None:
            self.local_box.setVisible(on or offered)
            self.local_box.setEnabled(on)
            self.local_box.setPlaceholderText("Search every column (local copy)" if on else
                                              "Search (local copy): clear the filters the local copy cannot apply")
            self.local_box.setToolTip("The vendor has no search here; the local copy finds any part of any column")
        if on == self.local_search:
            return
        self.local_search = on
        primary = next((f for f in self.specs if f.primary), None)
        if self.search is not None and primary is not None:
            if on:
                self.search.setPlaceholderText("Search every column (local copy)")
                self.search.setToolTip(f"{primary.label}: any part of any column, found in the local copy")
            else:
                self.search.setPlaceholderText(primary.placeholder or f"Filter by {primary.label.lower()}")
                self.search.setToolTip(f"{primary.label} (filtered by the vendor)")
        self._schedule_now()

    def clear(self) -> None:
        """Empties every filter (the date bar goes to "All dates")."""
        if self.dates is not None:
            self.dates.blockSignals(True)
            self.dates.set_preset("all")
            self.dates.blockSignals(False)
        if self.local_box is not None:
            self.local_box.blockSignals(True)
            self.local_box.clear()
            self.local_box.blockSignals(False)
        for widget in self.inputs.values():
            widget.blockSignals(True)
            if isinstance(widget, QLineEdit):
                widget.clear()
            else:
                widget.setCurrentIndex(0)
            widget.blockSignals(False)
        self._schedule_now()

    def _schedule(self) -> None:
        self._timer.start()

    def _schedule_now(self) -> None:
        self._timer.stop()
        self._emit()

    def apply(self) -> None:
        """Sends the current values now (after setting filters from code)."""
        self._schedule_now()

    def flush(self) -> None:
        """Applies a pending debounce at once (tests, Enter key)."""
        if self._timer.isActive():
            self._timer.stop()
            self._emit()

    def _emit(self) -> None:
        raw = self.raw_values()
        problems = [p for spec in self.specs if (p := self._problem(spec, raw.get(spec.key, "")))]
        self.problem.setText("\n".join(problems))
        self.problem.setVisible(bool(problems))
        values = self.values()
        if values != self._last:
            self._last = values
            self.changed.emit(values)
