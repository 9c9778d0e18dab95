"""Goals & tasks: checking off a task raises the balance; tasks and goals edited through dialogs.

Default configuration: "Explain something to someone" pays 30 daily, goal "3 tasks a day".
"""

from __future__ import annotations

import tomllib

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.goals.view import GoalsView
from human_pretraining.gui.widgets.message_line import MessageLine
from human_pretraining.services.context import App


def make_view(ctx: GuiContext, qtbot: QtBot) -> GoalsView:
    view = GoalsView(ctx)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def file_data(app: App) -> dict[str, object]:
    return tomllib.loads(app.config_file.path.read_text("utf-8"))


def test_checking_off_a_task_raises_the_balance_once_a_day(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    view = make_view(ctx, qtbot)
    assert view.balance_text == "Balance: 0 points"
    button = view.tasks.done_button("Explain something to someone")
    assert button.text() == "Done +30" and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert app.queries.balance() == 30_000
    assert view.balance_text == "Balance: 30 points"
    assert "+30" in view.message
    again = view.tasks.done_button("Explain something to someone")
    assert not again.isEnabled()
    assert "tomorrow" in again.toolTip()
    row = next(
        r for r in range(view.tasks.rowCount()) if view.tasks.item(r, 0).text().startswith("Expl")
    )
    assert "tomorrow" in view.tasks.item(row, 4).text()  # the reason is visible, not only a tip
    assert view.tasks.done_button("Read a chapter").isEnabled()


def test_task_goal_progress_follows_the_tasks(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    bar = view.goals.bar("3 tasks a day")
    assert bar.value() == 0 and bar.format().startswith("0 / 3 tasks")
    for name in ("Read a chapter", "Plan tomorrow"):
        qtbot.mouseClick(view.tasks.done_button(name), Qt.MouseButton.LeftButton)
    bar = view.goals.bar("3 tasks a day")
    assert bar.format().startswith("2 / 3 tasks")
    assert bar.value() == round(2 / 3 * 1000)


def test_points_from_elsewhere_show_up_live(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    app.economy.complete_task("Read a chapter")  # e.g. from the tray or the CLI
    qtbot.waitUntil(lambda: view.balance_text == "Balance: 20 points", timeout=2000)
    assert not view.tasks.done_button("Read a chapter").isEnabled()


def test_add_a_task_through_the_dialog(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    dialog = view.add_task()
    qtbot.keyClicks(dialog.name_edit, "Stretch")
    dialog.points_spin.setValue(7.5)
    dialog.repeat_combo.setCurrentIndex(dialog.repeat_combo.findData("any"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    tasks = file_data(app)["tasks"]
    assert isinstance(tasks, list)
    assert tasks[-1] == {"name": "Stretch", "points": 7.5, "repeat": "any"}
    assert "# Feynman" in app.config_file.read_text()  # the user's comments are kept
    qtbot.waitUntil(lambda: "Stretch" in view.tasks._buttons, timeout=2000)
    assert view.tasks.done_button("Stretch").text() == "Done +7.5"


def test_a_bad_task_is_refused_in_the_dialog(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    before = app.config_file.read_text()
    dialog = view.add_task()
    qtbot.keyClicks(dialog.name_edit, "read a chapter")  # names are unique, case aside
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "read a chapter" in dialog.error_text.lower()
    line = dialog.findChild(MessageLine)
    assert line is not None and line.is_error
    assert app.config_file.read_text() == before


def test_edit_and_delete_a_task(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    view.tasks.select_entry("Plan tomorrow")
    dialog = view.edit_task()
    assert dialog is not None and dialog.name_edit.text() == "Plan tomorrow"
    dialog.points_spin.setValue(8)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert app.config().task("Plan tomorrow") is not None
    assert app.config().task("Plan tomorrow").points == 8_000  # type: ignore[union-attr]
    view.refresh()
    view.tasks.select_entry("Plan tomorrow")
    view.confirm = lambda *_: False
    view.delete_task()
    assert app.config().task("Plan tomorrow") is not None
    view.confirm = lambda *_: True
    view.delete_task()
    assert app.config().task("Plan tomorrow") is None
    assert "Plan tomorrow" not in view.tasks._buttons


def test_add_a_week_goal_through_the_dialog(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    dialog = view.add_goal()
    qtbot.keyClicks(dialog.name_edit, "Write a lot")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("words"))
    assert not dialog.category_combo.isEnabled()
    dialog.target_spin.setValue(3000)
    dialog.period_combo.setCurrentIndex(dialog.period_combo.findData("week"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    goals = file_data(app)["goals"]
    assert isinstance(goals, list)
    assert goals[-1] == {
        "name": "Write a lot",
        "kind": "words",
        "target": 3000,
        "period": "week",
        "bonus": 10,
    }
    qtbot.waitUntil(lambda: "Write a lot" in view.goals._bars, timeout=2000)
    assert view.goals.bar("Write a lot").format().startswith("0 / 3,000 words")


def test_deleting_a_task_already_gone_from_the_file_says_why(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    view = make_view(ctx, qtbot)
    view.tasks.select_entry("Plan tomorrow")
    app.config_file.remove_task("Plan tomorrow")  # e.g. the file edited by hand meanwhile
    after = app.config_file.read_text()
    view.confirm = lambda *_: True
    view.delete_task()  # the view still lists it until the change reaches it
    line = view.findChild(MessageLine)
    assert line is not None and line.is_error
    assert "Plan tomorrow" in view.message
    assert app.config_file.read_text() == after
