"""Settings: pairing and revoking, general options in the config file, output folders,
export on a worker thread with progress, delete all data, and the autostart seam.
"""

from __future__ import annotations

import csv
import json
import re
import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.settings.view import SettingsView
from human_pretraining.services.context import App


def make_view(ctx: GuiContext, qtbot: QtBot, **kwargs: object) -> SettingsView:
    view = SettingsView(ctx, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


# ---------------------------------------------------------------------- pairing


def test_pair_shows_a_fresh_code_that_pairs(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    panel = view.pairing
    assert panel.code_text == ""
    qtbot.mouseClick(panel._pair, Qt.MouseButton.LeftButton)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", panel.code_text)
    assert "Valid until 15:05" in panel.hint_text and "port 5747" in panel.hint_text
    token = app.pairing.pair(panel.code_text, "chrome-extension")
    assert app.pairing.authenticate(token) is not None
    qtbot.waitUntil(lambda: panel.client_states() == [("chrome-extension", "active")], timeout=2000)
    assert panel.code_text == ""  # a used code is not left on screen
    assert "Paired with chrome-extension" in panel.hint_text


def test_an_unused_code_expires_on_screen(ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    panel = view.pairing
    panel.new_code()
    assert panel._expiry.isActive() and panel._expiry.remainingTime() > 4 * 60_000
    panel._expiry.timeout.emit()  # what five minutes later looks like
    assert not panel._code.isEnabled()
    assert "expired" in panel.hint_text


def test_revoke_a_paired_client(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    keep = app.pairing.pair(app.pairing.new_code().code, "firefox")
    token = app.pairing.pair(app.pairing.new_code().code, "chrome")
    view = make_view(ctx, qtbot)
    panel = view.pairing
    panel.select_client("chrome")
    questions: list[str] = []

    def say_no(_parent: object, _title: str, text: str) -> bool:
        questions.append(text)
        return False

    panel.confirm = say_no
    qtbot.mouseClick(panel._revoke, Qt.MouseButton.LeftButton)
    assert "Revoke 'chrome'?" in questions[0]
    assert app.pairing.authenticate(token) is not None
    panel.confirm = lambda *_: True
    qtbot.mouseClick(panel._revoke, Qt.MouseButton.LeftButton)
    assert app.pairing.authenticate(token) is None
    assert app.pairing.authenticate(keep) is not None
    states = dict(panel.client_states())
    assert states["firefox"] == "active" and states["chrome"].startswith("revoked")


# ---------------------------------------------------------------------- general


def set_spin(qtbot: QtBot, spin: object, value: int) -> None:
    from PySide6.QtWidgets import QSpinBox

    assert isinstance(spin, QSpinBox)
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, str(value))
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def click_check(qtbot: QtBot, check: object) -> None:
    """Click a check box on its box (a stretched check box only reacts near its text)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QCheckBox

    assert isinstance(check, QCheckBox)
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(6, check.height() // 2))


def test_idle_threshold_goes_to_the_config_file(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    view.tabs.setCurrentWidget(view.general)
    assert view.general.idle_spin.value() == 180
    set_spin(qtbot, view.general.idle_spin, 300)
    assert tomllib.loads(app.config_file.read_text())["settings"]["idle_threshold_s"] == 300
    assert app.settings().idle_threshold_s == 300
    assert "# Seconds without keyboard" in app.config_file.read_text()  # comments kept


def test_privacy_and_port(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    general = view.general
    view.tabs.setCurrentWidget(general)
    click_check(qtbot, general.titles_check)
    assert app.settings().store_titles and not app.settings().store_paths
    set_spin(qtbot, general.port_spin, 6000)
    assert app.settings().port == 6000
    assert "applies after a restart" in general.port_note


def test_a_refused_setting_is_explained(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    general = view.general
    view.tabs.setCurrentWidget(general)
    text = app.config_file.read_text()
    app.config_file.path.write_text(text.replace("port = 5747", "port = 'x'"), "utf-8")
    click_check(qtbot, general.paths_check)
    assert "fix this in the file first" in general.message
    assert not general.paths_check.isChecked()  # back to what the file says


def test_autostart_writes_and_removes_the_login_entry(
    ctx: GuiContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    entry = tmp_path / "xdg" / "autostart" / "human-pretraining.desktop"
    view = make_view(ctx, qtbot)
    check = view.general.autostart_check
    view.tabs.setCurrentWidget(view.general)
    assert check.isVisible() and not check.isChecked()
    click_check(qtbot, check)
    assert check.isChecked()
    assert "gui --hidden" in entry.read_text()  # starts in the tray at login
    click_check(qtbot, check)
    assert not check.isChecked() and not entry.exists()


def test_autostart_that_cannot_be_written_says_why(
    ctx: GuiContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "xdg").mkdir()
    (tmp_path / "xdg" / "autostart").write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    view = make_view(ctx, qtbot)
    view.tabs.setCurrentWidget(view.general)
    assert not view.general.autostart_check.isEnabled()
    assert "Cannot tell whether autostart is on" in view.general._autostart_note.text()
    assert "Not a directory" in view.general._autostart_note.text()


# ---------------------------------------------------------------------- folders


def test_add_and_remove_an_output_folder(
    app: App, ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    view = make_view(ctx, qtbot)
    panel = view.folders
    view.tabs.setCurrentWidget(panel)
    folder = tmp_path / "novel"
    folder.mkdir()
    panel.choose_folder = lambda _parent: str(folder)
    qtbot.mouseClick(panel._add, Qt.MouseButton.LeftButton)
    assert folder.as_posix() in panel.folders()
    rules = tomllib.loads(app.config_file.read_text())["rules"]
    added = next(r for r in rules if r.get("folder") == str(folder))
    assert added["category"] == "output" and added["rate"] == 3
    panel.select_folder(folder.as_posix())
    panel.confirm = lambda *_: True
    qtbot.mouseClick(panel._remove, Qt.MouseButton.LeftButton)
    assert folder.as_posix() not in panel.folders()
    assert str(folder) not in app.config_file.read_text()


# ---------------------------------------------------------------------- data


def test_data_location_and_open_folder(app: App, ctx: GuiContext, qtbot: QtBot) -> None:
    view = make_view(ctx, qtbot)
    view.tabs.setCurrentWidget(view.data)
    opened: list[QUrl] = []
    view.data.open_url = lambda url: opened.append(url) or True
    from PySide6.QtWidgets import QPushButton

    buttons = [b for b in view.data.findChildren(QPushButton) if b.text() == "Open folder"]
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(app.paths.config_dir))]


def fill(app: App) -> None:
    for task in ("Read a chapter", "Plan tomorrow", "30 min exercise"):
        app.economy.complete_task(task)


def test_export_csv_on_a_worker_thread(
    app: App, ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    fill(app)
    view = make_view(ctx, qtbot)
    panel = view.data
    view.tabs.setCurrentWidget(panel)
    target = tmp_path / "tasks.csv"
    panel.table_combo.setCurrentIndex(panel.table_combo.findData("tasks"))
    panel.format_combo.setCurrentIndex(panel.format_combo.findData("csv"))
    panel.choose_file = lambda *_: str(target)
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    thread = panel.export_thread
    assert thread is not None and not panel.export_button.isEnabled()
    with qtbot.waitSignal(thread.finished, timeout=5000):
        pass
    assert panel.progress.value() == 100
    assert panel.export_button.isEnabled() and panel.export_thread is None
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["task"] for r in rows] == ["Read a chapter", "Plan tomorrow", "30 min exercise"]
    assert "Exported 3 rows" in panel.message


def test_export_everything_as_json(app: App, ctx: GuiContext, qtbot: QtBot, tmp_path: Path) -> None:
    fill(app)
    view = make_view(ctx, qtbot)
    panel = view.data
    view.tabs.setCurrentWidget(panel)
    assert not panel.format_combo.isEnabled()  # everything: JSON only
    target = tmp_path / "all.json"
    panel.choose_file = lambda *_: str(target)
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert panel.export_thread is not None
    with qtbot.waitSignal(panel.export_thread.finished, timeout=5000):
        pass
    data = json.loads(target.read_text("utf-8"))
    assert len(data["ledger"]) == 3 and len(data["tasks"]) == 3 and data["activity"] == []
    assert panel.progress.value() == 100


def test_cancel_an_export(
    app: App, ctx: GuiContext, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(app)
    view = make_view(ctx, qtbot)
    panel = view.data
    view.tabs.setCurrentWidget(panel)
    target = tmp_path / "out" / "all.json"
    target.parent.mkdir()
    panel.choose_file = lambda *_: str(target)
    # The worker waits at its first cancel check until the test has pressed Cancel.
    import threading

    pressed = threading.Event()
    original = panel._exporter.write

    def write_when_cancelled(request, progress=None, cancelled=lambda: False):
        def wait_then_ask() -> bool:
            pressed.wait(5)
            return cancelled()

        return original(request, progress, wait_then_ask)

    monkeypatch.setattr(panel._exporter, "write", write_when_cancelled)
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    thread = panel.export_thread
    assert thread is not None
    with qtbot.waitSignal(thread.cancelled, timeout=5000):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
        pressed.set()
    qtbot.waitUntil(lambda: panel.export_button.isEnabled(), timeout=2000)
    assert list(target.parent.iterdir()) == []
    assert "cancelled" in panel.message


def test_a_failed_export_says_why(ctx: GuiContext, qtbot: QtBot, tmp_path: Path) -> None:
    view = make_view(ctx, qtbot)
    panel = view.data
    view.tabs.setCurrentWidget(panel)
    panel.choose_file = lambda *_: str(tmp_path / "missing-folder" / "x.json")
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert panel.export_thread is not None
    # Waits on what the user sees: the thread may fail and finish before a wait on its
    # finished signal is connected (it did on a loaded machine).
    qtbot.waitUntil(lambda: "Could not write" in panel.message, timeout=10_000)


def test_delete_all_data_needs_the_word_and_empties_the_balance(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    fill(app)
    assert app.queries.balance() == 50_000
    view = make_view(ctx, qtbot)
    view.tabs.setCurrentWidget(view.data)
    dialog = view.data.ask_delete_all()
    assert not dialog.delete_button.isEnabled()
    qtbot.keyClicks(dialog.confirm_edit, "delete")
    assert not dialog.delete_button.isEnabled()  # the exact word, so it is deliberate
    dialog.confirm_edit.clear()
    qtbot.keyClicks(dialog.confirm_edit, "DELETE")
    assert dialog.delete_button.isEnabled()
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert app.queries.balance() == 0
    assert list(app.exporter.rows("tasks", None)) == []
    assert "Deleted" in view.data.message and "was 50 points" in view.data.message
    app.economy.complete_task("Read a chapter")  # and the app goes on
    assert app.queries.balance() == 20_000


def test_cancelling_the_delete_dialog_keeps_everything(
    app: App, ctx: GuiContext, qtbot: QtBot
) -> None:
    fill(app)
    view = make_view(ctx, qtbot)
    view.tabs.setCurrentWidget(view.data)
    dialog = view.data.ask_delete_all()
    qtbot.keyClicks(dialog.confirm_edit, "DELETE")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert app.queries.balance() == 50_000


def test_a_large_export_reports_progress_while_the_window_keeps_running(
    app: App, ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    from sqlalchemy import insert

    from human_pretraining.store.models import LedgerEntry

    rows = 20_000
    with app.db.write() as conn:
        conn.execute(
            insert(LedgerEntry),
            [
                {
                    "idem_key": f"bulk:{i}",
                    "device_id": app.device_id,
                    "at_ms": i,
                    "day": 20261126,
                    "amount": 1,
                    "kind": "task",
                    "ref": "bulk",
                    "note": "bulk row",
                }
                for i in range(rows)
            ],
        )
    view = make_view(ctx, qtbot)
    panel = view.data
    view.tabs.setCurrentWidget(panel)
    panel.table_combo.setCurrentIndex(panel.table_combo.findData("ledger"))
    target = tmp_path / "ledger.json"
    panel.choose_file = lambda *_: str(target)
    seen_while_running: list[int] = []

    def on_value(value: int) -> None:
        thread = panel.export_thread
        if thread is not None and thread.isRunning():
            seen_while_running.append(value)

    panel.progress.valueChanged.connect(on_value)
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert panel.export_thread is not None
    with qtbot.waitSignal(panel.export_thread.finished, timeout=30_000):
        pass
    # The window's event loop handled progress while the rows were still being written.
    assert any(0 < v < 100 for v in seen_while_running)
    assert panel.progress.value() == 100
    assert len(json.loads(target.read_text("utf-8"))["ledger"]) == rows
