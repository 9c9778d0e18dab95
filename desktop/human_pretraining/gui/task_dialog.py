"""Adding or editing a task: name, points it pays, and how often (once, daily, every time)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from human_pretraining.core.model import MILLI, Repeat, Task
from human_pretraining.gui.entry_dialog import Entry, EntryDialog, Save, points_box, spin_points

REPEATS = (
    (Repeat.DAILY, "Once a day"),
    (Repeat.ONCE, "Once ever"),
    (Repeat.ANY, "Every time"),
)


class TaskDialog(EntryDialog):
    def __init__(self, save: Save, task: Task | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Edit task" if task else "Add task", save, parent)
        self.name_edit = QLineEdit(task.name if task else "")
        self.name_edit.setAccessibleName("Task name")
        self.name_edit.setPlaceholderText("e.g. Read a chapter")
        self.points_spin = points_box("Points", task.points / MILLI if task else 10)
        self.repeat_combo = QComboBox()
        self.repeat_combo.setAccessibleName("Repeats")
        for repeat, label in REPEATS:
            self.repeat_combo.addItem(label, repeat.value)
        if task is not None:
            self.repeat_combo.setCurrentIndex(self.repeat_combo.findData(task.repeat.value))
        self.form.addRow("&Name", self.name_edit)
        self.form.addRow("&Points", self.points_spin)
        self.form.addRow("&Pays", self.repeat_combo)

    def entry(self) -> Entry:
        return {
            "name": self.name_edit.text().strip(),
            "points": spin_points(self.points_spin.value()),
            "repeat": self.repeat_combo.currentData(),
        }
