"""The tray icon: the balance in its tooltip and menu, quick actions, and notifications.

Only created where a system tray exists (``QSystemTrayIcon.isSystemTrayAvailable``);
elsewhere the window is the app. Notifications come from
``services.alerts``: a goal met, a badge earned, the balance dropping low.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from human_pretraining.core.model import MINUTE_MS, format_points
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.icon import app_icon
from human_pretraining.gui.main_window import TITLE, MainWindow
from human_pretraining.services.alerts import Alert, Snapshot, alerts, snapshot
from human_pretraining.services.economy import NotFound, PurchaseRefused

PAUSE_MINUTES = 15


# Goals and badges are refreshed by the settler at most every 30 s, so looking for
# news more often would only cost queries (the app runs all day in the tray).
ALERT_CHECK_MS = 30_000


class Tray(QSystemTrayIcon):
    def __init__(
        self, ctx: GuiContext, window: MainWindow, alert_check_ms: int = ALERT_CHECK_MS
    ) -> None:
        super().__init__(app_icon(), window)
        self._ctx = ctx
        self._window = window
        self._menu = QMenu()
        self._balance = self._menu.addAction("")
        self._balance.setEnabled(False)
        self._menu.addSeparator()
        self._menu.addAction("Open Human Pretraining", window.bring_to_front)
        self._pause = self._menu.addAction("", self._toggle_pause)
        self._redeem = self._menu.addMenu("Redeem")
        self._menu.addSeparator()
        self._menu.addAction("Quit", window.quit_app)
        self.setContextMenu(self._menu)
        self.activated.connect(self._on_activated)
        self._last: Snapshot | None = None
        self._alerts_due = False
        self._alert_timer = QTimer(self)
        self._alert_timer.setSingleShot(True)
        self._alert_timer.setInterval(alert_check_ms)
        self._alert_timer.timeout.connect(self._check_alerts_if_due)
        ctx.bridge.ledgerChanged.connect(self.refresh)
        ctx.bridge.configChanged.connect(self.refresh)
        ctx.bridge.pauseChanged.connect(self.refresh)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        services = self._ctx.services
        balance = services.queries.balance()
        text = f"Balance: {format_points(balance)} points"
        self._balance.setText(text)
        self.setToolTip(f"{TITLE} — {text}")
        paused = services.pause.until()
        self._pause.setText(
            "Resume tracking"
            if paused is not None and paused > services.clock()
            else f"Pause tracking for {PAUSE_MINUTES} min"
        )
        self._fill_redeem()
        self._alerts_due = True
        if not self._alert_timer.isActive():
            self._check_alerts_if_due()

    @Slot()
    def _check_alerts_if_due(self) -> None:
        """Compare goals, badges and the balance with the last look; notify what is new."""
        if not self._alerts_due:
            return
        self._alerts_due = False
        self._alert_timer.start()
        services = self._ctx.services
        summary = services.queries.summary()
        now = snapshot(summary, services.queries.badges(), services.settings().low_balance)
        if self._last is not None:
            for alert in alerts(self._last, now, summary.balance):
                self.notify(alert)
        self._last = now

    def _fill_redeem(self) -> None:
        self._redeem.clear()
        rewards = self._ctx.services.config().rewards
        for reward in rewards:
            action = QAction(f"{reward.name} ({format_points(reward.cost)})", self._redeem)
            action.triggered.connect(lambda _=False, name=reward.name: self._buy(name))
            self._redeem.addAction(action)
        self._redeem.setEnabled(bool(rewards))

    def _buy(self, name: str) -> None:
        try:
            bought = self._ctx.services.spending.redeem(name)
        except (PurchaseRefused, NotFound) as exc:
            self.notify(Alert("Not bought", str(exc)))
            return
        self.notify(
            Alert("Bought", f"{bought.reward}: balance {format_points(bought.balance)} points")
        )

    @Slot()
    def _toggle_pause(self) -> None:
        services = self._ctx.services
        paused = services.pause.until()
        if paused is not None and paused > services.clock():
            services.pause.resume()
        else:
            services.pause.pause_until(services.clock() + PAUSE_MINUTES * MINUTE_MS)

    def notify(self, alert: Alert) -> None:
        self.showMessage(alert.title, alert.message, QSystemTrayIcon.MessageIcon.Information, 5000)

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            if self._window.isVisible():
                self._window.hide()
            else:
                self._window.bring_to_front()
