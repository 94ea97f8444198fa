"""The create/edit form of any dataset, built from its form field descriptors.

The form never closes on a failed save: vendor validation messages appear under the offending
fields (or above the form when they belong to none), and what the user typed stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from console.core.models import Choice, DatasetSpec, FieldKind, FormField, Record
from console.ui.form_checks import EMAIL_RE, check_value, set_phone_region
from console.ui.form_widgets import ERROR_STYLE, SlotPicker

__all__ = ["EMAIL_RE", "ERROR_STYLE", "RecordForm", "SlotPicker", "check_value", "set_phone_region"]


class RecordForm(QDialog):
    """Create or edit one record.

    Args:
        spec: The dataset.
        record: The record to edit, or ``None`` to create one.
        vendor_name: For the title.
        parent: Parent window.

    Signals:
        saveRequested(): Save was pressed and the local checks passed; the owner sends it.
        checkRequested(): "Check and retry" was pressed after a save whose outcome is unknown.
    """

    saveRequested = Signal()
    checkRequested = Signal()
    slotsWanted = Signal(str)

    def __init__(self, spec: DatasetSpec, record: Record | None, vendor_name: str,
                 parent: QWidget | None = None, *, fields: Sequence[FormField] | None = None,
                 title: str = "", save_text: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("recordForm")
        self.spec = spec
        self.record = record
        self.creating = record is None
        self.action_form = fields is not None
        what = spec.noun
        self.setWindowTitle(title or (f"New {what} – {vendor_name}" if record is None
                                      else f"Edit {what} {spec.title_of(record)} – {vendor_name}"))
        self.setMinimumWidth(520)
        self.resize(560, 640 if fields is None else 220)
        if fields is not None:
            self.fields = list(fields)
        else:
            self.fields = [f for f in spec.form_fields if (f.on_create if self.creating else True)]
        self.widgets: dict[str, QWidget] = {}
        # Multi-choice values set before their choices arrived (choices load from another dataset).
        self._pending: dict[str, list[str]] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.general = QLabel()
        self.general.setObjectName("formGeneralErrors")
        self.general.setWordWrap(True)
        self.general.setStyleSheet(ERROR_STYLE)
        self.general.hide()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for field in self.fields:
            widget = self._widget(field)
            widget.setObjectName(f"field_{field.key}")
            widget.setEnabled(self.creating or self.action_form or field.on_edit)
            self.widgets[field.key] = widget
            error = QLabel()
            error.setObjectName(f"error_{field.key}")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            self.error_labels[field.key] = error
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(widget)
            if field.help:
                hint = QLabel(field.help)
                hint.setWordWrap(True)
                hint.setObjectName("fieldHint")
                # The muted text role (not Mid, a frame colour): readable in both themes, follows a live switch.
                hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
                box.addWidget(hint)
            box.addWidget(error)
            holder = QWidget()
            holder.setLayout(box)
            box.setContentsMargins(0, 0, 0, 0)
            label = QLabel(field.label + (" *" if field.required else ""))
            label.setBuddy(widget)
            form.addRow(label, holder)
        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(save_text or ("Create" if self.creating else "Save"))
        self.save_button.setObjectName("saveButton")
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.cancel)
        # After a save whose answer was lost: read the record again, then send only if it is needed.
        self.check_button = QPushButton("Check and retry")
        self.check_button.setObjectName("checkRetryButton")
        self.check_button.setToolTip("Read the record from the vendor again; send the change only if it is not there")
        self.check_button.clicked.connect(self.checkRequested.emit)
        self.buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.check_button.hide()
        self.status = QLabel()
        self.status.setObjectName("formStatus")
        layout = QVBoxLayout(self)
        layout.addWidget(self.general)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        if record is not None:
            self.set_values(spec.form_values(record))
        else:
            self.set_values({f.key: f.default for f in self.fields if f.default})
        self._wire_slots()
        self._baseline = self._comparable()
        self._asking = False

    # -- widgets ------------------------------------------------------------------------------------

    def _wire_slots(self) -> None:
        """Asks for free times when a slot's day, or a field it depends on, changes."""
        for field in self.fields:
            picker = self.widgets.get(field.key)
            if field.kind is not FieldKind.SLOT or not isinstance(picker, SlotPicker):
                continue
            key = field.key
            picker.wanted.connect(lambda k=key: self.slotsWanted.emit(k))
            for dependency in field.depends_on:
                widget = self.widgets.get(dependency)
                if isinstance(widget, QComboBox):
                    widget.currentIndexChanged.connect(lambda _i, k=key: self.slotsWanted.emit(k))
                elif isinstance(widget, QLineEdit):
                    widget.editingFinished.connect(lambda k=key: self.slotsWanted.emit(k))

    def slot_fields(self) -> list[str]:
        """The keys of the form's SLOT fields."""
        return [f.key for f in self.fields if f.kind is FieldKind.SLOT]

    def slot_picker(self, key: str) -> SlotPicker | None:
        """The picker of a SLOT field."""
        widget = self.widgets.get(key)
        return widget if isinstance(widget, SlotPicker) else None

    def _widget(self, field: FormField) -> QWidget:
        if field.kind is FieldKind.SLOT:
            return SlotPicker()
        if field.kind is FieldKind.BOOLEAN:
            return QCheckBox()
        if field.kind is FieldKind.MULTILINE:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(edit.fontMetrics().height() * 5 + 12)
            return edit
        if field.kind is FieldKind.CHOICE:
            combo = QComboBox()
            self._fill_combo(combo, field, list(field.choices))
            return combo
        if field.kind is FieldKind.MULTI_CHOICE:
            lst = QListWidget()
            lst.setMaximumHeight(150)
            if field.choices:
                self._fill_list(lst, list(field.choices))
            else:
                self._pending[field.key] = []
                loading = QListWidgetItem("Loading…")
                loading.setFlags(Qt.ItemFlag.NoItemFlags)
                lst.addItem(loading)
            return lst
        line = QLineEdit()
        line.setPlaceholderText(field.placeholder or ("YYYY-MM-DD" if field.kind is FieldKind.DATE else ""))
        if field.max_length:
            line.setMaxLength(max(field.max_length * 4, 1000))  # over-long input is reported, not cut
        line.setClearButtonEnabled(True)
        return line

    def _fill_combo(self, combo: QComboBox, field: FormField, choices: Sequence[Choice]) -> None:
        # Refilling keeps the value and emits no change unless the value really changed (a change
        # would ask the vendor for free times again).
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        if not field.required:
            combo.addItem("—", "")
        for choice in choices:
            combo.addItem(choice.label, choice.value)
        if current is not None:
            index = combo.findData(current)
            if index >= 0:
                combo.setCurrentIndex(index)
        combo.blockSignals(False)
        if combo.currentData() != current:
            combo.currentIndexChanged.emit(combo.currentIndex())

    @staticmethod
    def _fill_list(lst: QListWidget, choices: Sequence[Choice], checked: set[str] | None = None) -> None:
        lst.clear()
        for choice in choices:
            item = QListWidgetItem(choice.label)
            item.setData(Qt.ItemDataRole.UserRole, choice.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if checked and choice.value in checked
                               else Qt.CheckState.Unchecked)
            lst.addItem(item)

    def set_choices(self, key: str, choices: Sequence[Choice]) -> None:
        """Fills a choice or multi-choice field (loaded from another dataset), keeping the values."""
        field = next((f for f in self.fields if f.key == key), None)
        widget = self.widgets.get(key)
        if field is None or widget is None:
            return
        untouched = self._comparable().get(key) == self._baseline.get(key)
        if isinstance(widget, QComboBox):
            self._fill_combo(widget, field, choices)
        elif isinstance(widget, QListWidget):
            pending = self._pending.pop(key, None)
            checked = set(pending) if pending is not None else set(self._list_values(widget))
            self._fill_list(widget, choices, checked)
        if untouched:  # choices arriving are not an edit
            self._baseline[key] = self._comparable().get(key)

    # -- unsaved edits ------------------------------------------------------------------------------

    def _comparable(self) -> dict[str, Any]:
        values = self.values()
        return {f.key: (sorted(map(str, values.get(f.key) or ())) if f.kind is FieldKind.MULTI_CHOICE
                        else str(values.get(f.key) if values.get(f.key) is not None else "").strip())
                for f in self.fields if f.kind is not FieldKind.SLOT}

    def is_dirty(self) -> bool:
        """The person changed something that is not saved."""
        if any(isinstance(w, SlotPicker) and w.user_chose for w in self.widgets.values()):
            return True
        return self._comparable() != self._baseline

    def cancel(self) -> None:
        """Cancel, Esc or the window's close button: asks first when there are unsaved edits."""
        if not self.is_dirty():
            self.reject()
            return
        if self._asking:
            return
        self._asking = True
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          "Discard your changes to this form?", QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("discardChanges")
        box.setInformativeText("Nothing has been sent to the vendor.")
        discard = box.addButton("Discard changes", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)

        def answered(_code: int) -> None:
            self._asking = False
            box.deleteLater()
            if box.clickedButton() is discard:
                self.reject()

        box.finished.connect(answered)
        box.open()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc asks before dropping unsaved edits."""
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            self.cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """The window's close button asks before dropping unsaved edits."""
        if self.isVisible() and self.is_dirty():
            event.ignore()
            self.cancel()
            return
        super().closeEvent(event)

    # -- values -------------------------------------------------------------------------------------

    @staticmethod
    def _list_values(widget: QListWidget) -> list[str]:
        values = []
        for i in range(widget.count()):
            item = widget.item(i)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                values.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return values

    def values(self) -> dict[str, Any]:
        """The form's values by field key."""
        result: dict[str, Any] = {}
        for field in self.fields:
            widget = self.widgets[field.key]
            if isinstance(widget, SlotPicker):
                result[field.key] = widget.value()
            elif isinstance(widget, QCheckBox):
                result[field.key] = widget.isChecked()
            elif isinstance(widget, QPlainTextEdit):
                result[field.key] = widget.toPlainText()
            elif isinstance(widget, QComboBox):
                result[field.key] = widget.currentData() or ""
            elif isinstance(widget, QListWidget):
                pending = self._pending.get(field.key)
                result[field.key] = list(pending) if pending is not None else self._list_values(widget)
            elif isinstance(widget, QLineEdit):
                result[field.key] = widget.text()
        return result

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Fills the form."""
        for field in self.fields:
            if field.key not in values:
                continue
            value = values[field.key]
            widget = self.widgets[field.key]
            if isinstance(widget, SlotPicker):
                widget.set_value("" if value is None else str(value))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText("" if value is None else str(value))
            elif isinstance(widget, QComboBox):
                index = widget.findData("" if value is None else str(value))
                if index < 0 and value:
                    widget.addItem(str(value), str(value))
                    index = widget.count() - 1
                widget.setCurrentIndex(max(0, index))
            elif isinstance(widget, QListWidget):
                wanted = {str(v) for v in value or ()}
                if field.key in self._pending:
                    self._pending[field.key] = sorted(wanted)
                else:
                    for i in range(widget.count()):
                        item = widget.item(i)
                        if item is not None:
                            item.setCheckState(Qt.CheckState.Checked
                                               if str(item.data(Qt.ItemDataRole.UserRole)) in wanted
                                               else Qt.CheckState.Unchecked)
            elif isinstance(widget, QLineEdit):
                widget.setText("" if value is None else str(value))

    # -- errors and state ---------------------------------------------------------------------------

    def check(self) -> dict[str, list[str]]:
        """Runs the local checks and shows their messages; returns them."""
        values = self.values()
        errors = {f.key: msgs for f in self.fields if (msgs := check_value(f, values.get(f.key)))
                  and (self.creating or self.action_form or f.on_edit)}
        by_key = {f.key: f for f in self.fields}
        for field in self.fields:  # a date that must come after another (check-out after check-in)
            earlier = by_key.get(field.after)
            if earlier is None or field.key in errors or earlier.key in errors:
                continue
            try:
                later_day = dt.date.fromisoformat(str(values.get(field.key) or ""))
                earlier_day = dt.date.fromisoformat(str(values.get(earlier.key) or ""))
            except ValueError:
                continue
            if later_day <= earlier_day:
                errors[field.key] = [f"{field.label} must be after {earlier.label.lower()} ({earlier_day})."]
        self.show_errors(errors, [])
        return errors

    def show_errors(self, fields: Mapping[str, Sequence[str]], general: Sequence[str]) -> None:
        """Shows messages under fields; those for unknown fields go above the form."""
        extra = list(general)
        for key, label in self.error_labels.items():
            messages = fields.get(key)
            label.setText("\n".join(messages) if messages else "")
            label.setVisible(bool(messages))
        for key, messages in fields.items():
            if key not in self.error_labels:
                extra.extend(f"{key}: {m}" for m in messages)
        self.general.setText("\n".join(extra))
        self.general.setVisible(bool(extra))
        first = next((k for k in self.error_labels if fields.get(k)), None)
        if first is not None:
            self.widgets[first].setFocus()

    def error_text(self, key: str) -> str:
        """The message shown under a field ("" when none)."""
        label = self.error_labels.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

    def offer_check(self, on: bool) -> None:
        """Shows "Check and retry" instead of Save (the last save's outcome is unknown), or hides it."""
        self.check_button.setVisible(on)
        self.save_button.setVisible(not on)
        if on:
            self.check_button.setDefault(True)

    def set_busy(self, busy: bool, text: str = "") -> None:
        """Disables Save while a request is on its way."""
        self.save_button.setEnabled(not busy)
        self.check_button.setEnabled(not busy)
        self.status.setText(text or ("Saving…" if busy else ""))

    def _on_save_clicked(self) -> None:
        if not self.check():
            self.saveRequested.emit()
