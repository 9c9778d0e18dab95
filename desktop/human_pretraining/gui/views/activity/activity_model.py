"""The Activity view's table: one row per app, site or output folder of a day.

Rows are :class:`~human_pretraining.services.queries.UsageRow` exactly as
settlement stored them; the model only words them for people. A subject no
rule matched reads "unclassified" (it counts as neutral, 0 points) in italics,
so it stands out as something to classify. ``SORT_ROLE`` gives numbers for the
time and points columns so sorting by them is numeric.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from human_pretraining.core.model import MINUTE_MS, format_points
from human_pretraining.services.queries import UsageRow

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
KINDS = {"web": "site", "app": "app", "output": "folder"}
UNCLASSIFIED = "unclassified"
NO_RULE = "no rule"
HEADERS = ("Subject", "Kind", "Category", "Rule", "Time", "Points")
SUBJECT, KIND, CATEGORY, RULE, TIME, POINTS = range(len(HEADERS))

Index = QModelIndex | QPersistentModelIndex


def duration_text(ms: int) -> str:
    """``2 h 05 min``, ``12 min``, ``< 1 min``."""
    minutes = ms // MINUTE_MS
    if minutes < 1:
        return "< 1 min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def signed_points(milli: int) -> str:
    return ("+" if milli > 0 else "") + format_points(milli)


def is_unclassified(row: UsageRow) -> bool:
    return row.rule_id is None


class ActivityModel(QAbstractTableModel):
    """Usage rows of one day, most time first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[UsageRow] = []
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_rows(self, rows: Sequence[UsageRow]) -> bool:
        """Show ``rows``; False (and no reset, so scrolling and selection stay) if unchanged."""
        ordered = sorted(rows, key=lambda r: (-r.active_ms, r.subject))
        if ordered == self._rows:
            return False
        self.beginResetModel()
        self._rows = ordered
        self.endResetModel()
        return True

    def row(self, index: int) -> UsageRow:
        return self._rows[index]

    def rows(self) -> list[UsageRow]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == SORT_ROLE:
            if column == TIME:
                return row.active_ms
            if column == POINTS:
                return row.points
            return self._text(row, column).casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (TIME, POINTS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and is_unclassified(row) and column in (CATEGORY, RULE):
            return self._italic
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        return None

    @staticmethod
    def _text(row: UsageRow, column: int) -> str:
        if column == SUBJECT:
            return row.subject
        if column == KIND:
            return KINDS.get(row.source, row.source)
        if column == CATEGORY:
            return UNCLASSIFIED if is_unclassified(row) else row.category
        if column == RULE:
            return row.rule_id or NO_RULE
        if column == TIME:
            text = duration_text(row.active_ms)
            return f"{text} · {row.words:,} words" if row.words else text
        return signed_points(row.points)

    @staticmethod
    def _tooltip(row: UsageRow) -> str:
        if is_unclassified(row):
            return (
                f"No rule matches {row.subject}: it counts as neutral, 0 points. "
                "Classify it with the buttons below or the context menu."
            )
        return f"{row.subject}: {row.category} under rule '{row.rule_id}'"
