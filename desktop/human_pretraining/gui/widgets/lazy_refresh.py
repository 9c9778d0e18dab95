"""Refresh a view when its data changed, but only while it is visible.

Every view hears every ledger and config change; a hidden view just remembers
that it is out of date and reloads when it is next shown (the view calls
:meth:`LazyRefresh.shown` from its ``showEvent``), so points arriving from the
browser never make the window query for pages nobody is looking at.

A QObject owned by the view, so the bridge's connections to :meth:`changed`
end when the view is destroyed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QWidget


class LazyRefresh(QObject):
    def __init__(self, view: QWidget, refresh: Callable[[], None]) -> None:
        super().__init__(view)
        self._view = view
        self._refresh = refresh
        self._stale = True

    @Slot()
    def changed(self) -> None:
        if self._view.isVisible():
            self._stale = False
            self._refresh()
        else:
            self._stale = True

    def shown(self) -> None:
        if self._stale:
            self._stale = False
            self._refresh()
