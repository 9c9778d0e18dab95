"""Adding or editing a reward: name, cost, an optional daily limit, and what it is.

A plain reward is anything the user grants themselves ("One episode"); an
allowance also unlocks N minutes of a site or of a whole category, during
which that time costs nothing (the file's ``minutes`` with ``site`` or
``category``). Only the fields that apply to the chosen kind are enabled.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from human_pretraining.core.model import MILLI, Category, Reward
from human_pretraining.gui.widgets.entry_dialog import (
    CATEGORIES,
    Entry,
    EntryDialog,
    Save,
    combo_box,
    line_edit,
    points_box,
    spin_box,
    spin_points,
)

PLAIN, SITE, CATEGORY = "plain", "site", "category"
KINDS = (
    (PLAIN, "A plain reward"),
    (SITE, "Minutes of a site (allowance)"),
    (CATEGORY, "Minutes of a category (allowance)"),
)


def kind_of(reward: Reward | None) -> str | None:
    """The reward's kind for the form, None (the first, plain) when adding."""
    if reward is None or not reward.is_allowance:
        return None
    return SITE if reward.site else CATEGORY


class RewardDialog(EntryDialog):
    def __init__(
        self, save: Save, reward: Reward | None = None, parent: QWidget | None = None
    ) -> None:
        name = reward.name if reward else None
        super().__init__("reward", save, name, parent, placeholder="e.g. One episode")
        self.cost_spin = points_box("Cost in points", reward.cost / MILLI if reward else 50)
        self.limit_spin = spin_box("Daily limit", 0, 1000, reward.daily_limit or 0 if reward else 0)
        self.limit_spin.setSpecialValueText("no limit")
        self.kind_combo = combo_box("Kind of reward", KINDS, kind_of(reward))
        minutes = reward.minutes if reward and reward.minutes else 30
        self.minutes_spin = spin_box("Minutes", 1, 24 * 60, minutes)
        self.site_edit = line_edit("Site", reward.site or "" if reward else "", "e.g. youtube.com")
        category = reward.category if reward and reward.category else Category.DISTRACTION
        self.category_combo = combo_box("Category", CATEGORIES, category.value)
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

    def fields(self) -> Entry:
        entry: Entry = {"cost": spin_points(self.cost_spin.value())}
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
