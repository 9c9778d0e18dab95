"""Running allowances with a live countdown ("30 min of YouTube · youtube.com · 12:34 left").

A one-second timer repaints the countdowns, and runs only while the list is
visible and an allowance is running: a hidden window or an empty list costs no
wake-ups. When one runs out the list says so (``expired``) so the view reloads.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QListWidget, QWidget

from human_pretraining.services.queries import ActiveAllowance

TICK_MS = 1000


def countdown(ms: int) -> str:
    seconds = max(0, -(-ms // 1000))  # rounded up: "0:01" until it is really over
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class AllowanceList(QListWidget):
    expired = Signal()

    def __init__(self, clock: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Running allowances")
        self._clock = clock
        self._allowances: tuple[ActiveAllowance, ...] = ()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def texts(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]

    @property
    def ticking(self) -> bool:
        return self._timer.isActive()

    def show_allowances(self, allowances: tuple[ActiveAllowance, ...]) -> None:
        self._allowances = allowances
        self._tick()
        self._run_timer()

    @Slot()
    def _tick(self) -> None:
        now = self._clock()
        running = [a for a in self._allowances if a.ends_ms > now]
        texts = [
            f"{a.reward} · {a.target} · {countdown(a.ends_ms - now)} left" for a in running
        ] or ["No allowance running."]
        if self.count() != len(texts):
            self.clear()
            self.addItems(texts)
        else:  # in place, so a selected line stays selected while it ticks
            for index, text in enumerate(texts):
                self.item(index).setText(text)
        if len(running) < len(self._allowances):
            self._allowances = tuple(running)
            self._run_timer()
            self.expired.emit()

    def _run_timer(self) -> None:
        if self._allowances and self.isVisible():
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._tick()
        self._run_timer()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._timer.stop()
