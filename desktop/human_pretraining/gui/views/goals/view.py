"""The Goals & tasks view: check off tasks for points, see each goal's progress and streak,
and add, edit or delete tasks and goals (written to the config file, comments kept).
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from human_pretraining.core.model import Goal, Task, format_points
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.balance_view import BalanceView
from human_pretraining.gui.views.goals.goal_dialog import GoalDialog
from human_pretraining.gui.views.goals.goal_table import GoalTable
from human_pretraining.gui.views.goals.task_dialog import TaskDialog
from human_pretraining.gui.views.goals.task_table import TaskTable
from human_pretraining.gui.widgets.config_entries import ConfigEntries
from human_pretraining.services.economy import AlreadyDone, NotFound


class GoalsView(BalanceView):
    title = "Goals & tasks"

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.tasks = TaskTable()
        self.goals = GoalTable()
        self._add_task = self._create_button("&Add task…", "Add task")
        self._edit_task = self._create_button("&Edit task…", "Edit task")
        self._delete_task = self._create_button("Delete tas&k", "Delete task")
        self._add_goal = self._create_button("Add &goal…", "Add goal")
        self._edit_goal = self._create_button("Edit goa&l…", "Edit goal")
        self._delete_goal = self._create_button("Delete g&oal", "Delete goal")
        tasks = self._create_group(
            "Tasks", self.tasks, self._add_task, self._edit_task, self._delete_task
        )
        self._layout.addWidget(tasks, 1)
        goals = self._create_group(
            "Goals", self.goals, self._add_goal, self._edit_goal, self._delete_goal
        )
        self._layout.addWidget(goals, 1)
        config_file = ctx.services.config_file
        self._task_entries = ConfigEntries[Task, TaskDialog](
            self,
            self._message,
            self.refresh,
            noun="task",
            kept="Points it already paid stay in your history.",
            dialog=TaskDialog,
            add=config_file.add_task,
            replace=config_file.replace_task,
            remove=config_file.remove_task,
        )
        self._goal_entries = ConfigEntries[Goal, GoalDialog](
            self,
            self._message,
            self.refresh,
            noun="goal",
            kept="Bonuses it already paid stay.",
            dialog=GoalDialog,
            add=config_file.add_goal,
            replace=config_file.replace_goal,
            remove=config_file.remove_goal,
        )
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
        self._update_buttons()

    @Slot()
    def refresh(self) -> None:
        summary = self._ctx.services.queries.summary()
        self._balance.show_balance(summary.balance)
        self.tasks.show_tasks(self._history.task_status())
        self.goals.show_goals(summary.goals)
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        task = self.tasks.selected_entry() is not None
        goal = self.goals.selected_entry() is not None
        self._edit_task.setEnabled(task)
        self._delete_task.setEnabled(task)
        self._edit_goal.setEnabled(goal)
        self._delete_goal.setEnabled(goal)

    # ------------------------------------------------------------------ tasks

    @Slot(str)
    def _on_done(self, name: str) -> None:
        try:
            done = self._ctx.services.spending.complete_task(name)
        except (AlreadyDone, NotFound) as exc:
            self._message.show_error(str(exc))
        else:
            self._message.show_info(
                f"'{done.task}' checked off: +{format_points(done.points)}. "
                f"Balance: {format_points(done.balance)} points."
            )
        self.refresh()

    @Slot()
    def add_task(self) -> TaskDialog:
        return self._task_entries.add()

    @Slot()
    def edit_task(self) -> TaskDialog | None:
        return self._task_entries.edit(self.tasks.selected_entry())

    @Slot()
    def delete_task(self) -> None:
        self._task_entries.delete(self.tasks.selected_entry(), self.confirm)

    # ------------------------------------------------------------------ goals

    @Slot()
    def add_goal(self) -> GoalDialog:
        return self._goal_entries.add()

    @Slot()
    def edit_goal(self) -> GoalDialog | None:
        return self._goal_entries.edit(self.goals.selected_entry())

    @Slot()
    def delete_goal(self) -> None:
        self._goal_entries.delete(self.goals.selected_entry(), self.confirm)
