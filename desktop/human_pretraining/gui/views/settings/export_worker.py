"""Running an export on a worker thread, so the window never freezes on a year of history.

:class:`ExportThread` runs :meth:`Exporter.write` in ``run()`` and reports through
signals, which Qt queues to the window's thread. ``cancel()`` only sets a flag
the exporter checks between rows; the temporary file is then removed and
nothing is written.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread, Signal

from human_pretraining.services.export_file import (
    ExportCancelled,
    Exporter,
    ExportError,
    ExportRequest,
)


class ExportThread(QThread):
    progressed = Signal(int, int)  # rows written, rows in all
    succeeded = Signal(int)  # rows written
    failed = Signal(str)
    cancelled = Signal()

    def __init__(
        self, exporter: Exporter, request: ExportRequest, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._exporter = exporter
        self.request = request
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def run(self) -> None:
        try:
            rows = self._exporter.write(self.request, self.progressed.emit, self._stop.is_set)
        except ExportCancelled:
            self.cancelled.emit()
        except ExportError as exc:  # one line already: where it may not or cannot go
            self.failed.emit(f"Could not write the export: {exc}.")
        except OSError as exc:
            self.failed.emit(f"Could not write {self.request.path}: {exc.strerror or exc}")
        except Exception as exc:  # reported in the window rather than lost on a thread
            self.failed.emit(f"The export failed: {exc}")
        else:
            self.succeeded.emit(rows)
