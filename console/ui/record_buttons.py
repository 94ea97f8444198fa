"""The row of buttons above a list: New, Edit, the dataset's record actions, Delete, and Refresh.

Beside them: why the selected record cannot be changed (Setera's directory entries), and for a live
list when its rows last came (:class:`~console.ui.refresh_stamp.RefreshStamp`).
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from console.core.models import DatasetSpec, Record
from console.ui.refresh_stamp import RefreshStamp

#: Said of a record the dataset's ``record_editable`` refuses when the dataset gives no reason.
NOT_EDITABLE = "This record cannot be changed here."


class RecordButtons(QWidget):
    """The list's buttons; what they do is wired by the list.

    Buttons for what the vendor cannot do here are hidden; those that need a record are enabled only
    when the selected one allows it; a read-only account hides every write.

    Args:
        spec: The dataset.
        parent: Qt parent.
    """

    def __init__(self, spec: DatasetSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.new_button = QPushButton(f"New {spec.noun}…")
        self.edit_button = QPushButton("Edit…")
        self.delete_button = QPushButton("Delete…")
        self.refresh_button = QPushButton("Refresh")
        for name, button in (("newButton", self.new_button), ("editButton", self.edit_button),
                             ("deleteButton", self.delete_button), ("refreshButton", self.refresh_button)):
            button.setObjectName(name)
        self.action_buttons: dict[str, QPushButton] = {}
        for action in spec.actions:
            button = QPushButton(action.label)
            button.setObjectName(f"action_{action.key}")
            self.action_buttons[action.key] = button
        self.read_only_label = QLabel("Read-only account: viewing only. Switch it in File > Accounts.")
        self.read_only_label.setObjectName("readOnlyLabel")
        self.read_only_label.setStyleSheet("color: #b26a00;")
        self.read_only_label.hide()
        #: Why Edit and Delete are greyed for the selected record (shown only then).
        self.reason_label = QLabel(spec.read_only_reason or NOT_EDITABLE)
        self.reason_label.setObjectName("readOnlyReason")
        self.reason_label.setToolTip(self.reason_label.text())
        # A narrow window cuts the sentence rather than growing (the buttons' tooltips say it whole).
        self.reason_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.reason_label.hide()
        self.updated_label = RefreshStamp(spec.refresh_seconds)
        self._read_only = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.new_button, self.edit_button, *self.action_buttons.values(), self.delete_button):
            layout.addWidget(button)
        layout.addWidget(self.read_only_label)
        layout.addWidget(self.reason_label, 10)  # the room left, when shown
        layout.addStretch(1)
        layout.addWidget(self.updated_label)
        layout.addWidget(self.refresh_button)
        self.set_read_only(False)

    def set_read_only(self, on: bool) -> None:
        """Hides every write (new, edit, delete, record actions that change data); reading stays."""
        self._read_only = on
        self.read_only_label.setVisible(on)
        if on:
            self.reason_label.hide()
        self.new_button.setVisible(self.spec.can_create and not on)
        self.edit_button.setVisible(self.spec.can_edit and not on)
        self.delete_button.setVisible(self.spec.can_delete and not on)
        for action in self.spec.actions:
            self.action_buttons[action.key].setVisible(action.opens is not None or not on)

    def update_for(self, record: Record | None) -> None:
        """Enables what the selected record allows, and says why when it allows no change."""
        editable = record is not None and self.spec.record_editable(record)
        refused = record is not None and not editable
        reason = self.reason_label.text() if refused else ""
        for button, tip in ((self.edit_button, "Edit the selected record"),
                            (self.delete_button, "Delete the selected record (asks first)")):
            button.setEnabled(editable)
            button.setToolTip(reason or (tip if record is not None else "Select a record first"))
        can_change = self.spec.can_edit or self.spec.can_delete
        self.reason_label.setVisible(refused and can_change and not self._read_only)
        for action in self.spec.actions:
            self.action_buttons[action.key].setEnabled(record is not None and action.available(record))
