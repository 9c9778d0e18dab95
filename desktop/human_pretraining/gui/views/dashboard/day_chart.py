"""Today as stacked bars: minutes per clock hour, coloured by category (QtCharts)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from PySide6.QtCharts import (
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from human_pretraining.core.model import Category
from human_pretraining.gui.views.dashboard.style import CATEGORY_COLOURS, style_axis, style_chart
from human_pretraining.services.dashboard import HourlyCategories


class DayTimelineChart(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Today's time by hour and category")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        chart = QChart()
        chart.setTitle("Today by hour")
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.setChart(chart)
        self.totals: dict[Category, float] = {}

    def show_day(self, data: HourlyCategories, tz: tzinfo) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        series = QStackedBarSeries()
        self.totals = {}
        for category in Category:
            minutes = data.minutes[category]
            self.totals[category] = sum(minutes)
            bars = QBarSet(category.value)
            bars.setColor(CATEGORY_COLOURS[category])
            bars.setBorderColor(CATEGORY_COLOURS[category])
            bars.append([round(m, 1) for m in minutes])
            series.append(bars)
        series.setBarWidth(0.8)
        chart.addSeries(series)
        # A bar-category axis gives each label only its bar's width, which elides "12";
        # a category axis with a label on every third bar's centre has room to spare.
        hours = QCategoryAxis()
        hours.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        hours.setStartValue(-0.5)
        for index, hour_start in enumerate(data.hours):
            if index % 3 == 0:
                hours.append(str(datetime.fromtimestamp(hour_start / 1000, tz).hour), index)
        hours.setRange(-0.5, len(data.hours) - 0.5)
        minutes_axis = QValueAxis()
        minutes_axis.setRange(0, 60)
        minutes_axis.setTickCount(4)
        minutes_axis.setLabelFormat("%d min")
        chart.addAxis(hours, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(minutes_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(hours)
        series.attachAxis(minutes_axis)
        style_chart(chart, self)
        style_axis(hours, self)
        style_axis(minutes_axis, self)
