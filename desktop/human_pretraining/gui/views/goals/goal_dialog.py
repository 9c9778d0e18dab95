"""Adding or editing a goal: what it measures, the target, day or week, and the bonus.

The category field only applies to the two minutes kinds, so it is enabled only
for them (the file refuses a category on a words or tasks goal).
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from human_pretraining.core.model import MILLI, Goal, GoalKind, Period
from human_pretraining.gui.widgets.entry_dialog import (
    CATEGORIES,
    Entry,
    EntryDialog,
    Save,
    combo_box,
    points_box,
    spin_box,
    spin_points,
)

KINDS = (
    (GoalKind.MINUTES.value, "At least … minutes of a category"),
    (GoalKind.MAX_MINUTES.value, "At most … minutes of a category"),
    (GoalKind.WORDS.value, "At least … words written"),
    (GoalKind.TASKS.value, "At least … tasks checked off"),
)
PERIODS = ((Period.DAY.value, "Every day"), (Period.WEEK.value, "Every week (Monday to Sunday)"))


class GoalDialog(EntryDialog):
    def __init__(self, save: Save, goal: Goal | None = None, parent: QWidget | None = None) -> None:
        super().__init__("goal", save, goal.name if goal else None, parent)
        self.kind_combo = combo_box("Goal kind", KINDS, goal.kind.value if goal else None)
        category = goal.category.value if goal and goal.category else None
        self.category_combo = combo_box("Category", CATEGORIES, category)
        self.target_spin = spin_box("Target", 0, 1_000_000, goal.target if goal else 60)
        self.period_combo = combo_box("Period", PERIODS, goal.period.value if goal else None)
        self.bonus_spin = points_box("Bonus points", goal.bonus / MILLI if goal else 10)
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

    def fields(self) -> Entry:
        entry: Entry = {"kind": self.kind_combo.currentData()}
        if self._has_category():
            entry["category"] = self.category_combo.currentData()
        entry["target"] = self.target_spin.value()
        entry["period"] = self.period_combo.currentData()
        entry["bonus"] = spin_points(self.bonus_spin.value())
        return entry
