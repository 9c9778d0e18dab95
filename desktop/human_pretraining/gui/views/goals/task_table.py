"""The tasks table: name, what it pays, how often, and a "Done +N" button per task.

A task that has already paid for its period shows its button disabled, with
the reason both as the button's tooltip and as visible text in the row.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from human_pretraining.core.model import Repeat, Task, format_points
from human_pretraining.gui.widgets.entry_table import EntryTable
from human_pretraining.gui.widgets.table_items import text_item
from human_pretraining.services.history import TaskStatus

REPEAT_TEXT = {Repeat.DAILY: "daily", Repeat.ONCE: "once", Repeat.ANY: "every time"}
HEADERS = ("Task", "Points", "Pays", "", "Status")


class TaskTable(EntryTable[Task]):
    doneClicked = Signal(str)  # the task's name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Tasks", HEADERS, stretch=(0, 4), fit=range(1, 4), parent=parent)

    def show_tasks(self, statuses: list[TaskStatus]) -> None:
        selected = self.selected_entry()
        same = self._set_entries([s.task for s in statuses])
        for row, status in enumerate(statuses):
            task = status.task
            self.setItem(row, 0, text_item(task.name))
            self.setItem(row, 1, text_item(format_points(task.points), numeric=True))
            self.setItem(row, 2, text_item(REPEAT_TEXT[task.repeat]))
            text = f"Done +{format_points(task.points)}"
            button = self._row_button(row, 3, task.name, text, self.doneClicked, same=same)
            button.setAccessibleName(f"Check off {task.name}")
            button.setEnabled(not status.done)
            button.setToolTip(status.reason or f"Check off '{task.name}' for its points")
            button.setAccessibleDescription(status.reason)
            self.setItem(row, 4, text_item(status.reason))
        self._reselect(selected)

    def done_button(self, name: str) -> QPushButton:
        return self._buttons[name]
