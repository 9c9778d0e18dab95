"""One progress bar per goal for its current period, and the streak beside it."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QProgressBar, QWidget

from human_pretraining.core.model import GoalKind
from human_pretraining.services.queries import GoalStatus

UNITS = {
    GoalKind.MINUTES: "min",
    GoalKind.MAX_MINUTES: "min at most",
    GoalKind.WORDS: "words",
    GoalKind.TASKS: "tasks",
}


class GoalBars(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Goals", parent)
        self._grid = QGridLayout(self)
        self.bars: dict[str, QProgressBar] = {}
        self.streaks: dict[str, QLabel] = {}

    def show_goals(self, goals: tuple[GoalStatus, ...]) -> None:
        while (item := self._grid.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        self.bars, self.streaks = {}, {}
        if not goals:
            self._grid.addWidget(QLabel("No goals yet: add one under Goals & tasks."), 0, 0)
            return
        for row, status in enumerate(goals):
            goal = status.progress.goal
            name = QLabel(goal.name)
            bar = QProgressBar()
            bar.setAccessibleName(f"Progress of goal {goal.name}")
            target = max(1, int(goal.target))
            value = int(status.progress.value)
            bar.setRange(0, target)
            bar.setValue(min(target, max(0, value)))
            unit = UNITS[goal.kind]
            period = "today" if goal.period.value == "day" else "this week"
            done = " ✓" if status.progress.met else ""
            bar.setFormat(f"{value} / {int(goal.target)} {unit} {period}{done}")
            streak = QLabel(f"streak {status.streak}" if status.streak else "")
            streak.setToolTip(f"Met {status.streak} {goal.period.value}s in a row")
            self._grid.addWidget(name, row, 0)
            self._grid.addWidget(bar, row, 1)
            self._grid.addWidget(streak, row, 2)
            self.bars[goal.name] = bar
            self.streaks[goal.name] = streak
        self._grid.setColumnStretch(1, 1)
