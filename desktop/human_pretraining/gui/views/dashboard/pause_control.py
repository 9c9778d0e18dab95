"""Pause tracking for a while, or resume it; shows until when it is paused."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from human_pretraining.core.clock import format_clock
from human_pretraining.core.model import MINUTE_MS
from human_pretraining.services.context import App

CHOICES_MIN = (15, 30, 60, 120)


class PauseControl(QWidget):
    def __init__(self, services: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._label = QLabel()
        self._minutes = QComboBox()
        self._minutes.setAccessibleName("Pause length")
        for minutes in CHOICES_MIN:
            self._minutes.addItem(f"{minutes} min", minutes)
        self._button = QPushButton()
        self._button.setAccessibleName("Pause or resume tracking")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._minutes)
        layout.addWidget(self._button)
        self._button.clicked.connect(self._toggle)
        self.refresh()

    def paused_until(self) -> int | None:
        until = self._services.pause.until()
        return until if until is not None and until > self._services.clock() else None

    @Slot()
    def refresh(self) -> None:
        until = self.paused_until()
        if until is None:
            self._label.setText("Tracking is on")
            self._button.setText("&Pause tracking")
        else:
            when = format_clock(until, self._services.tz())
            self._label.setText(f"Tracking paused until {when}")
            self._button.setText("&Resume tracking")
        self._minutes.setEnabled(until is None)

    @Slot()
    def _toggle(self) -> None:
        if self.paused_until() is None:
            minutes = int(self._minutes.currentData())
            self._services.pause.pause_until(self._services.clock() + minutes * MINUTE_MS)
        else:
            self._services.pause.resume()
        self.refresh()
