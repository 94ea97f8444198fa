"""The detail pane's tree: field and value columns whose text wraps to the pane's width.

A ``QTreeWidget`` lays every row out one line high, word wrap or not; :class:`WrapDelegate` measures
each cell at its column's width, and :class:`DetailTree` lays the rows out again when the pane or a
column is resized. The field column is sized to its labels within bounds and the value column takes
the rest, so an ordinary value never needs a horizontal scrollbar.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QResizeEvent, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

#: The field column's bounds: at least this many pixels, at most this share of the pane.
FIELD_MIN = 60
FIELD_SHARE = 0.45
#: ... and at least its longest label word, up to this share (a word is never cut in two).
WORD_SHARE = 0.5
_TOP_LEFT = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft


def _laid_out(text: str, font: QFont, width: int) -> tuple[QTextLayout, int]:
    """``text`` laid out at ``width``, broken at words (and inside a word too long for a line); its height."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    height = 0.0
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(width, 1))
        line.setPosition(QPointF(0, height))
        height += line.height()
    layout.endLayout()
    return layout, int(height + 0.999)


class WrapDelegate(QStyledItemDelegate):
    """Measures and paints a cell with its text wrapped at its column's width.

    Text breaks at word boundaries, and inside a word (an email address, an id) only when the word is
    wider than the column, so nothing is cut off.

    Args:
        tree: The tree whose columns give the widths.
    """

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def _text_width(self, opt: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> int:
        """The width the cell's text gets: its column's (the whole row's for a spanned group title)."""
        if self.tree.isFirstColumnSpanned(index.row(), index.parent()):
            width = self.tree.viewport().width()
        else:
            width = self.tree.columnWidth(index.column())
        if index.column() == 0:
            depth, parent = 1 if self.tree.rootIsDecorated() else 0, index.parent()
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            width -= self.tree.indentation() * depth
        style = self.tree.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.tree) + 1
        return max(width - 2 * margin, 16)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        """The cell's size with its text wrapped to the column's width."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        base = super().sizeHint(option, index)
        width = self._text_width(opt, index)
        height = _laid_out(opt.text, opt.font, width)[1] + 2 * 2 if opt.text else base.height()
        return QSize(base.width(), max(base.height(), height))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """Paints the cell's background as the style does, then its text wrapped in the text rectangle."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        style = self.tree.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, self.tree)
        if not text:
            return
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, self.tree)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.tree) + 1
        rect = rect.adjusted(margin, 2, -margin, 0)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (QPalette.ColorGroup.Normal if opt.state & QStyle.StateFlag.State_Enabled
                 else QPalette.ColorGroup.Disabled)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        layout, _height = _laid_out(text, opt.font, rect.width())
        painter.save()
        painter.setPen(opt.palette.color(group, role))
        painter.setClipRect(rect)
        layout.draw(painter, QPointF(rect.topLeft()))
        painter.restore()


class DetailTree(QTreeWidget):
    """Two columns, Field and Value, whose rows grow to show wrapped text whole.

    Args:
        parent: Qt parent.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels(["Field", "Value"])
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(False)  # rows of wrapped values are taller
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(WrapDelegate(self))
        self.setIndentation(14)  # nested values keep their room in a narrow pane
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_a: self.scheduleDelayedItemsLayout())
        self.itemExpanded.connect(lambda _i: self.fit_field_column())
        self.itemCollapsed.connect(lambda _i: self.fit_field_column())
        self._field_width = 150

    def add(self, parent: QTreeWidgetItem | None, field: str, value: str = "") -> QTreeWidgetItem:
        """Adds a row (top-aligned, so a label stays level with the first line of a long value)."""
        item = QTreeWidgetItem([field, value])
        item.setTextAlignment(0, _TOP_LEFT)
        item.setTextAlignment(1, _TOP_LEFT)
        if parent is None:
            self.addTopLevelItem(item)
        else:
            parent.addChild(item)
        return item

    def shown_items(self) -> Iterator[tuple[QTreeWidgetItem, int]]:
        """The rows on show (under expanded parents), with their depth."""
        stack = [(self.topLevelItem(i), 0) for i in reversed(range(self.topLevelItemCount()))]
        while stack:
            item, depth = stack.pop()
            if item is None:
                continue
            yield item, depth
            if item.isExpanded():
                stack.extend((item.child(j), depth + 1) for j in reversed(range(item.childCount())))

    def fit_field_column(self) -> None:
        """Sizes the field column to its labels on show, within bounds; the value column takes the rest.

        The column is at most :data:`FIELD_SHARE` of the pane, but never narrower than the longest word
        of a label (up to :data:`WORD_SHARE`), so a label wraps between words and is never cut in one.
        """
        margin = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1) + 6
        indent = self.indentation()
        base = indent if self.rootIsDecorated() else 0
        widest = word = FIELD_MIN
        for item, depth in self.shown_items():
            if item.isFirstColumnSpanned():
                continue  # a group title has the whole row
            metrics = QFontMetrics(item.font(0))
            room = margin + base + indent * depth
            widest = max(widest, metrics.horizontalAdvance(item.text(0)) + room)
            word = max(word, *(metrics.horizontalAdvance(w) + room for w in item.text(0).split() or [""]))
        viewport = self.viewport().width()
        if viewport > 0:
            width = max(min(widest, int(viewport * FIELD_SHARE)), min(word, int(viewport * WORD_SHARE)))
        else:
            width = widest
        self._field_width = max(FIELD_MIN, width)
        if self.columnWidth(0) != self._field_width:
            self.setColumnWidth(0, self._field_width)
        self.scheduleDelayedItemsLayout()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A narrower or wider pane: the field column keeps its bounds and the rows wrap again."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit_field_column()
