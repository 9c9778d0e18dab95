"""The dashboard: balance, today, the day's chart, 30 days of balance, goals, latest entries.

Everything is re-read when the services announce a change (bridge signals), not
on a timer, and only while the dashboard is visible: the ledger for balance,
goals and entries; new activity for the day chart (which reads unsettled time
too, so it moves before points are booked).
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.base import View
from human_pretraining.gui.views.dashboard.allowance_countdown import AllowanceCountdown
from human_pretraining.gui.views.dashboard.balance_chart import BalanceChart
from human_pretraining.gui.views.dashboard.balance_header import BalanceHeader
from human_pretraining.gui.views.dashboard.day_chart import DayTimelineChart
from human_pretraining.gui.views.dashboard.goal_bars import GoalBars
from human_pretraining.gui.views.dashboard.pause_control import PauseControl
from human_pretraining.gui.views.dashboard.recent_entries import RecentEntries
from human_pretraining.gui.widgets.lazy_refresh import LazyRefresh

RECENT = 8


class DashboardView(View):
    title = "Dashboard"

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        services = ctx.services
        self.header = BalanceHeader()
        self.allowance = AllowanceCountdown(services.clock)
        self.pause = PauseControl(services)
        self.tracking = QLabel()
        self.tracking.setAccessibleName("What is being tracked")
        self.tracking.setWordWrap(True)
        self.day_chart = DayTimelineChart()
        self.balance_chart = BalanceChart()
        self.goals = GoalBars()
        self.entries = RecentEntries()
        self._create_layout()
        # Hidden (in the tray, or another view in front), it only notes that it is out
        # of date, and catches up when shown: an idle app must not query for nobody.
        self._points = LazyRefresh(self, self.refresh_points)
        self._activity = LazyRefresh(self, self.refresh_activity)
        ctx.bridge.ledgerChanged.connect(self._points.changed)
        ctx.bridge.configChanged.connect(self._points.changed)
        ctx.bridge.activityChanged.connect(self._activity.changed)
        ctx.bridge.pauseChanged.connect(self.refresh_status)
        ctx.bridge.clientsChanged.connect(self.refresh_status)
        ctx.bridge.trackingChanged.connect(self.refresh_status)
        self.allowance.ended = self._points.changed
        self.refresh_status()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._points.shown()
        self._activity.shown()

    def _create_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        side = QVBoxLayout()
        side.addWidget(self.allowance)
        side.addWidget(self.pause)
        side.addWidget(self.tracking)
        top.addLayout(side, 1)
        charts = QHBoxLayout()
        charts.addWidget(self.day_chart, 1)
        charts.addWidget(self.balance_chart, 1)
        recent = QGroupBox("Latest entries")
        QVBoxLayout(recent).addWidget(self.entries)
        bottom = QGridLayout()
        bottom.addWidget(self.goals, 0, 0)
        bottom.addWidget(recent, 0, 1)
        bottom.setColumnStretch(0, 1)
        bottom.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(charts, 3)
        layout.addLayout(bottom, 2)

    @Slot()
    def refresh_points(self) -> None:
        services = self._ctx.services
        summary = services.queries.summary()
        self.header.show_summary(summary)
        self.allowance.show_allowances(summary.allowances)
        self.goals.show_goals(summary.goals)
        self.entries.show_entries(services.queries.recent_entries(RECENT), services.tz())
        self.balance_chart.show_history(services.dashboard.balance_history(summary.day))

    @Slot()
    def refresh_activity(self) -> None:
        services = self._ctx.services
        self.day_chart.show_day(
            services.dashboard.hourly_categories(services.queries.today()), services.tz()
        )

    @Slot()
    def refresh_status(self) -> None:
        self.pause.refresh()
        self.tracking.setText(self._ctx.tracking_line())
