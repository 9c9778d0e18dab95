"""Colours and chart styling shared by the dashboard's parts.

Category colours are data colours (the same in light and dark palettes, chosen
to stay distinguishable for the common colour-vision deficiencies); everything
else — backgrounds, text, grid — comes from the system palette.
"""

from __future__ import annotations

from PySide6.QtCharts import QAbstractAxis, QChart
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from human_pretraining.core.model import Category

CATEGORY_COLOURS = {
    Category.FOCUS: QColor("#3b7dd8"),
    Category.LEARNING: QColor("#8e5bd6"),
    Category.OUTPUT: QColor("#2f9e6a"),
    Category.NEUTRAL: QColor("#9a9a9a"),
    Category.DISTRACTION: QColor("#e0663a"),
}


def style_chart(chart: QChart, widget: QWidget) -> None:
    """Follow the widget's palette: transparent background, readable text."""
    palette = widget.palette()
    text = palette.color(QPalette.ColorRole.WindowText)
    chart.setBackgroundVisible(False)
    chart.setTitleBrush(text)
    chart.legend().setLabelColor(text)
    chart.setMargins(chart.margins() * 0)


def style_axis(axis: QAbstractAxis, widget: QWidget) -> None:
    palette = widget.palette()
    axis.setLabelsColor(palette.color(QPalette.ColorRole.WindowText))
    grid = palette.color(QPalette.ColorRole.Mid)
    grid.setAlpha(90)
    axis.setGridLineColor(grid)
    axis.setLinePenColor(palette.color(QPalette.ColorRole.Mid))
