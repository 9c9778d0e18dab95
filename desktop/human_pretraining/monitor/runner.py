"""The monitor as one unit: the sampler thread, the output watcher and the config
watcher, started and stopped together by ``serve`` (and, later, the desktop app).

A config edit re-schedules the output folders; the status line says plainly what
is tracked and how (``Detection.summary``), for the log, the CLI and the window.
"""

from __future__ import annotations

import logging
import threading

from human_pretraining.core.model import Config
from human_pretraining.monitor.config_watch import ConfigWatcher
from human_pretraining.monitor.detect import Detection, detect_probes
from human_pretraining.monitor.output import OutputWatcher
from human_pretraining.monitor.output_filters import output_folders
from human_pretraining.monitor.sampler import Sampler
from human_pretraining.services.context import App

log = logging.getLogger(__name__)


class Monitor:
    def __init__(self, app: App, detection: Detection | None = None) -> None:
        self.detection = detection if detection is not None else detect_probes()
        self.sampler = Sampler(
            app.ingestor.ingest,
            self.detection.foreground,
            self.detection.idle,
            app.settings,
            paused_elsewhere=app.pause.until,
        )
        self.output = OutputWatcher(
            app.ingestor.ingest,
            lambda: output_folders(app.config()),
            app.clock,
            app.settings,
        )
        self.config_watch = ConfigWatcher(app.config_file, on_change=[self._config_changed])
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self.sampler.run, args=(self._stop,), name="monitor-sampler", daemon=True
        )

    def _config_changed(self, config: Config) -> None:
        log.info("configuration reloaded")
        self.output.refresh()  # output folders may have been added or removed

    def status(self) -> str:
        folders = len(self.output.watched)
        return f"{self.detection.summary}; output folders: {folders}"

    def start(self) -> None:
        self.output.start()
        self.config_watch.start()
        self._thread.start()
        log.info("tracking — %s", self.status())

    def stop(self) -> None:
        """Stop sampling (heartbeats still buffered are stored), then the watchers."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        self.config_watch.stop()
        self.output.stop()
        self.detection.close()
