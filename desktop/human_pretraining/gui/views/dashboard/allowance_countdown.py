"""The running allowance ("YouTube: 12:34 left"), ticking once a second while one runs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QLabel, QWidget

from human_pretraining.services.queries import ActiveAllowance


class AllowanceCountdown(QLabel):
    def __init__(self, clock: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Running allowance")
        self._clock = clock
        self._allowances: tuple[ActiveAllowance, ...] = ()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self.ended: Callable[[], None] = lambda: None
        self._tick()

    def show_allowances(self, allowances: tuple[ActiveAllowance, ...]) -> None:
        self._allowances = allowances
        self._tick()

    @Slot()
    def _tick(self) -> None:
        now = self._clock()
        running = [a for a in self._allowances if a.ends_ms > now]
        if len(running) < len(self._allowances):
            self.ended()  # let the dashboard re-read: enforcement is back
        self._allowances = tuple(running)
        if not running:
            self.setText("No allowance running")
            self._timer.stop()
            return
        parts = []
        for allowance in running:
            minutes, seconds = divmod((allowance.ends_ms - now) // 1000, 60)
            parts.append(f"{allowance.target or allowance.reward}: {minutes}:{seconds:02d} left")
        self.setText("Allowance — " + " · ".join(parts))
        if not self._timer.isActive():
            self._timer.start()
