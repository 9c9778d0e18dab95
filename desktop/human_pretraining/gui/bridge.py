"""The GUI's adapter over the services: change notifications become Qt signals.

The services publish a :class:`~human_pretraining.services.notify.Change` after
each committed write, on whatever thread wrote (the endpoint's, the monitor's,
the settler's). The bridge lives in the GUI thread; a queued signal carries the
news across, and a short single-shot timer folds a burst of changes (a batch of
heartbeats, then the settlement they cause) into one refresh per kind.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from human_pretraining.services.context import App
from human_pretraining.services.notify import Change

COALESCE_MS = 150


class ServicesBridge(QObject):
    """Owns nothing but the subscription; views call ``bridge.services`` directly."""

    ledgerChanged = Signal()
    activityChanged = Signal()
    configChanged = Signal()
    clientsChanged = Signal()
    pauseChanged = Signal()
    # The endpoint and the monitor started (or stopped): the tracking line changes.
    trackingChanged = Signal()
    # Emitted from any thread; Qt queues it to the bridge's (the GUI) thread.
    _announced = Signal(int)

    def __init__(self, services: App, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._pending = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self._deliver)
        self._announced.connect(self._collect)
        self._unsubscribe = services.notifier.subscribe(self._from_any_thread)

    def _from_any_thread(self, change: Change) -> None:
        self._announced.emit(change.value)

    @Slot(int)
    def _collect(self, value: int) -> None:
        self._pending |= value
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _deliver(self) -> None:
        pending, self._pending = Change(self._pending), 0
        if pending & Change.LEDGER:
            self.ledgerChanged.emit()
        if pending & Change.ACTIVITY:
            self.activityChanged.emit()
        if pending & Change.CONFIG:
            self.configChanged.emit()
        if pending & Change.CLIENTS:
            self.clientsChanged.emit()
        if pending & Change.PAUSE:
            self.pauseChanged.emit()

    def close(self) -> None:
        """Stop listening (before the services close)."""
        self._unsubscribe()
        self._timer.stop()
