"""Adding or editing a goal: what it measures, the target, day or week, and the bonus.

The category field only applies to the two minutes kinds, so it is enabled only
for them (the file refuses a category on a words or tasks goal).
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QWidget

from human_pretraining.core.model import MILLI, Category, Goal, GoalKind, Period
from human_pretraining.gui.entry_dialog import Entry, EntryDialog, Save, points_box, spin_points

KINDS = (
    (GoalKind.MINUTES, "At least … minutes of a category"),
    (GoalKind.MAX_MINUTES, "At most … minutes of a category"),
    (GoalKind.WORDS, "At least … words written"),
    (GoalKind.TASKS, "At least … tasks checked off"),
)
PERIODS = ((Period.DAY, "Every day"), (Period.WEEK, "Every week (Monday to Sunday)"))


class GoalDialog(EntryDialog):
    def __init__(self, save: Save, goal: Goal | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Edit goal" if goal else "Add goal", save, parent)
        self.name_edit = QLineEdit(goal.name if goal else "")
        self.name_edit.setAccessibleName("Goal name")
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Goal kind")
        for kind, label in KINDS:
            self.kind_combo.addItem(label, kind.value)
        self.category_combo = QComboBox()
        self.category_combo.setAccessibleName("Category")
        for category in Category:
            self.category_combo.addItem(category.value, category.value)
        self.target_spin = QSpinBox()
        self.target_spin.setAccessibleName("Target")
        self.target_spin.setRange(0, 1_000_000)
        self.target_spin.setValue(goal.target if goal else 60)
        self.period_combo = QComboBox()
        self.period_combo.setAccessibleName("Period")
        for period, label in PERIODS:
            self.period_combo.addItem(label, period.value)
        self.bonus_spin = points_box("Bonus points", goal.bonus / MILLI if goal else 10)
        if goal is not None:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(goal.kind.value))
            self.period_combo.setCurrentIndex(self.period_combo.findData(goal.period.value))
            if goal.category is not None:
                self.category_combo.setCurrentIndex(
                    self.category_combo.findData(goal.category.value)
                )
        self.form.addRow("&Name", self.name_edit)
        self.form.addRow("&Kind", self.kind_combo)
        self.form.addRow("&Category", self.category_combo)
        self.form.addRow("&Target", self.target_spin)
        self.form.addRow("&Period", self.period_combo)
        self.form.addRow("&Bonus points", self.bonus_spin)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self._on_kind_changed()

    @Slot()
    def _on_kind_changed(self) -> None:
        self.category_combo.setEnabled(self._has_category())

    def _has_category(self) -> bool:
        return self.kind_combo.currentData() in (GoalKind.MINUTES.value, GoalKind.MAX_MINUTES.value)

    def entry(self) -> Entry:
        entry: Entry = {
            "name": self.name_edit.text().strip(),
            "kind": self.kind_combo.currentData(),
        }
        if self._has_category():
            entry["category"] = self.category_combo.currentData()
        entry["target"] = self.target_spin.value()
        entry["period"] = self.period_combo.currentData()
        entry["bonus"] = spin_points(self.bonus_spin.value())
        return entry
