"""The app's icon: the packaged SVG when it is there, else the same mark painted in code."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

BRAND = QColor("#2f7d5b")


def _painted(size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(BRAND)
    painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.22, size * 0.22)
    # A rising step line: effort that adds up.
    pen = QPen(QColor("white"), size * 0.09)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    path = QPainterPath(QPointF(size * 0.2, size * 0.75))
    for x, y in ((0.4, 0.75), (0.4, 0.55), (0.6, 0.55), (0.6, 0.35), (0.8, 0.35), (0.8, 0.22)):
        path.lineTo(size * x, size * y)
    painter.drawPath(path)
    painter.end()
    return pixmap


def app_icon() -> QIcon:
    svg = resources.files("human_pretraining").joinpath("resources/icon.svg")
    if svg.is_file():
        icon = QIcon(str(svg))
        if not icon.isNull():
            return icon
    icon = QIcon()
    for size in (16, 22, 32, 48, 64, 128, 256):
        icon.addPixmap(_painted(size))
    return icon
