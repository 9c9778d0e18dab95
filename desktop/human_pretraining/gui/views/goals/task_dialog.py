"""Adding or editing a task: name, points it pays, and how often (once, daily, every time)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from human_pretraining.core.model import MILLI, Repeat, Task
from human_pretraining.gui.widgets.entry_dialog import (
    Entry,
    EntryDialog,
    Save,
    combo_box,
    points_box,
    spin_points,
)

REPEATS = (
    (Repeat.DAILY.value, "Once a day"),
    (Repeat.ONCE.value, "Once ever"),
    (Repeat.ANY.value, "Every time"),
)


class TaskDialog(EntryDialog):
    def __init__(self, save: Save, task: Task | None = None, parent: QWidget | None = None) -> None:
        name = task.name if task else None
        super().__init__("task", save, name, parent, placeholder="e.g. Read a chapter")
        self.points_spin = points_box("Points", task.points / MILLI if task else 10)
        self.repeat_combo = combo_box("Repeats", REPEATS, task.repeat.value if task else None)
        self.form.addRow("&Points", self.points_spin)
        self.form.addRow("&Pays", self.repeat_combo)

    def fields(self) -> Entry:
        return {
            "points": spin_points(self.points_spin.value()),
            "repeat": self.repeat_combo.currentData(),
        }
