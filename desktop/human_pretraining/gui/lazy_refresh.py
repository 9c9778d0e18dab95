"""Refresh a view when its data changed, but only while it is visible.

Every view hears every ledger and config change; a hidden view just remembers
that it is out of date and reloads when it is next shown, so points arriving
from the browser never make the window query for pages nobody is looking at.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Slot
from PySide6.QtWidgets import QWidget


class LazyRefresh(QObject):
    def __init__(self, view: QWidget, refresh: Callable[[], None]) -> None:
        super().__init__(view)
        self._view = view
        self._refresh = refresh
        self._stale = True
        view.installEventFilter(self)

    @Slot()
    def changed(self) -> None:
        if self._view.isVisible():
            self._stale = False
            self._refresh()
        else:
            self._stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() == QEvent.Type.Show and self._stale:
            self._stale = False
            self._refresh()
        return False
