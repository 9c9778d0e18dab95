"""The Goals & tasks view: check off tasks for points, see each goal's progress and streak,
and add, edit or delete tasks and goals (written to the config file, comments kept).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from human_pretraining.config.errors import ConfigError
from human_pretraining.core.model import format_points
from human_pretraining.gui.confirm import Confirm, ask
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.goal_dialog import GoalDialog
from human_pretraining.gui.goal_table import GoalTable
from human_pretraining.gui.lazy_refresh import LazyRefresh
from human_pretraining.gui.message_line import MessageLine
from human_pretraining.gui.task_dialog import TaskDialog
from human_pretraining.gui.task_table import TaskTable
from human_pretraining.gui.views.base import View
from human_pretraining.services.economy import AlreadyDone, NotFound
from human_pretraining.services.history import History


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    return button


class GoalsView(View):
    title = "Goals & tasks"

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._history = History(ctx.services.deps)
        self.confirm: Confirm = ask
        self._balance = QLabel()
        self._balance.setAccessibleName("Balance")
        font = QFont(self._balance.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self._balance.setFont(font)
        self._message = MessageLine()
        self.tasks = TaskTable()
        self.goals = GoalTable()
        self._add_task = _button("&Add task…", "Add task")
        self._edit_task = _button("&Edit task…", "Edit task")
        self._delete_task = _button("Delete tas&k", "Delete task")
        self._add_goal = _button("Add &goal…", "Add goal")
        self._edit_goal = _button("Edit goa&l…", "Edit goal")
        self._delete_goal = _button("Delete g&oal", "Delete goal")
        layout = QVBoxLayout(self)
        layout.addWidget(self._balance)
        layout.addWidget(self._message)
        layout.addWidget(
            self._create_group(
                "Tasks", self.tasks, (self._add_task, self._edit_task, self._delete_task)
            ),
            1,
        )
        layout.addWidget(
            self._create_group(
                "Goals", self.goals, (self._add_goal, self._edit_goal, self._delete_goal)
            ),
            1,
        )
        self._lazy = LazyRefresh(self, self.refresh)
        self.tasks.doneClicked.connect(self._on_done)
        self._add_task.clicked.connect(self.add_task)
        self._edit_task.clicked.connect(self.edit_task)
        self._delete_task.clicked.connect(self.delete_task)
        self._add_goal.clicked.connect(self.add_goal)
        self._edit_goal.clicked.connect(self.edit_goal)
        self._delete_goal.clicked.connect(self.delete_goal)
        self.tasks.itemSelectionChanged.connect(self._update_buttons)
        self.goals.itemSelectionChanged.connect(self._update_buttons)
        self.tasks.doubleClicked.connect(self.edit_task)
        self.goals.doubleClicked.connect(self.edit_goal)
        ctx.bridge.ledgerChanged.connect(self._lazy.changed)
        ctx.bridge.configChanged.connect(self._lazy.changed)
        self._update_buttons()

    def _create_group(
        self, title: str, table: QWidget, buttons: tuple[QPushButton, ...]
    ) -> QGroupBox:
        group = QGroupBox(title)
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(group)
        layout.addWidget(table)
        layout.addLayout(row)
        return group

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._lazy.shown()

    @property
    def balance_text(self) -> str:
        return self._balance.text()

    @property
    def message(self) -> str:
        return "" if self._message.isHidden() else self._message.text

    @Slot()
    def refresh(self) -> None:
        summary = self._ctx.services.queries.summary()
        self._balance.setText(f"Balance: {format_points(summary.balance)} points")
        self.tasks.show_tasks(self._history.task_status())
        self.goals.show_goals(summary.goals)
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        task = self.tasks.selected_task() is not None
        goal = self.goals.selected_goal() is not None
        self._edit_task.setEnabled(task)
        self._delete_task.setEnabled(task)
        self._edit_goal.setEnabled(goal)
        self._delete_goal.setEnabled(goal)

    # ------------------------------------------------------------------ tasks

    @Slot(str)
    def _on_done(self, name: str) -> None:
        try:
            done = self._ctx.services.economy.complete_task(name)
        except (AlreadyDone, NotFound) as exc:
            self._message.show_error(str(exc))
        else:
            self._message.show_info(
                f"'{done.task}' checked off: +{format_points(done.points)}. "
                f"Balance: {format_points(done.balance)} points."
            )
            self._ctx.settle_soon()  # goal bonuses and badges follow from settling
        self.refresh()

    @Slot()
    def add_task(self) -> TaskDialog:
        dialog = TaskDialog(self._ctx.services.config_file.add_task, parent=self)
        dialog.open()
        return dialog

    @Slot()
    def edit_task(self) -> TaskDialog | None:
        task = self.tasks.selected_task()
        if task is None:
            return None
        config_file = self._ctx.services.config_file
        dialog = TaskDialog(lambda e: config_file.replace_task(task.name, e), task, parent=self)
        dialog.open()
        return dialog

    @Slot()
    def delete_task(self) -> None:
        task = self.tasks.selected_task()
        if task is None:
            return
        question = f"Delete the task '{task.name}'? Points it already paid stay in your history."
        if self.confirm(self, "Delete task", question):
            self._write(lambda: self._ctx.services.config_file.remove_task(task.name))

    # ------------------------------------------------------------------ goals

    @Slot()
    def add_goal(self) -> GoalDialog:
        dialog = GoalDialog(self._ctx.services.config_file.add_goal, parent=self)
        dialog.open()
        return dialog

    @Slot()
    def edit_goal(self) -> GoalDialog | None:
        goal = self.goals.selected_goal()
        if goal is None:
            return None
        config_file = self._ctx.services.config_file
        dialog = GoalDialog(lambda e: config_file.replace_goal(goal.name, e), goal, parent=self)
        dialog.open()
        return dialog

    @Slot()
    def delete_goal(self) -> None:
        goal = self.goals.selected_goal()
        if goal is None:
            return
        question = f"Delete the goal '{goal.name}'? Bonuses it already paid stay."
        if self.confirm(self, "Delete goal", question):
            self._write(lambda: self._ctx.services.config_file.remove_goal(goal.name))

    def _write(self, change: Callable[[], object]) -> None:
        try:
            change()
        except ConfigError as exc:
            self._message.show_error(str(exc))
            return
        self._message.clear()
        self.refresh()
