"""The tasks table: name, what it pays, how often, and a "Done +N" button per task.

A task that has already paid for its period shows its button disabled, with
the reason both as the button's tooltip and as visible text in the row.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QPushButton, QTableWidget, QWidget

from human_pretraining.core.model import Repeat, Task, format_points
from human_pretraining.gui.table_items import text_item
from human_pretraining.services.history import TaskStatus

REPEAT_TEXT = {Repeat.DAILY: "daily", Repeat.ONCE: "once", Repeat.ANY: "every time"}
HEADERS = ("Task", "Points", "Pays", "", "Status")


class TaskTable(QTableWidget):
    doneClicked = Signal(str)  # the task's name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setAccessibleName("Tasks")
        self.setHorizontalHeaderLabels(HEADERS)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        for column in range(1, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self._tasks: list[Task] = []
        self._buttons: dict[str, QPushButton] = {}

    def show_tasks(self, statuses: list[TaskStatus]) -> None:
        selected = self.selected_task()
        same = [s.task for s in statuses] == self._tasks
        self._tasks = [s.task for s in statuses]
        if not same:
            self._buttons = {}
            self.setRowCount(len(statuses))
        for row, status in enumerate(statuses):
            task = status.task
            self.setItem(row, 0, text_item(task.name))
            self.setItem(row, 1, text_item(format_points(task.points), numeric=True))
            self.setItem(row, 2, text_item(REPEAT_TEXT[task.repeat]))
            if same:
                # Update in place: the button just clicked keeps the keyboard focus.
                self._update_button(self._buttons[task.name], status)
            else:
                self.setCellWidget(row, 3, self._create_button(status))
            self.setItem(row, 4, text_item(status.reason))
            if selected is not None and task.name == selected.name:
                self.selectRow(row)

    def _create_button(self, status: TaskStatus) -> QPushButton:
        name = status.task.name
        button = QPushButton(f"Done +{format_points(status.task.points)}")
        button.setAccessibleName(f"Check off {name}")
        self._update_button(button, status)
        button.clicked.connect(lambda: self.doneClicked.emit(name))
        self._buttons[name] = button
        return button

    def _update_button(self, button: QPushButton, status: TaskStatus) -> None:
        button.setEnabled(not status.done)
        button.setToolTip(status.reason or f"Check off '{status.task.name}' for its points")
        button.setAccessibleDescription(status.reason)

    def done_button(self, name: str) -> QPushButton:
        return self._buttons[name]

    def selected_task(self) -> Task | None:
        rows = self.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._tasks):
            return None
        return self._tasks[rows[0].row()]

    def select_task(self, name: str) -> None:
        for row, task in enumerate(self._tasks):
            if task.name == name:
                self.selectRow(row)
