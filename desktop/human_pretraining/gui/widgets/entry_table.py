"""The shared frame of the tasks, goals and shop tables: one named entry a row, read-only.

A row is selected whole, one at a time, and the selection follows the entry's
name across refreshes. A row may hold a button (Done, Redeem); while the entries
stay the same a refresh updates those buttons in place instead of making new
ones, so the button just clicked keeps the keyboard focus.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QPushButton, QTableWidget, QWidget

from human_pretraining.gui.widgets.config_entries import Named

E = TypeVar("E", bound=Named)


class EntryTable(QTableWidget, Generic[E]):
    """Subclasses fill the rows between :meth:`_set_entries` and :meth:`_reselect`."""

    def __init__(
        self,
        name: str,
        headers: tuple[str, ...],
        *,
        stretch: Iterable[int],
        fit: Iterable[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        """``stretch`` columns share the spare width; ``fit`` columns are as wide as their cells."""
        super().__init__(0, len(headers), parent)
        self.setAccessibleName(name)
        self.setHorizontalHeaderLabels(headers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        for column in fit:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in stretch:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self._entries: list[E] = []
        self._buttons: dict[str, QPushButton] = {}

    def _set_entries(self, entries: list[E]) -> bool:
        """Shows ``entries``, one a row; True when they are the ones already shown."""
        same = entries == self._entries
        self._entries = entries
        if not same:
            self._buttons = {}
            self.setRowCount(len(entries))
        return same

    def _row_button(
        self, row: int, column: int, name: str, text: str, clicked: SignalInstance, *, same: bool
    ) -> QPushButton:
        """The row's button, kept when the rows are the same, else made: a click emits ``name``.

        The caller sets what changes (enabled, tooltip, accessible name and description).
        """
        if same:
            return self._buttons[name]
        button = QPushButton(text)
        button.clicked.connect(lambda: clicked.emit(name))
        self._buttons[name] = button
        self.setCellWidget(row, column, button)
        return button

    def _reselect(self, selected: E | None) -> None:
        if selected is not None:
            self.select_entry(selected.name)

    def selected_entry(self) -> E | None:
        rows = self.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._entries):
            return None
        return self._entries[rows[0].row()]

    def select_entry(self, name: str) -> None:
        for row, entry in enumerate(self._entries):
            if entry.name == name:
                self.selectRow(row)
