"""The Rules view's table: one row per rule, in file order (the order breaks ties).

Rows are :class:`~human_pretraining.services.rule_forms.RuleEntry` values, so
the table shows each rule as the file spells it (``code, Code.exe``), with the
id the history and the Activity view use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from human_pretraining.services.rule_forms import RuleEntry

HEADERS = ("Id", "Match", "Category", "Rate (pts/min)", "Daily cap", "Enforcement", "Schedule")
ID, MATCH, CATEGORY, RATE, DAILY_CAP, ENFORCEMENT, SCHEDULE = range(len(HEADERS))

Index = QModelIndex | QPersistentModelIndex


class RulesModel(QAbstractTableModel):
    """The rules in force, read-only (edits go through the dialog and the config file)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[RuleEntry] = []

    def set_entries(self, entries: Sequence[RuleEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entries(self) -> list[RuleEntry]:
        return list(self._entries)

    def entry(self, row: int) -> RuleEntry:
        return self._entries[row]

    def row_of(self, rule_id: str) -> int | None:
        return next((i for i, e in enumerate(self._entries) if e.id == rule_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation is Qt.Orientation.Horizontal:
            return HEADERS[section]
        return str(section + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (RATE, DAILY_CAP):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Rule {entry.id}: {entry.form.match_text} (double-click or Enter to edit)"
        return None

    @staticmethod
    def _text(entry: RuleEntry, column: int) -> str:
        form = entry.form
        if column == ID:
            return entry.id
        if column == MATCH:
            return form.match_text
        if column == CATEGORY:
            return form.category
        if column == RATE:
            return form.rate if form.rate.startswith("-") or form.rate == "0" else f"+{form.rate}"
        if column == DAILY_CAP:
            return form.daily_cap or "none"
        if column == ENFORCEMENT:
            return form.enforcement
        return form.schedule_text
