"""The goals table: each goal's progress in the current period as a bar, its streak and bonus.

Numbers come from ``services.queries.summary().goals`` (the core's verdicts);
an "at most" goal shows how much of its budget is used and is met only once
its period is over.
"""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QWidget

from human_pretraining.core.model import Goal, GoalKind, Period, format_points
from human_pretraining.gui.widgets.entry_table import EntryTable
from human_pretraining.gui.widgets.table_items import text_item
from human_pretraining.services.queries import GoalStatus

HEADERS = ("Goal", "This period", "Streak", "Bonus")
UNITS = {
    GoalKind.MINUTES: "min",
    GoalKind.MAX_MINUTES: "min",
    GoalKind.WORDS: "words",
    GoalKind.TASKS: "tasks",
}


def describe(goal: Goal) -> str:
    """What the goal asks, in words: "at least 120 min of focus a day"."""
    when = "a day" if goal.period is Period.DAY else "a week"
    unit = UNITS[goal.kind]
    of = f" of {goal.category.value}" if goal.category else ""
    least = "at most" if goal.kind is GoalKind.MAX_MINUTES else "at least"
    return f"{least} {goal.target:,} {unit}{of} {when}"


def progress_text(status: GoalStatus) -> str:
    p = status.progress
    text = f"{p.value:,} / {p.goal.target:,} {UNITS[p.goal.kind]}"
    if p.met:
        return text + " · met"
    if p.goal.kind is GoalKind.MAX_MINUTES:
        return text + (" · over budget" if p.value > p.goal.target else " · judged when over")
    return text


class GoalTable(EntryTable[Goal]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Goals", HEADERS, stretch=(0, 1), parent=parent)
        self._bars: dict[str, QProgressBar] = {}

    def show_goals(self, statuses: tuple[GoalStatus, ...]) -> None:
        selected = self.selected_entry()
        self._set_entries([s.progress.goal for s in statuses])
        self._bars = {}
        for row, status in enumerate(statuses):
            goal = status.progress.goal
            self.setItem(row, 0, text_item(goal.name, tooltip=describe(goal)))
            self.setCellWidget(row, 1, self._create_bar(status))
            streak = status.streak
            unit = "day" if goal.period is Period.DAY else "week"
            self.setItem(row, 2, text_item(f"{streak} {unit}{'' if streak == 1 else 's'}"))
            self.setItem(row, 3, text_item(f"+{format_points(goal.bonus)}", numeric=True))
        self._reselect(selected)

    def _create_bar(self, status: GoalStatus) -> QProgressBar:
        goal = status.progress.goal
        bar = QProgressBar()
        bar.setRange(0, 1000)
        bar.setValue(round(status.progress.fraction * 1000))
        bar.setFormat(progress_text(status))
        bar.setAccessibleName(f"{goal.name} progress")
        bar.setToolTip(describe(goal))
        self._bars[goal.name] = bar
        return bar

    def bar(self, name: str) -> QProgressBar:
        return self._bars[name]
