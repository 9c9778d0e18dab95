"""Adding or editing a reward: name, cost, an optional daily limit, and what it is.

A plain reward is anything the user grants themselves ("One episode"); an
allowance also unlocks N minutes of a site or of a whole category, during
which that time costs nothing (the file's ``minutes`` with ``site`` or
``category``). Only the fields that apply to the chosen kind are enabled.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QWidget

from human_pretraining.core.model import MILLI, Category, Reward
from human_pretraining.gui.entry_dialog import Entry, EntryDialog, Save, points_box, spin_points

PLAIN, SITE, CATEGORY = "plain", "site", "category"
KINDS = (
    (PLAIN, "A plain reward"),
    (SITE, "Minutes of a site (allowance)"),
    (CATEGORY, "Minutes of a category (allowance)"),
)


class RewardDialog(EntryDialog):
    def __init__(
        self, save: Save, reward: Reward | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("Edit reward" if reward else "Add reward", save, parent)
        self.name_edit = QLineEdit(reward.name if reward else "")
        self.name_edit.setAccessibleName("Reward name")
        self.name_edit.setPlaceholderText("e.g. One episode")
        self.cost_spin = points_box("Cost in points", reward.cost / MILLI if reward else 50)
        self.limit_spin = QSpinBox()
        self.limit_spin.setAccessibleName("Daily limit")
        self.limit_spin.setRange(0, 1000)
        self.limit_spin.setSpecialValueText("no limit")
        self.limit_spin.setValue(reward.daily_limit or 0 if reward else 0)
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Kind of reward")
        for kind, label in KINDS:
            self.kind_combo.addItem(label, kind)
        self.minutes_spin = QSpinBox()
        self.minutes_spin.setAccessibleName("Minutes")
        self.minutes_spin.setRange(1, 24 * 60)
        self.minutes_spin.setValue(reward.minutes if reward and reward.minutes else 30)
        self.site_edit = QLineEdit(reward.site or "" if reward else "")
        self.site_edit.setAccessibleName("Site")
        self.site_edit.setPlaceholderText("e.g. youtube.com")
        self.category_combo = QComboBox()
        self.category_combo.setAccessibleName("Category")
        for category in Category:
            self.category_combo.addItem(category.value, category.value)
        self.category_combo.setCurrentIndex(
            self.category_combo.findData(
                reward.category.value if reward and reward.category else Category.DISTRACTION.value
            )
        )
        if reward is not None and reward.is_allowance:
            self.kind_combo.setCurrentIndex(
                self.kind_combo.findData(SITE if reward.site else CATEGORY)
            )
        self.form.addRow("&Name", self.name_edit)
        self.form.addRow("&Cost", self.cost_spin)
        self.form.addRow("Daily &limit", self.limit_spin)
        self.form.addRow("&What it is", self.kind_combo)
        self.form.addRow("&Minutes", self.minutes_spin)
        self.form.addRow("&Site", self.site_edit)
        self.form.addRow("C&ategory", self.category_combo)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self._on_kind_changed()

    @Slot()
    def _on_kind_changed(self) -> None:
        kind = self.kind_combo.currentData()
        self.minutes_spin.setEnabled(kind != PLAIN)
        self.site_edit.setEnabled(kind == SITE)
        self.category_combo.setEnabled(kind == CATEGORY)

    def entry(self) -> Entry:
        entry: Entry = {
            "name": self.name_edit.text().strip(),
            "cost": spin_points(self.cost_spin.value()),
        }
        if self.limit_spin.value():
            entry["daily_limit"] = self.limit_spin.value()
        kind = self.kind_combo.currentData()
        if kind != PLAIN:
            entry["minutes"] = self.minutes_spin.value()
        if kind == SITE:
            entry["site"] = self.site_edit.text().strip()
        elif kind == CATEGORY:
            entry["category"] = self.category_combo.currentData()
        return entry
