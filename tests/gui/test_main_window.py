"""The main window: every view reachable by mouse and keyboard, state remembered."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from human_pretraining.gui.bridge import ServicesBridge
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.main_window import MainWindow
from human_pretraining.services.context import App


def test_the_window_is_titled_and_lists_every_view(window: MainWindow) -> None:
    assert window.windowTitle() == "Human Pretraining"
    titles = [v.title for v in window.views]
    assert titles == [
        "Dashboard",
        "Activity",
        "Rules",
        "Goals & tasks",
        "Rewards",
        "Badges",
        "Settings",
    ]


def test_ctrl_number_switches_views(window: MainWindow, qtbot: QtBot) -> None:
    for index in range(len(window.views)):
        qtbot.keyClick(window, Qt.Key.Key_1 + index, Qt.KeyboardModifier.ControlModifier)
        assert window.current_view() is window.views[index]


def test_size_position_and_view_are_remembered(ctx: GuiContext, qtbot: QtBot) -> None:
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.resize(700, 520)  # the offscreen screen is 800 x 600
    first.show_view(4)
    first.save_state()
    second = MainWindow(ctx)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (700, 520)
    assert second.current_view() is second.views[4]


def test_status_line_says_what_is_tracked_and_follows_pairing(
    app: App, window: MainWindow, qtbot: QtBot
) -> None:
    line = window._status  # the label's text is what the user reads
    assert "browser extension: not paired" in line.text()
    code = app.pairing.new_code()
    app.pairing.pair(code.code, "chrome")
    qtbot.waitUntil(lambda: "browser extension: paired" in line.text(), timeout=2000)
    app.pause.pause_until(app.clock() + 15 * 60_000)
    qtbot.waitUntil(lambda: "tracking paused until" in line.text(), timeout=2000)


def test_changes_from_another_thread_arrive_as_one_signal(app: App, qtbot: QtBot) -> None:
    import threading

    bridge = ServicesBridge(app)
    received: list[str] = []
    bridge.ledgerChanged.connect(lambda: received.append("ledger"))
    tasks = app.config().tasks

    def work() -> None:
        for task in tasks[:2]:
            app.economy.complete_task(task.name)

    with qtbot.waitSignal(bridge.ledgerChanged, timeout=2000):
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    qtbot.wait(300)
    assert received == ["ledger"]  # two writes in a burst: one refresh
    bridge.close()


def test_without_a_tray_closing_quits_and_says_so_only_the_first_time(
    ctx: GuiContext, qtbot: QtBot
) -> None:
    told: list[str] = []
    for _ in range(2):
        main = MainWindow(ctx)
        qtbot.addWidget(main)
        main.inform = lambda _title, text: told.append(text)  # type: ignore[method-assign]
        main.quit_notice = True  # as the launcher sets it where there is no tray
        main.show()
        assert main.close()  # accepted: the window (and so the app) closes
    assert len(told) == 1 and "closing the window quits" in told[0]


def test_with_a_tray_closing_only_hides(ctx: GuiContext, qtbot: QtBot) -> None:
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.hide_on_close = True
    main.show()
    assert not main.close()
    assert not main.isVisible()
    main.bring_to_front()
    assert main.isVisible()
