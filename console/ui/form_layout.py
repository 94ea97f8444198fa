"""How a record form is laid out: one input per field descriptor, and its row (label, outline, hint, message).

Labels sit level with the first line of their field, whatever its height (a multi-line field's label
stays at its top); hints use the muted text colour; placeholders read as examples ("e.g. NY"), so an
empty field never looks filled in. Long choice lists are searchable (:func:`fill_combo`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from console.core.models import Choice, FieldKind, FormField
from console.ui.form_widgets import (
    ERROR_STYLE,
    FRAME_PAD,
    SEARCHABLE_AT,
    DateField,
    FieldFrame,
    SlotPicker,
    make_searchable,
)

#: Placeholders that describe a format rather than show an example value.
FORMAT_HINTS = ("YYYY", "HH:MM")


def example_text(placeholder: str) -> str:
    """A placeholder as an example ("NY" -> "e.g. NY"): grey text is never taken for a value."""
    text = placeholder.strip()
    if not text or text.lower().startswith(("e.g.", "for example", "like ")) or text.startswith(FORMAT_HINTS):
        return text
    return f"e.g. {text}"


def noun_of(field: FormField) -> str:
    """What one choice of a field is, for messages ("Property" -> "property")."""
    return field.label.lower()


def make_input(field: FormField) -> QWidget:
    """The input widget of one field (choices loaded from another dataset arrive later: :func:`fill_combo`)."""
    if field.kind is FieldKind.SLOT:
        return SlotPicker()
    if field.kind is FieldKind.BOOLEAN:
        return QCheckBox()
    if field.kind is FieldKind.MULTILINE:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setMaximumHeight(edit.fontMetrics().height() * 5 + 12)
        edit.setPlaceholderText(example_text(field.placeholder))
        return edit
    if field.kind is FieldKind.CHOICE:
        combo = QComboBox()
        fill_combo(combo, field, list(field.choices))
        return combo
    if field.kind is FieldKind.MULTI_CHOICE:
        lst = QListWidget()
        lst.setMaximumHeight(150)
        if field.choices:
            fill_list(lst, list(field.choices))
        else:
            loading = QListWidgetItem("Loading…")
            loading.setFlags(Qt.ItemFlag.NoItemFlags)
            lst.addItem(loading)
        return lst
    line = DateField() if field.kind is FieldKind.DATE else QLineEdit()
    if field.placeholder or field.kind is not FieldKind.DATE:
        line.setPlaceholderText(example_text(field.placeholder))
    if field.max_length:
        line.setMaxLength(max(field.max_length * 4, 1000))  # over-long input is reported, not cut
    line.setClearButtonEnabled(True)
    return line


def fill_combo(combo: QComboBox, field: FormField, choices: Sequence[Choice], *, empty: str = "") -> None:
    """Fills a choice list, keeping its value; a long one becomes searchable.

    Refilling emits no change unless the value really changed (a change would ask the vendor for
    free times again).

    Args:
        combo: The list.
        field: Its field.
        choices: The choices.
        empty: The words of a leading "nothing chosen" entry of a required field ("" for none).
    """
    current = combo.currentData()
    searchable = combo.isEditable() or len(choices) > SEARCHABLE_AT
    combo.blockSignals(True)
    combo.clear()
    if not field.required:
        combo.addItem("—", "")
    elif empty:
        combo.addItem("" if searchable else empty, "")  # a searchable box shows its own hint when empty
    for choice in choices:
        combo.addItem(choice.label, choice.value)
    if searchable:
        make_searchable(combo, noun_of(field))
    if current is not None:
        index = combo.findData(current)
        if index >= 0:
            combo.setCurrentIndex(index)
    combo.blockSignals(False)
    if combo.currentData() != current:
        combo.currentIndexChanged.emit(combo.currentIndex())


def fill_list(lst: QListWidget, choices: Sequence[Choice], checked: set[str] | None = None) -> None:
    """Fills a multi-choice list with check boxes, ticking ``checked``."""
    lst.clear()
    for choice in choices:
        item = QListWidgetItem(choice.label)
        item.setData(Qt.ItemDataRole.UserRole, choice.value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked and choice.value in checked else Qt.CheckState.Unchecked)
        lst.addItem(item)


def list_values(widget: QListWidget) -> list[str]:
    """The ticked values of a multi-choice list."""
    values = []
    for i in range(widget.count()):
        item = widget.item(i)
        if item is not None and item.checkState() == Qt.CheckState.Checked:
            values.append(str(item.data(Qt.ItemDataRole.UserRole)))
    return values


@dataclass(slots=True)
class FieldRow:
    """The parts of one field's row.

    Attributes:
        label: The label (its buddy is the input).
        frame: The outline around the input.
        error: The message under the input (hidden when there is none).
    """

    label: QLabel
    frame: FieldFrame
    error: QLabel


def new_form_layout() -> QFormLayout:
    """A form whose labels sit on the left, level with the top line of their fields."""
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    form.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setVerticalSpacing(2)  # the outlines' transparent 4 px already part the rows
    return form


def add_row(form: QFormLayout, field: FormField, widget: QWidget) -> FieldRow:
    """Adds one field's row: label, outlined input, hint and error message under it."""
    frame = FieldFrame(widget)
    error = QLabel()
    error.setObjectName(f"error_{field.key}")
    error.setStyleSheet(ERROR_STYLE)
    error.setWordWrap(True)
    error.setContentsMargins(FRAME_PAD, 0, FRAME_PAD, 0)  # level with the input inside its outline
    error.hide()
    box = QVBoxLayout()
    box.setSpacing(2)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(frame)
    if field.help:
        hint = QLabel(field.help)
        hint.setWordWrap(True)
        hint.setObjectName("fieldHint")
        hint.setContentsMargins(FRAME_PAD, 0, FRAME_PAD, 0)
        # The muted text role (not Mid, a frame colour): readable in both themes, follows a live switch.
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        box.addWidget(hint)
    box.addWidget(error)
    holder = QWidget()
    holder.setLayout(box)
    # The row is as tall as its content: extra height goes below the last row, never inside a row
    # (where it pushed a multi-line field away from its label).
    holder.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    label = QLabel(field.label + (" *" if field.required else ""))
    label.setBuddy(widget)
    # The form stretches a label to its row's height: its text goes to the top, moved down to the
    # middle of the field's first line (a one-line input in its outline).
    first_line = QLineEdit().sizeHint().height() if isinstance(widget, (QPlainTextEdit, QListWidget)) \
        else widget.sizeHint().height()
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setContentsMargins(0, max(0, (first_line + 2 * FRAME_PAD - label.fontMetrics().height() + 1) // 2),
                              0, 0)
    form.addRow(label, holder)
    return FieldRow(label, frame, error)
