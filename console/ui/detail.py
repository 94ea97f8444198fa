"""The detail pane: the selected record in words first, then every field as the vendor sent it.

The plain reading (:func:`console.ui.detail_reading.summary`) comes first; "As sent by the vendor"
holds the raw values, folded until the user opens it (the choice holds for the session). Values wrap
to the pane's width (:class:`console.ui.detail_tree.DetailTree`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.core.models import DatasetSpec, FieldKind, Record
from console.ui.detail_reading import RAW, SUMMARY, plain, raw_text, summary
from console.ui.detail_tree import DetailTree

EMPTY_TITLE = "Select a row to see every field."

#: Which groups are open, as the user last left them (for the session: every pane shares it).
OPEN_GROUPS: dict[str, bool] = {SUMMARY: True, RAW: False}


def _label_of(item: Any, index: int) -> str:
    """A list element's label: its ``fieldName``/``name``/``slug``/``id`` when it has one."""
    if isinstance(item, dict):
        for key in ("fieldName", "name", "label", "slug", "title", "id"):
            if isinstance(item.get(key), str | int) and not isinstance(item.get(key), bool):
                return str(item[key])
    return f"[{index}]"


class DetailPane(QWidget):
    """Shows one record: a title, its summary in words and every field the vendor returned.

    Args:
        parent: Qt parent.

    Signals:
        copied(str): What *Copy value* did, for the status bar.
    """

    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.title = QLabel(EMPTY_TITLE)
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.title.setFont(font)
        self.tree = DetailTree()
        self.tree.setObjectName("detailTree")
        self.tree.itemExpanded.connect(lambda item: self._remember_fold(item, True))
        self.tree.itemCollapsed.connect(lambda item: self._remember_fold(item, False))
        self.copy_button = QPushButton("Copy value")
        self.copy_button.setToolTip("Copy the selected value to the clipboard")
        self.copy_button.clicked.connect(self._copy_value)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.record: Record | None = None
        self._filling = False

    def show_record(self, spec: DatasetSpec, record: Record | None) -> None:
        """Shows a record, or nothing (an empty pane) for ``None``."""
        self.record = record
        self._filling = True
        self.tree.setUpdatesEnabled(False)
        try:
            self.tree.clear()
            if record is not None:
                self.title.setText(f"{spec.noun.capitalize()} {record.id}: {spec.title_of(record)}")
                self._fill(spec, record)
            else:
                self.title.setText(EMPTY_TITLE)
        finally:
            self._filling = False
            self.tree.setUpdatesEnabled(True)
        self.tree.fit_field_column()

    def clear(self) -> None:
        """Empties the pane (the list it followed is gone)."""
        self.record = None
        self.tree.clear()
        self.title.setText(EMPTY_TITLE)

    def _fill(self, spec: DatasetSpec, record: Record) -> None:
        lines = summary(spec, record)
        if lines:
            group = self._group(SUMMARY)
            for line in lines:
                if isinstance(line.value, str):
                    self.tree.add(group, line.label, line.value).setToolTip(1, line.value)
                else:
                    self._add(group, line.label, line.value, raw=False, kind=line.kind)
        raw = self._group(RAW) if lines else None
        for key, value in record.fields.items():
            self._add(raw, str(key), value, raw=True)
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is not None and top.text(0) in OPEN_GROUPS:
                top.setExpanded(OPEN_GROUPS[top.text(0)])

    def _group(self, name: str) -> QTreeWidgetItem:
        group = self.tree.add(None, name)
        bold = group.font(0)
        bold.setBold(True)
        group.setFont(0, bold)
        group.setFirstColumnSpanned(True)
        return group

    def _remember_fold(self, item: QTreeWidgetItem, is_open: bool) -> None:
        if not self._filling and item.parent() is None and item.text(0) in OPEN_GROUPS:
            OPEN_GROUPS[item.text(0)] = is_open

    def is_open(self, group: str) -> bool:
        """Whether a group ("Summary", "As sent by the vendor") is unfolded."""
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.text(0) == group:
                return item.isExpanded()
        return False

    def field_text(self, name: str) -> str | None:
        """The value shown for a field of the record (top level, or under the two groups)."""
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is None:
                continue
            if item.text(0) == name:
                return item.text(1)
            if item.text(0) in (SUMMARY, RAW):
                for j in range(item.childCount()):
                    child = item.child(j)
                    if child is not None and child.text(0) == name:
                        return child.text(1)
        return None

    def _add(self, parent: QTreeWidgetItem | None, key: str, value: Any, *, raw: bool,
             kind: FieldKind = FieldKind.TEXT) -> None:
        """Adds a field; objects and lists unfold below it (one level open)."""
        scalar = raw_text if raw else (lambda v: plain(v, kind))
        item = self.tree.add(parent, key)
        if isinstance(value, dict):
            item.setText(1, "" if value else "{}")
            for sub_key, sub_value in value.items():
                self._add(item, str(sub_key), sub_value, raw=raw, kind=kind)
        elif isinstance(value, list):
            if value and all(isinstance(v, dict) and "value" in v and ("slug" in v or "fieldName" in v)
                             for v in value):
                for element in value:  # custom fields: "First name: Jane"
                    text = scalar(element.get("value"))
                    child = self.tree.add(item, _label_of(element, 0), text)
                    child.setToolTip(0, str(element.get("slug", "")))
                    child.setToolTip(1, text)
            elif value and all(isinstance(v, dict) and "name" in v for v in value):
                item.setText(1, ", ".join(str(v["name"]) for v in value))
                for index, element in enumerate(value):
                    self._add(item, _label_of(element, index), element, raw=raw, kind=kind)
            else:
                item.setText(1, "(none)" if not value else f"{len(value)} items")
                for index, element in enumerate(value):
                    self._add(item, _label_of(element, index), element, raw=raw, kind=kind)
        else:
            item.setText(1, scalar(value))
            item.setToolTip(1, "" if value is None else str(value))
        if item.childCount() and (parent is None or parent.parent() is None):
            item.setExpanded(True)

    def _copy_value(self) -> None:
        item = self.tree.currentItem()
        if item is None or not (item.toolTip(1) or item.text(1)):
            self.copied.emit("Select a value in the detail pane to copy it.")
            return
        text = item.toolTip(1) or item.text(1)
        QGuiApplication.clipboard().setText(text)
        shown = text if len(text) <= 60 else text[:57] + "…"
        self.copied.emit(f"Copied {item.text(0)}: {shown}")
