"""The filter bar of a dataset view, built from the vendor's server-side filters.

Typing is debounced with a single-shot timer; a value the vendor would refuse (half an email in an
exact-email filter, a malformed date) is explained next to the box and not sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.core.models import Choice, FieldKind, FilterSpec
from console.ui.forms import EMAIL_RE, ERROR_STYLE

DEBOUNCE_MS = 350


def filter_problem(spec: FilterSpec, text: str) -> str:
    """Returns why a filter value cannot be sent, or "" when it can."""
    value = text.strip()
    if not value:
        return ""
    if spec.kind is FieldKind.EMAIL and not EMAIL_RE.match(value):
        return f"{spec.label}: type a whole email address; the vendor matches exact addresses only."
    if spec.kind is FieldKind.DATE:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return f"{spec.label}: write the date as YYYY-MM-DD."
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

    def __init__(self, filters: Sequence[FilterSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.specs = list(filters)
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self._last: dict[str, str] = {}
        primary = next((f for f in self.specs if f.primary), None)
        others = [f for f in self.specs if f is not primary]
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        self.search: QLineEdit | None = None
        if primary is not None:
            box = self._make_input(primary)
            assert isinstance(box, QLineEdit)
            box.setObjectName("searchBox")
            box.setMinimumWidth(320)
            top.addWidget(box, 1)
            self.search = box
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
            widget = QLineEdit()
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

    def raw_values(self) -> dict[str, str]:
        """Every input's value as typed."""
        values: dict[str, str] = {}
        for key, widget in self.inputs.items():
            values[key] = widget.text() if isinstance(widget, QLineEdit) else str(widget.currentData() or "")
        return values

    def values(self) -> dict[str, str]:
        """The values that can be sent (problems left out)."""
        result = {}
        for spec in self.specs:
            value = self.raw_values().get(spec.key, "").strip()
            if value and not filter_problem(spec, value):
                result[spec.key] = value
        return result

    def clear(self) -> None:
        """Empties every filter."""
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

    def flush(self) -> None:
        """Applies a pending debounce at once (tests, Enter key)."""
        if self._timer.isActive():
            self._timer.stop()
            self._emit()

    def _emit(self) -> None:
        raw = self.raw_values()
        problems = [p for spec in self.specs if (p := filter_problem(spec, raw.get(spec.key, "")))]
        self.problem.setText("\n".join(problems))
        self.problem.setVisible(bool(problems))
        values = self.values()
        if values != self._last:
            self._last = values
            self.changed.emit(values)
