"""The Rules view over a real app and config file: add, edit, reorder, delete, errors, test box.

Every change is checked in the file itself (comments elsewhere kept) and against
``human-pretraining rules check``, which reads the file afresh.
"""

from __future__ import annotations

import io
import tomllib
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
)
from pytestqt.qtbot import QtBot

from human_pretraining import cli
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.main_window import MainWindow
from human_pretraining.gui.views.rules.rule_dialog import RuleDialog
from human_pretraining.gui.views.rules.view import RulesView
from human_pretraining.gui.widgets.message_line import MessageLine
from human_pretraining.services.context import App
from tests.conftest import NOW
from tests.services.test_ingest_and_settle import heartbeats

NEW_RULE = """[[rules]]
id = "site:news.example.org"
site = "news.example.org"
category = "distraction"
rate = -3
daily_cap = 60
enforcement = "nudge"

"""


def open_view(ctx: GuiContext, qtbot: QtBot) -> RulesView:
    view = RulesView(ctx)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()  # so keyboard shortcuts reach it
    qtbot.waitUntil(view.isActiveWindow, timeout=2000)
    return view


def table(view: RulesView) -> QTableView:
    found = view.findChild(QTableView)
    assert found is not None
    return found


def rows(view: RulesView) -> list[tuple[str, ...]]:
    model = table(view).model()
    return [
        tuple(str(model.index(r, c).data()) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def ids(view: RulesView) -> list[str]:
    return [row[0] for row in rows(view)]


def button(view: RulesView, name: str) -> QPushButton:
    return next(b for b in view.findChildren(QPushButton) if b.accessibleName() == name)


def click(qtbot: QtBot, widget: QPushButton) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_rule(view: RulesView, qtbot: QtBot, rule_id: str) -> None:
    grid = table(view)
    grid.scrollTo(grid.model().index(ids(view).index(rule_id), 0))
    rect = grid.visualRect(grid.model().index(ids(view).index(rule_id), 0))
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def line(dialog: RuleDialog, name: str) -> QLineEdit:
    found = dialog.field(name)
    assert isinstance(found, QLineEdit)
    return found


def combo(dialog: RuleDialog, name: str) -> QComboBox:
    found = dialog.field(name)
    assert isinstance(found, QComboBox)
    return found


def type_into(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def press_ok(qtbot: QtBot, dialog: RuleDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    click(qtbot, box.button(QDialogButtonBox.StandardButton.Ok))  # type: ignore[arg-type]


def rules_check(*args: str) -> str:
    out = io.StringIO()
    assert cli.main(["rules", "check", *args], out=out) == 0
    return out.getvalue()


def message(view: RulesView) -> MessageLine:
    found = view.findChild(MessageLine)
    assert found is not None
    return found


def fill_new_site_rule(view: RulesView, qtbot: QtBot) -> RuleDialog:
    click(qtbot, button(view, "Add rule"))
    dialog = view.dialog
    assert dialog is not None and dialog.windowTitle() == "Add rule"
    combo(dialog, "kind").setCurrentText("site")
    qtbot.keyClicks(line(dialog, "pattern"), "https://news.example.org/")
    combo(dialog, "category").setCurrentText("distraction")
    type_into(qtbot, line(dialog, "rate"), "-3")
    qtbot.keyClicks(line(dialog, "daily_cap"), "60")
    combo(dialog, "enforcement").setCurrentText("nudge")
    return dialog


def test_the_table_lists_the_rules_in_file_order(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = open_view(ctx, qtbot)
    assert ids(view) == [r.id for r in app.config().rules]
    assert rows(view)[0] == (
        "youtube-shorts",
        "site youtube.com/shorts",
        "distraction",
        "-4",
        "none",
        "nudge",
        "always",
    )
    vscode = rows(view)[ids(view).index("vscode")]
    assert vscode[1:5] == (
        "app code, Code.exe, Visual Studio Code, com.microsoft.VSCode",
        "focus",
        "+1",
        "240",
    )
    writer = rows(view)[ids(view).index("libreoffice-writer")]
    assert writer[1].endswith("(title ~ LibreOffice Writer)")


def test_a_rule_added_in_the_dialog_lands_in_the_file_and_rules_check_agrees(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    view = open_view(ctx, qtbot)
    before = app.config_file.read_text()
    assert "no rule matches" in rules_check("https://news.example.org/today")

    dialog = fill_new_site_rule(view, qtbot)
    with qtbot.waitSignal(ctx.bridge.configChanged, timeout=2000):
        press_ok(qtbot, dialog)

    assert view.dialog is None  # closed on success
    text = app.config_file.read_text()
    assert NEW_RULE in text
    assert text.replace(NEW_RULE, "", 1) == before  # every comment and value elsewhere kept
    assert ids(view)[-1] == "site:news.example.org"
    assert "Rule 'site:news.example.org' added" in message(view).text
    out = rules_check("https://news.example.org/today")
    assert "category     distraction" in out
    assert "rate         -3 points/min" in out
    assert "enforcement  nudge" in out
    assert "site:news.example.org: site news.example.org → distraction" in out


def test_the_running_tracker_scores_with_a_rule_as_soon_as_it_is_saved(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    start = NOW - timedelta(hours=2)
    app.ingestor.ingest(heartbeats("news.example.org/today", start, 10, "web"))
    app.settler.settle()
    view = open_view(ctx, qtbot)
    dialog = fill_new_site_rule(view, qtbot)
    press_ok(qtbot, dialog)
    # The tracker keeps reporting; the next settlement re-scores the day with the new rule.
    app.ingestor.ingest(
        heartbeats("news.example.org/today", start + timedelta(minutes=10), 1, "web")
    )
    app.settler.settle()
    [row] = app.queries.usage(app.queries.today(), app.queries.today())
    assert (row.category, row.rule_id) == ("distraction", "site:news.example.org")
    assert row.points == -3 * 11 * 1000


def test_edit_reorder_and_delete_round_trip_through_the_file(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    view = open_view(ctx, qtbot)
    original = app.config_file.read_text()

    # Edit: double-click opens the dialog filled in; only the rate changes in the file.
    grid = table(view)
    rect = grid.visualRect(grid.model().index(ids(view).index("reddit"), 1))
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = view.dialog
    assert dialog is not None and dialog.windowTitle() == "Edit rule"
    assert line(dialog, "pattern").text() == "reddit.com"
    assert line(dialog, "rate").text() == "-2"
    type_into(qtbot, line(dialog, "rate"), "-2.5")
    combo(dialog, "category").setCurrentText("distraction")
    box = dialog.findChild(QCheckBox, "day_sat")
    assert box is not None
    box.setChecked(True)
    type_into(qtbot, line(dialog, "hours"), "10:00-18:00")
    press_ok(qtbot, dialog)
    edited = app.config_file.read_text()
    assert (
        '[[rules]]\nid = "reddit"\nsite = "reddit.com"\ncategory = "distraction"\nrate = -2.5\n'
        'schedule = {days = ["sat"], hours = "10:00-18:00"}\n'
    ) in edited
    assert edited.count("\n") == original.count("\n") + 1
    assert "rate         -2.5 points/min" in rules_check("reddit.com", "--site")
    assert rows(view)[ids(view).index("reddit")][3:] == ("-2.5", "none", "track", "sat 10:00-18:00")

    # Reorder: the comment above "youtube" travels with it.
    click_rule(view, qtbot, "youtube")
    position = ids(view).index("youtube")
    click(qtbot, button(view, "Move rule up"))
    assert ids(view).index("youtube") == position - 1
    table(view).setFocus()  # the keys act on the table
    qtbot.keyClick(table(view), Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert ids(view).index("youtube") == position - 2
    assert [r.id for r in app.config().rules] == ids(view)
    text = app.config_file.read_text()
    assert text.index("Long videos can be lectures too") < text.index('id = "youtube"\n')
    assert text.index('id = "youtube"\n') < text.index('id = "netflix"\n')
    qtbot.keyClick(table(view), Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    click(qtbot, button(view, "Move rule down"))
    assert ids(view).index("youtube") == position

    # Delete: asks first; "No" keeps it, "Yes" removes it and its comment.
    click_rule(view, qtbot, "youtube")
    table(view).setFocus()
    qtbot.keyClick(table(view), Qt.Key.Key_Delete)
    confirm = view.confirmation
    assert confirm is not None and "Delete the rule 'youtube'" in confirm.text()
    click(qtbot, confirm.button(QMessageBox.StandardButton.No))  # type: ignore[arg-type]
    assert "youtube" in [r.id for r in app.config().rules]
    click(qtbot, button(view, "Delete rule"))
    confirm = view.confirmation
    assert confirm is not None
    with qtbot.waitSignal(ctx.bridge.configChanged, timeout=2000):
        click(qtbot, confirm.button(QMessageBox.StandardButton.Yes))  # type: ignore[arg-type]
    assert "youtube" not in [r.id for r in app.config().rules]
    qtbot.waitUntil(lambda: "youtube" not in ids(view), timeout=2000)
    text = app.config_file.read_text()
    assert "Long videos can be lectures too" not in text
    assert "no rule matches" in rules_check("https://www.youtube.com/watch?v=1")
    assert "# Human Pretraining: your reward model" in text
    assert tomllib.loads(text)["rules"][0]["id"] == "youtube-shorts"


def test_bad_values_are_shown_inline_and_nothing_is_written(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    view = open_view(ctx, qtbot)
    before = app.config_file.read_text()
    dialog = fill_new_site_rule(view, qtbot)
    type_into(qtbot, line(dialog, "rate"), "abc")
    press_ok(qtbot, dialog)
    assert dialog.error("rate") == "must be a number, e.g. -3 or 1.5, got 'abc'"
    assert view.dialog is dialog  # still open, with everything typed
    assert line(dialog, "pattern").text() == "https://news.example.org/"
    assert app.config_file.read_text() == before

    type_into(qtbot, line(dialog, "rate"), "-3")
    line(dialog, "pattern").clear()
    press_ok(qtbot, dialog)
    assert dialog.error("rate") == ""
    assert dialog.error("pattern").startswith("is required: a domain")
    assert app.config_file.read_text() == before

    type_into(qtbot, line(dialog, "pattern"), "reddit.com")
    line(dialog, "id").setText("youtube")
    press_ok(qtbot, dialog)
    assert "already has the id 'youtube'" in dialog.error("id")
    type_into(qtbot, line(dialog, "hours"), "9-5")
    line(dialog, "id").clear()
    press_ok(qtbot, dialog)
    assert "09:00-17:00" in dialog.error("schedule")
    assert app.config_file.read_text() == before

    dialog.reject()
    assert view.dialog is None
    assert app.config_file.read_text() == before


def test_a_broken_file_is_never_rewritten(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = open_view(ctx, qtbot)
    broken = app.config_file.read_text() + "\n[[rules]]\nsite = 3\n"
    app.config_file.path.write_text(broken, encoding="utf-8")
    dialog = fill_new_site_rule(view, qtbot)
    press_ok(qtbot, dialog)
    assert "fix this in the file first" in dialog.error("form")
    assert app.config_file.read_text() == broken
    dialog.reject()
    click_rule(view, qtbot, "reddit")
    click(qtbot, button(view, "Move rule up"))
    assert message(view).is_error and "Not moved" in message(view).text
    assert app.config_file.read_text() == broken


def test_kind_specific_fields_follow_the_kind(ctx: GuiContext, qtbot: QtBot) -> None:
    view = open_view(ctx, qtbot)
    click(qtbot, button(view, "Add rule"))
    dialog = view.dialog
    assert dialog is not None
    combo(dialog, "kind").setCurrentText("app")
    assert line(dialog, "title").isEnabled() and not combo(dialog, "enforcement").isEnabled()
    assert "Code.exe" in line(dialog, "pattern").placeholderText()
    combo(dialog, "kind").setCurrentText("site")
    assert not line(dialog, "title").isEnabled() and combo(dialog, "enforcement").isEnabled()
    # A new rule takes its category's usual rate and cap until one is typed.
    combo(dialog, "category").setCurrentText("learning")
    assert (line(dialog, "rate").text(), line(dialog, "daily_cap").text()) == ("2", "120")
    combo(dialog, "category").setCurrentText("distraction")
    assert (line(dialog, "rate").text(), line(dialog, "daily_cap").text()) == ("-2", "")
    type_into(qtbot, line(dialog, "rate"), "-5")
    combo(dialog, "category").setCurrentText("focus")
    assert (line(dialog, "rate").text(), line(dialog, "daily_cap").text()) == ("-5", "240")
    dialog.reject()


def test_the_test_box_names_the_rule_a_url_or_an_app_hits(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    view = open_view(ctx, qtbot)
    target = view.findChild(QLineEdit, "test_target")
    assert target is not None
    qtbot.keyClicks(target, "https://www.youtube.com/shorts/abc")
    result = view.tester.result
    assert result.startswith("web youtube.com/shorts/abc → rule 'youtube-shorts'")
    assert "also matches 'youtube'" in result
    assert "youtube-shorts" in rules_check("https://www.youtube.com/shorts/abc")

    target.clear()
    qtbot.keyClicks(target, "Code.exe")
    assert view.tester.result.startswith("app Code.exe → rule 'vscode': app code")

    target.clear()
    qtbot.keyClicks(target, "news.example.org")
    assert view.tester.result == "web news.example.org: no rule matches → neutral, 0 points/min"
    dialog = fill_new_site_rule(view, qtbot)
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: "site:news.example.org" in view.tester.result, timeout=2000)

    target.clear()
    qtbot.keyClicks(target, "ftp://x.org")
    assert view.tester.result.startswith("Not a site or app this can match: only http")


def test_the_view_is_in_the_window(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.current_view(), RulesView)


def test_add_and_edit_are_reachable_from_the_keyboard(ctx: GuiContext, qtbot: QtBot) -> None:
    view = open_view(ctx, qtbot)
    table(view).setFocus()
    qtbot.keyClick(table(view), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = view.dialog
    assert dialog is not None and dialog.windowTitle() == "Add rule"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert view.dialog is None
    click_rule(view, qtbot, "github")
    table(view).setFocus()
    qtbot.keyClick(table(view), Qt.Key.Key_Return)
    dialog = view.dialog
    assert dialog is not None and dialog.windowTitle() == "Edit rule"
    assert line(dialog, "pattern").text() == "github.com"
    assert line(dialog, "daily_cap").text() == "120"
    dialog.reject()
