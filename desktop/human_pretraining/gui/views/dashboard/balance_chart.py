"""The balance at the end of each of the last 30 days, as a line (QtCharts)."""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

from human_pretraining.core.clock import to_date
from human_pretraining.core.model import MILLI
from human_pretraining.gui.views.dashboard.style import style_axis, style_chart
from human_pretraining.services.dashboard import BalancePoint


class BalanceChart(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Balance over the last 30 days")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        chart = QChart()
        chart.setTitle("Balance, last 30 days")
        chart.legend().hide()
        self.setChart(chart)
        self.values: list[float] = []

    def show_history(self, history: list[BalancePoint]) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        series = QLineSeries()
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight))
        pen.setWidthF(2.5)
        series.setPen(pen)
        self.values = [p.balance / MILLI for p in history]
        for point, value in zip(history, self.values, strict=True):
            when = QDateTime(datetime.combine(to_date(point.day), time(12)))
            series.append(when.toMSecsSinceEpoch(), value)
        chart.addSeries(series)
        days = QDateTimeAxis()
        days.setFormat("d MMM")
        days.setTickCount(6)
        if history:
            days.setRange(
                QDateTime(datetime.combine(to_date(history[0].day), time(0))),
                QDateTime(datetime.combine(to_date(history[-1].day), time(23, 59))),
            )
        points = QValueAxis()
        low, high = min(self.values, default=0.0), max(self.values, default=0.0)
        span = max(high - low, 10.0)
        points.setRange(min(0.0, low) - (span * 0.1 if low < 0 else 0), high + span * 0.1)
        points.setLabelFormat("%d")
        points.applyNiceNumbers()
        chart.addAxis(days, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(points, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(days)
        series.attachAxis(points)
        style_chart(chart, self)
        style_axis(days, self)
        style_axis(points, self)
