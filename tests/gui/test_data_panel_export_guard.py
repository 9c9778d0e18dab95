"""The Data panel's export: a file the user confirmed in the dialog is replaced, the
app's own database never is (the rule lives in the export service, one home)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from human_pretraining.gui.context import GuiContext
from human_pretraining.services.context import App
from tests.gui.test_settings_view import make_view


def export_to(ctx: GuiContext, qtbot: QtBot, target: Path, expected: str) -> str:
    view = make_view(ctx, qtbot)
    panel = view.data
    view.tabs.setCurrentWidget(panel)
    panel.choose_file = lambda *_: str(target)  # the dialog has asked about replacing
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert panel.export_thread is not None
    # Waits on what the user sees: the thread may finish before a wait on its finished
    # signal is connected (it did on a loaded machine).
    qtbot.waitUntil(lambda: expected in panel.message, timeout=10_000)
    return panel.message


def test_a_confirmed_file_is_replaced(
    app: App, ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    target = tmp_path / "old.json"
    target.write_text("old", "utf-8")
    assert "Exported" in export_to(ctx, qtbot, target, "Exported")
    assert '"ledger"' in target.read_text("utf-8")


def test_the_database_is_never_replaced(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    database = app.paths.database_file
    before = database.read_bytes()
    message = export_to(ctx, qtbot, database, "Could not write the export")
    assert "Could not write the export" in message and "the app's own" in message
    assert database.read_bytes() == before
