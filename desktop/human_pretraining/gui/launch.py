"""``human-pretraining`` with no command: the window, the endpoint, the monitor, one process.

Order matters: the single-instance check comes before the database and the port
are touched, so a second start only brings the first window forward; the
endpoint and the monitor start right after the window is first painted. Quitting
(window, tray, Ctrl+C or SIGTERM) stops the endpoint and the monitor, settles
what arrived and closes the database: nothing acknowledged is lost.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import psutil
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon

from human_pretraining.config.paths import chosen_home, resolve_paths
from human_pretraining.gui.bridge import ServicesBridge
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.icon import app_icon
from human_pretraining.gui.main_window import TITLE, MainWindow
from human_pretraining.gui.single_instance import (
    SingleInstance,
    ask_running_instance_to_show,
    server_name,
)
from human_pretraining.gui.tray import Tray
from human_pretraining.services.context import open_app

if TYPE_CHECKING:
    from human_pretraining.app import Runtime

log = logging.getLogger(__name__)


def _application(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv)
    app.setApplicationName(TITLE)
    app.setApplicationDisplayName(TITLE)
    app.setDesktopFileName("human-pretraining")
    app.setWindowIcon(app_icon())
    return app


class _FirstPaint(QObject):
    """Runs ``then`` once the window has first been painted, and with
    ``HUMAN_PRETRAINING_REPORT_STARTUP=1`` prints how long after the process
    started that was (the start-up benchmark reads it)."""

    def __init__(self, then: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._then = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            if os.environ.get("HUMAN_PRETRAINING_REPORT_STARTUP"):
                started = psutil.Process().create_time()
                print(f"startup: window shown {(time.time() - started) * 1000:.0f} ms after start")
                sys.stdout.flush()
            QTimer.singleShot(0, self._then)
        return False


class _Background:
    """The endpoint, the monitor and settling (``app.Runtime``), started just after
    the window shows: importing Flask, waitress and the probes takes about half a
    second, which the user should not wait for to see their dashboard."""

    def __init__(self, ctx: GuiContext, window: MainWindow, port: int | None, monitor: bool):
        self._ctx = ctx
        self._window = window
        self._port = port
        self._monitor = monitor
        self.runtime: Runtime | None = None

    def start(self) -> None:
        if self.runtime is not None:
            return
        from human_pretraining.api.server import ServerError
        from human_pretraining.app import Runtime

        try:
            runtime = Runtime(self._ctx.services, port=self._port, monitor=self._monitor)
        except ServerError as exc:
            QMessageBox.critical(
                self._window, TITLE, f"Human Pretraining could not start.\n\n{exc}"
            )
            QApplication.exit(2)
            return
        runtime.start()
        self.runtime = runtime
        self._ctx.tracking_status = runtime.tracking_status
        self._ctx.settle_soon = runtime.settle_soon
        self._ctx.port = runtime.server.port
        self._ctx.bridge.activityChanged.connect(self._activity)
        self._window.visibilityChanged.connect(self._visibility)
        self._visibility(self._window.isVisible())
        self._ctx.bridge.trackingChanged.emit()

    def _activity(self) -> None:
        # In view, new time shows as points within a second or two.
        if self.runtime is not None and self._window.isVisible():
            self.runtime.settle_soon()

    def _visibility(self, visible: bool) -> None:
        from human_pretraining.app import SETTLE_EVERY_HIDDEN_S, SETTLE_EVERY_S

        if self.runtime is not None:
            self.runtime.settle_every_s = SETTLE_EVERY_S if visible else SETTLE_EVERY_HIDDEN_S
            if visible:
                self.runtime.settle_soon()  # catch up before the user reads the numbers

    def stop(self) -> None:
        if self.runtime is not None:
            self.runtime.stop()


def run_gui(
    home: Path | None,
    monitor: bool = True,
    hidden: bool = False,
    port: int | None = None,
    argv: list[str] | None = None,
) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    qt_app = _application(argv if argv is not None else sys.argv[:1])
    name = server_name(resolve_paths(home).data_dir)
    if ask_running_instance_to_show(name):
        print("Human Pretraining is already running; its window was brought to the front.")
        return 0
    instance = SingleInstance(name)

    services = open_app(home)
    bridge = ServicesBridge(services)
    ctx = GuiContext(
        bridge,
        tracking_status=lambda: "starting tracking…",
        port=port if port is not None else services.settings().port,
        login_home=chosen_home(home),
    )
    window = MainWindow(ctx)
    background = _Background(ctx, window, port, monitor)
    tray = Tray(ctx, window) if QSystemTrayIcon.isSystemTrayAvailable() else None
    # With a tray, closing the window hides it and the tray quits; without one the
    # window is the app, so closing it quits.
    qt_app.setQuitOnLastWindowClosed(tray is None)
    window.hide_on_close = tray is not None
    window.quit_notice = tray is None
    if tray is not None:
        tray.show()
    instance.showRequested.connect(window.bring_to_front)

    def _quit(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: quitting", signum)
        window.quit_app()

    signal.signal(signal.SIGINT, _quit)
    signal.signal(signal.SIGTERM, _quit)
    # Python runs signal handlers only between bytecodes; a timer lets it in.
    wakeup = QTimer()
    wakeup.start(500)
    wakeup.timeout.connect(lambda: None)

    if hidden:
        # Started at login: stay in the tray. Without a tray the app runs on unseen
        # until started again, which brings the window forward (single instance).
        log.info("started hidden%s", "" if tray else "; start it again to show the window")
        QTimer.singleShot(0, background.start)
    else:
        window.current_view().installEventFilter(_FirstPaint(background.start, window))
        window.show()
    try:
        return qt_app.exec()
    finally:
        window.save_state()
        if tray is not None:
            tray.hide()
        instance.close()
        background.stop()
        bridge.close()
        services.close()
