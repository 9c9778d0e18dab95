"""The Activity view over a real app: a day's rows, day navigation, one-click classification.

Clock: 2026-11-26 15:00 Berlin (tests/conftest.py); activity at 12:00 the same day.
"""

from __future__ import annotations

import io
from datetime import timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QLabel, QPushButton, QTableView
from pytestqt.qtbot import QtBot

from human_pretraining import cli
from human_pretraining.core.model import Category, FolderMatcher
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.main_window import MainWindow
from human_pretraining.gui.views.activity.view import ActivityView
from human_pretraining.gui.widgets.message_line import MessageLine
from human_pretraining.services.classify import DEFAULTS
from human_pretraining.services.context import App
from tests.conftest import NOW
from tests.services.test_ingest_and_settle import heartbeats

T = NOW - timedelta(hours=3)


def open_view(ctx: GuiContext, qtbot: QtBot) -> ActivityView:
    view = ActivityView(ctx)
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def table(view: ActivityView) -> QTableView:
    found = view.findChild(QTableView)
    assert found is not None
    return found


def rows(view: ActivityView) -> list[tuple[str, ...]]:
    """The table as the user reads it, top to bottom."""
    model = table(view).model()
    return [
        tuple(str(model.index(r, c).data()) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def row_of(view: ActivityView, subject: str) -> tuple[str, ...]:
    return next(r for r in rows(view) if r[0] == subject)


def click_row(view: ActivityView, qtbot: QtBot, subject: str) -> None:
    grid = table(view)
    position = next(i for i, r in enumerate(rows(view)) if r[0] == subject)
    rect = grid.visualRect(grid.model().index(position, 0))
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def button(view: ActivityView, name: str) -> QPushButton:
    found = view.findChild(QPushButton, name)
    assert found is not None, name
    return found


def labels(view: ActivityView) -> list[QLabel]:
    return [label for label in view.findChildren(QLabel) if label.isVisible()]


def message(view: ActivityView) -> MessageLine:
    found = view.findChild(MessageLine)
    assert found is not None
    return found


def test_an_unknown_app_is_classified_as_distraction_in_one_click(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    app.ingestor.ingest(heartbeats("slack", T, 20))
    app.ingestor.ingest(heartbeats("code", T + timedelta(minutes=30), 45))
    app.settler.settle()
    view = open_view(ctx, qtbot)

    assert rows(view) == [  # most time first; the unknown app is visibly unclassified
        ("code", "app", "focus", "vscode", "45 min", "+45"),
        ("slack", "app", "unclassified", "no rule", "20 min", "0"),
    ]
    click_row(view, qtbot, "slack")
    distraction = button(view, "classify_distraction")
    assert distraction.isEnabled()
    with qtbot.waitSignal(ctx.bridge.configChanged, timeout=2000):
        qtbot.mouseClick(distraction, Qt.MouseButton.LeftButton)  # the one click
    assert "new rule 'app:slack'" in message(view).text
    assert not message(view).is_error

    with qtbot.waitSignal(ctx.bridge.ledgerChanged, timeout=2000):
        app.settler.settle()  # what the running app's settler does when woken
    qtbot.waitUntil(lambda: row_of(view, "slack")[2] == "distraction", timeout=2000)
    cost = 20 * DEFAULTS[Category.DISTRACTION].rate
    expected = ("slack", "app", "distraction", "app:slack", "20 min", str(cost))
    assert row_of(view, "slack") == expected
    assert cost < 0
    text = app.config_file.read_text()
    assert 'id = "app:slack"\napp = "slack"\ncategory = "distraction"\nrate = -2\n' in text
    out = io.StringIO()
    assert cli.main(["rules", "check", "slack"], out=out) == 0
    assert "category     distraction" in out.getvalue()
    assert f"rate         {cost // 20} points/min" in out.getvalue()
    assert "app:slack" in out.getvalue()


def test_a_known_site_is_reclassified_from_its_context_menu(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    app.ingestor.ingest(heartbeats("reddit.com/r/python", T, 10, "web"))
    app.settler.settle()
    view = open_view(ctx, qtbot)
    assert row_of(view, "reddit.com/r/python")[1:5] == ("site", "distraction", "reddit", "10 min")
    grid = table(view)
    rect = grid.visualRect(grid.model().index(0, 0))
    menu = view.context_menu_at(rect.center())  # what a right click there pops up
    assert menu is not None
    assert [a.text() for a in menu.actions()][1] == "Learning (+2 pts/min, at most 120 a day)"
    learning = menu.actions()[1]
    with qtbot.waitSignal(ctx.bridge.configChanged, timeout=2000):
        learning.trigger()
    app.settler.settle()
    qtbot.waitUntil(lambda: row_of(view, "reddit.com/r/python")[2] == "learning", timeout=2000)
    assert row_of(view, "reddit.com/r/python")[3:] == ("reddit", "10 min", "+20")
    assert len([r for r in app.config().rules if r.id.startswith("site:reddit")]) == 0


def test_output_folders_are_not_classified_here(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    folder = app.config().rules[-1]
    assert folder.id == "notes-folder" and isinstance(folder.matcher, FolderMatcher)
    notes = folder.matcher.path  # the monitor reports the rule's folder, ~ expanded
    app.ingestor.ingest(heartbeats(notes, T, 1, "output", words=100))
    app.settler.settle()
    view = open_view(ctx, qtbot)
    click_row(view, qtbot, notes)
    assert row_of(view, notes)[1:5] == ("folder", "output", "notes-folder", "< 1 min · 100 words")
    assert not button(view, "classify_output").isEnabled()
    assert any("change its rule in the Rules view" in label.text() for label in labels(view))


def test_days_are_chosen_with_buttons_keys_and_the_calendar(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    app.ingestor.ingest(heartbeats("code", T - timedelta(days=2), 30))
    app.ingestor.ingest(heartbeats("slack", T, 5))
    app.settler.settle()
    view = open_view(ctx, qtbot)
    assert [r[0] for r in rows(view)] == ["slack"]
    previous, following, today = (
        next(b for b in view.findChildren(QPushButton) if b.accessibleName() == name)
        for name in ("Previous day", "Next day", "Today")
    )
    assert not following.isEnabled() and not today.isEnabled()  # nothing after today

    qtbot.mouseClick(previous, Qt.MouseButton.LeftButton)
    assert view.day == 20261125 and rows(view) == []
    assert any(label.text() == "Nothing was tracked on this day." for label in labels(view))
    view.activateWindow()  # shortcuts go to the active window
    qtbot.waitUntil(view.isActiveWindow, timeout=2000)
    previous.setFocus()
    qtbot.keyClick(previous, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert view.day == 20261124
    assert [r[0] for r in rows(view)] == ["code"]
    assert any(label.text() == "Total 30 min · +30 points" for label in labels(view))

    date_edit = view.findChild(QDateEdit)
    assert date_edit is not None and date_edit.calendarPopup()
    date_edit.setDate(QDate(2026, 11, 26))  # what picking a day in the calendar does
    assert [r[0] for r in rows(view)] == ["slack"]
    date_edit.setDate(QDate(2026, 12, 24))  # the future cannot be chosen
    assert view.day == 20261126

    qtbot.keyClick(date_edit, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert view.day == 20261126
    qtbot.mouseClick(previous, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(today, Qt.MouseButton.LeftButton)
    assert view.day == 20261126


def test_the_view_follows_new_settlements_while_open(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    view = open_view(ctx, qtbot)
    assert rows(view) == []
    app.ingestor.ingest(heartbeats("code", T, 12))
    with qtbot.waitSignal(ctx.bridge.ledgerChanged, timeout=2000):
        app.settler.settle()
    qtbot.waitUntil(lambda: [r[0] for r in rows(view)] == ["code"], timeout=2000)
    assert row_of(view, "code")[5] == "+12"


def test_a_refused_classification_is_explained_and_loses_nothing(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    app.ingestor.ingest(heartbeats("slack", T, 5))
    app.settler.settle()
    view = open_view(ctx, qtbot)
    broken = app.config_file.read_text() + "\n[[rules]]\nsite = 3\n"
    app.config_file.path.write_text(broken, encoding="utf-8")
    click_row(view, qtbot, "slack")
    qtbot.mouseClick(button(view, "classify_focus"), Qt.MouseButton.LeftButton)
    assert message(view).is_error
    assert "slack was not classified" in message(view).text
    assert "fix this in the file first" in message(view).text
    assert app.config_file.read_text() == broken


def test_the_view_is_in_the_window_and_reachable_by_keyboard(
    window: MainWindow, qtbot: QtBot
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.current_view(), ActivityView)
    grid = window.current_view().findChild(QTableView)
    assert grid is not None and grid.accessibleName() == "Time per app and site"
