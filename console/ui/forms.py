"""The create/edit form of any dataset, built from its form field descriptors.

The form never closes on a failed save: vendor validation messages appear under the offending
fields (or above the form when they belong to none), the fields in error are outlined, and what the
user typed stays. A new record starts from the list's context: a choice the list is filtered to is
preselected (a new reservation in a list of one property's reservations is for that property);
without one, a required choice loaded from another dataset starts on "Choose…" rather than on
whichever came first. Phone numbers the user typed are sent in E.164 (``+14155550199``).

The parts: :mod:`console.ui.form_checks` (checks of one value), :mod:`console.ui.form_widgets`
(slot picker, date field, searchable lists, outlines), :mod:`console.ui.form_layout` (inputs and rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from console.core.models import Choice, DatasetSpec, FieldKind, FormField, Record
from console.ui.form_checks import EMAIL_RE, check_value, set_phone_region, stored_phone
from console.ui.form_layout import add_row, fill_combo, fill_list, list_values, make_input, new_form_layout, noun_of
from console.ui.form_widgets import (
    ERROR_STYLE,
    FieldFrame,
    SlotPicker,
    app_instance,
    error_style,
    focus_frame,
    typed_choice_problem,
)

__all__ = ["EMAIL_RE", "ERROR_STYLE", "RecordForm", "SlotPicker", "check_value", "set_phone_region"]


class RecordForm(QDialog):
    """Create or edit one record.

    Args:
        spec: The dataset.
        record: The record to edit, or ``None`` to create one.
        vendor_name: For the title.
        parent: Parent window.
        fields: A record action's fields (instead of the dataset's form).
        title: The window title (default: "New booking – Launch27", "Edit booking … – Launch27").
        save_text: The Save button's words (default: Create or Save).
        context: The list's filters: a new record's choice field whose key is filtered starts on that value.

    Signals:
        saveRequested(): Save was pressed and the local checks passed; the owner sends it.
        checkRequested(): "Check and retry" was pressed after a save whose outcome is unknown.
    """

    saveRequested = Signal()
    checkRequested = Signal()
    slotsWanted = Signal(str)

    def __init__(self, spec: DatasetSpec, record: Record | None, vendor_name: str,
                 parent: QWidget | None = None, *, fields: Sequence[FormField] | None = None,
                 title: str = "", save_text: str = "", context: Mapping[str, str] | None = None) -> None:
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
        self.frames: dict[str, FieldFrame] = {}
        #: The "Choose a property…" entry of a required choice with nothing preselected.
        self._choose: dict[str, str] = {}
        self._baseline: dict[str, Any] = {}
        #: A save of this form failed at the vendor or on the way (:meth:`note_failed_save`).
        self.failed_save = False
        self._vendor = vendor_name or "the vendor"
        self.general = QLabel()
        self.general.setObjectName("formGeneralErrors")
        self.general.setWordWrap(True)
        self.general.setStyleSheet(ERROR_STYLE)
        self.general.hide()
        form = new_form_layout()
        for field in self.fields:
            widget = make_input(field)
            if field.kind is FieldKind.MULTI_CHOICE and not field.choices:
                self._pending[field.key] = []
            if isinstance(widget, QComboBox) and field.choices_from:
                self._choose[field.key] = self._choose_text(field, context)
                fill_combo(widget, field, [], empty=self._choose[field.key])
            widget.setObjectName(f"field_{field.key}")
            widget.setEnabled(self.creating or self.action_form or field.on_edit)
            self.widgets[field.key] = widget
            row = add_row(form, field, widget)
            self.frames[field.key] = row.frame
            self.error_labels[field.key] = row.error
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.addLayout(form)
        column.addStretch(1)
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
            self.set_values({**{f.key: f.default for f in self.fields if f.default},
                             **self._from_context(context or {})})
        self._wire_slots()
        self._show_unsent_fields()
        self._paint_errors()
        app = app_instance()
        if app is not None:
            app.focusChanged.connect(self._on_focus_changed)
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

    def _from_context(self, context: Mapping[str, str]) -> dict[str, str]:
        """A new record's choices the list is filtered to (key for key)."""
        return {f.key: context[f.key] for f in self.fields
                if f.kind is FieldKind.CHOICE and context.get(f.key)}

    def _choose_text(self, field: FormField, context: Mapping[str, str] | None) -> str:
        """The "nothing chosen yet" entry of a new record's required choice from another dataset, or "".

        Whichever choice comes first is no guess worth making (an inactive property); a choice the
        free times depend on keeps its first one, so the times of that one show at once.
        """
        if not (self.creating and not self.action_form and field.required and field.choices_from):
            return ""
        if field.default or (context or {}).get(field.key):
            return ""
        if any(field.key in f.depends_on for f in self.fields if f.kind is FieldKind.SLOT):
            return ""
        return f"Choose a {noun_of(field)}…"

    def _show_unsent_fields(self) -> None:
        """An empty field the user cannot edit says why it is empty (the vendor did not send it)."""
        for field in self.fields:
            widget = self.widgets[field.key]
            if isinstance(widget, QLineEdit) and not widget.isEnabled() and not widget.text():
                widget.setPlaceholderText("Not sent by the vendor")

    def _paint_errors(self) -> None:
        """Error text in the red that reads on this window (light or dark)."""
        style = error_style(self.palette())
        for label in (self.general, *self.error_labels.values()):
            label.setStyleSheet(style)

    def changeEvent(self, event: QEvent) -> None:
        """A theme switch repaints the error text in the new window's red."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "error_labels"):
            self._paint_errors()

    def _on_focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        """The field holding the focus is outlined in the focus colour."""
        frames = list(self.frames.values())
        focused = focus_frame(now, frames)
        for frame in frames:
            frame.set_focused(frame is focused)

    def set_choices(self, key: str, choices: Sequence[Choice]) -> None:
        """Fills a choice or multi-choice field (loaded from another dataset), keeping the values."""
        field = next((f for f in self.fields if f.key == key), None)
        widget = self.widgets.get(key)
        if field is None or widget is None:
            return
        untouched = self._comparable().get(key) == self._baseline.get(key)
        if isinstance(widget, QComboBox):
            fill_combo(widget, field, choices, empty=self._choose.get(key, ""))
        elif isinstance(widget, QListWidget):
            pending = self._pending.pop(key, None)
            checked = set(pending) if pending is not None else set(list_values(widget))
            fill_list(widget, choices, checked)
        if untouched:  # choices arriving are not an edit
            self._baseline[key] = self._comparable().get(key)

    # -- unsaved edits ------------------------------------------------------------------------------

    def _comparable(self) -> dict[str, Any]:
        values = self.values(as_typed=True)
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
        box.setInformativeText(self.discard_note())
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

    def discard_note(self) -> str:
        """What the discard question says was sent: nothing yet, a refused save, or one whose answer was lost."""
        if self.check_button.isVisibleTo(self):
            return ("The last save's answer was lost: it may have been made. “Check and retry” finds out; "
                    "discarding leaves it as it is.")
        if self.failed_save:
            return f"The save did not go through: nothing from this form is saved in {self._vendor}."
        return f"Nothing has been sent to {self._vendor}."

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

    def values(self, *, as_typed: bool = False) -> dict[str, Any]:
        """The form's values by field key, as they are sent.

        Args:
            as_typed: Phone numbers as typed (else a number the user typed is in E.164; one the
                vendor sent and nobody touched stays as the vendor wrote it, so it is not a change).
        """
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
                result[field.key] = list(pending) if pending is not None else list_values(widget)
            elif isinstance(widget, QLineEdit):
                text = widget.text()
                typed = self.creating or text.strip() != self._baseline.get(field.key, text.strip())
                if field.kind is FieldKind.PHONE and typed and not as_typed:
                    text = stored_phone(text)
                result[field.key] = text
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
        """Runs the local checks and shows their messages; returns them.

        Editing, a value as the vendor sent it is not checked (a phone number written the vendor's
        way, an empty field the vendor allows): only what the user changed.
        """
        values = self.values(as_typed=True)
        now = self._comparable()
        errors = {f.key: msgs for f in self.fields if self._checked(f, now)
                  and (msgs := self._problems(f, values.get(f.key)))}
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

    def _checked(self, field: FormField, now: Mapping[str, Any]) -> bool:
        """Whether the local checks look at a field: all of a new record or an action, changed ones of an edit."""
        if self.creating or self.action_form:
            return True
        return field.on_edit and (field.key not in self._baseline or now.get(field.key) != self._baseline[field.key])

    def _problems(self, field: FormField, value: Any) -> list[str]:
        widget = self.widgets[field.key]
        typed = typed_choice_problem(widget, noun_of(field)) if isinstance(widget, QComboBox) else ""
        return [typed] if typed else check_value(field, value)

    def show_errors(self, fields: Mapping[str, Sequence[str]], general: Sequence[str]) -> None:
        """Shows messages under fields; those for unknown fields go above the form."""
        extra = list(general)
        for key, label in self.error_labels.items():
            messages = fields.get(key)
            label.setText("\n".join(messages) if messages else "")
            label.setVisible(bool(messages))
            self.frames[key].set_error(bool(messages))
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

    def note_failed_save(self) -> None:
        """A save (or check) was sent and failed: the discard question no longer says nothing was sent."""
        self.failed_save = True

    def set_busy(self, busy: bool, text: str = "") -> None:
        """Disables Save while a request is on its way."""
        self.save_button.setEnabled(not busy)
        self.check_button.setEnabled(not busy)
        self.status.setText(text or ("Saving…" if busy else ""))

    def _on_save_clicked(self) -> None:
        if not self.check():
            self.saveRequested.emit()
