"""The detail pane: every field of the selected record, nested values unfolded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.core.models import DatasetSpec, Record
from console.ui.formatting import format_datetime, format_moment, parse_datetime


def _scalar(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        return format_moment(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str) and parse_datetime(value) is not None and len(value) >= 16:
        return f"{format_datetime(value)}   ({value})"
    return str(value)


def _label_of(item: Any, index: int) -> str:
    """A list element's label: its ``fieldName``/``name``/``slug`` when it has one."""
    if isinstance(item, dict):
        for key in ("fieldName", "name", "label", "slug", "title"):
            if isinstance(item.get(key), str):
                return str(item[key])
    return f"[{index}]"


class DetailPane(QWidget):
    """Shows one record: a title and a tree of every field the vendor returned.

    Args:
        parent: Qt parent.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.title = QLabel("Select a row to see every field.")
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.title.setFont(font)
        self.tree = QTreeWidget()
        self.tree.setObjectName("detailTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Field", "Value"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setColumnWidth(0, 150)
        self.tree.setWordWrap(True)
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

    def show_record(self, spec: DatasetSpec, record: Record | None) -> None:
        """Shows a record (or nothing)."""
        self.record = record
        self.tree.clear()
        if record is None:
            self.title.setText("Select a row to see every field.")
            return
        self.title.setText(f"{spec.noun.capitalize()} {record.id}: {spec.title_of(record)}")
        if record.derived:
            # What the console worked out (times in the account's zone, names, decoded fields) first.
            summary = QTreeWidgetItem(["Summary", ""])
            bold = summary.font(0)
            bold.setBold(True)
            summary.setFont(0, bold)
            self.tree.addTopLevelItem(summary)
            for key, value in record.derived.items():
                if value not in (None, "") and not key.startswith("_"):
                    label = key.replace("_", " ")
                    self._add(summary, label[:1].upper() + label[1:], value)
            everything = QTreeWidgetItem(["As sent by the vendor", ""])
            everything.setFont(0, bold)
            self.tree.addTopLevelItem(everything)
            for key, value in record.fields.items():
                self._add(everything, str(key), value)
            self.tree.expandToDepth(1)
            return
        for key, value in record.fields.items():
            self._add(None, str(key), value)
        self.tree.expandToDepth(1)

    def field_text(self, name: str) -> str | None:
        """The value shown for a field of the record (top level, or under the two groups)."""
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is None:
                continue
            if item.text(0) == name:
                return item.text(1)
            if item.text(0) in ("Summary", "As sent by the vendor"):
                for j in range(item.childCount()):
                    child = item.child(j)
                    if child is not None and child.text(0) == name:
                        return child.text(1)
        return None

    def _add(self, parent: QTreeWidgetItem | None, key: str, value: Any) -> None:
        item = QTreeWidgetItem([key, ""])
        if isinstance(value, dict):
            item.setText(1, "" if value else "{}")
            for sub_key, sub_value in value.items():
                self._add(item, str(sub_key), sub_value)
        elif isinstance(value, list):
            if value and all(isinstance(v, dict) and "value" in v and ("slug" in v or "fieldName" in v)
                             for v in value):
                for element in value:  # custom fields: "First name: Jane"
                    child = QTreeWidgetItem([_label_of(element, 0), _scalar(element.get("value"))])
                    child.setToolTip(0, str(element.get("slug", "")))
                    item.addChild(child)
            elif value and all(isinstance(v, dict) and "name" in v for v in value):
                item.setText(1, ", ".join(str(v["name"]) for v in value))
                for index, element in enumerate(value):
                    self._add(item, _label_of(element, index), element)
            else:
                item.setText(1, "(none)" if not value else f"{len(value)} items")
                for index, element in enumerate(value):
                    self._add(item, _label_of(element, index), element)
        else:
            item.setText(1, _scalar(value))
            item.setToolTip(1, "" if value is None else str(value))
        if parent is None:
            self.tree.addTopLevelItem(item)
        else:
            parent.addChild(item)

    def _copy_value(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            text = item.toolTip(1) or item.text(1)
            QGuiApplication.clipboard().setText(text)
