"""Wiring for one process: paths, configuration, database, this device, and the services.

Every surface (CLI, API, GUI, monitor) starts from :func:`open_app` so they all
share one ingestion path, one settler and one view of the configuration.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import insert, select

from human_pretraining.atomic import atomic_write
from human_pretraining.config.file import ConfigFile
from human_pretraining.config.paths import (
    Paths,
    database_url,
    default_database_url,
    resolve_paths,
)
from human_pretraining.core.clock import now_ms
from human_pretraining.core.model import Config, Settings
from human_pretraining.services.classify import Classification
from human_pretraining.services.dashboard import Dashboard
from human_pretraining.services.data_admin import DataAdmin
from human_pretraining.services.deps import Deps
from human_pretraining.services.economy import Economy
from human_pretraining.services.export_file import Exporter
from human_pretraining.services.ingest import Ingestor
from human_pretraining.services.notify import Change, Notifier
from human_pretraining.services.pairing import Pairing
from human_pretraining.services.pause import PauseFile
from human_pretraining.services.queries import Queries
from human_pretraining.services.settle import Settler
from human_pretraining.services.spending import Spending
from human_pretraining.services.web import Web
from human_pretraining.store.buffer import BUFFER_FILENAME, EventBuffer
from human_pretraining.store.concurrency import insert_new
from human_pretraining.store.database import Database, open_database
from human_pretraining.store.models import Device, LedgerTotal


def local_timezone(name: str = "") -> tzinfo:
    """The configured zone, else ``$TZ``, else the system's ``/etc/localtime`` zone.

    A named zone (not a fixed offset) matters: day boundaries must follow DST.
    """
    candidates = [name, os.environ.get("TZ", "").lstrip(":")]
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for candidate in candidates:
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    fallback = datetime.now().astimezone().tzinfo
    return fallback if fallback is not None else ZoneInfo("UTC")


def device_uid(paths: Paths) -> str:
    """This machine's stable id, kept beside the data (never in a shared database)."""
    file = paths.data_dir / "device-id"
    if file.exists():
        text = file.read_text("utf-8").strip()
        try:
            return str(uuid.UUID(text))
        except ValueError:
            pass  # a damaged file: start a new identity rather than refuse to run
    paths.ensure_dirs()
    uid = str(uuid.uuid4())
    atomic_write(file, f"{uid}\n".encode())
    return uid


def register_device(db: Database, uid: str, name: str, now: int) -> int:
    with db.write() as conn:
        found = conn.execute(select(Device.id).where(Device.uid == uid)).scalar()
        if found is not None:
            return int(found)
        device_id = conn.execute(
            insert_new(conn, Device, ["uid"])
            .values(uid=uid, name=name, created_ms=now)
            .returning(Device.id)
        ).scalar()
        if device_id is None:  # registered at the same moment by another process
            return int(conn.execute(select(Device.id).where(Device.uid == uid)).scalar_one())
        conn.execute(insert(LedgerTotal).values(device_id=device_id, total=0))
        return int(device_id)


@dataclass
class App:
    """One process's shared state and services."""

    paths: Paths
    config_file: ConfigFile
    db: Database
    device_id: int
    clock: Callable[[], int]
    deps: Deps = field(init=False)
    ingestor: Ingestor = field(init=False)
    settler: Settler = field(init=False)
    economy: Economy = field(init=False)
    queries: Queries = field(init=False)
    dashboard: Dashboard = field(init=False)
    web: Web = field(init=False)
    pairing: Pairing = field(init=False)
    pause: PauseFile = field(init=False)
    notifier: Notifier = field(init=False)
    spending: Spending = field(init=False)
    exporter: Exporter = field(init=False)
    classification: Classification = field(init=False)
    data_admin: DataAdmin = field(init=False)
    _tz: tuple[str, tzinfo] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.deps = Deps(self.db, self.device_id, self.config, self.tz, self.clock)
        self.notifier = self.deps.notifier
        self.config_file.on_change = lambda _config: self.notifier.publish(Change.CONFIG)
        # A server can go away; a local SQLite file cannot, so it needs no buffer.
        buffer = None if self.db.is_sqlite else EventBuffer(self.paths.data_dir / BUFFER_FILENAME)
        self.ingestor = Ingestor(self.deps, buffer=buffer)
        self.settler = Settler(self.deps)
        self.economy = Economy(self.deps)
        self.queries = Queries(self.deps)
        self.dashboard = Dashboard(self.deps)
        self.web = Web(self.deps, self.economy)
        self.pairing = Pairing(self.db, self.clock, self.notifier)
        self.pause = PauseFile(self.paths.data_dir / "pause-until", self.notifier)
        self.spending = Spending(self.economy, self.web, self.settler, self.queries)
        self.exporter = Exporter(self.deps, self.paths)
        self.classification = Classification(self.deps, self.config_file)
        self.data_admin = DataAdmin(self.db, self.ingestor, self.pairing, self.notifier)

    def config(self) -> Config:
        return self.config_file.current

    def settings(self) -> Settings:
        return self.config_file.current.settings

    def tz(self) -> tzinfo:
        # Resolving the zone reads /etc/localtime; do it again only when the setting changes.
        name = self.config_file.current.settings.timezone
        if self._tz is None or self._tz[0] != name:
            self._tz = (name, local_timezone(name))
        return self._tz[1]

    def close(self) -> None:
        self.ingestor.close()
        self.db.close()


def open_app(home: Path | None = None, clock: Callable[[], int] = now_ms) -> App:
    """Load (or create) the configuration and database under ``home`` (or the defaults)."""
    paths = resolve_paths(home)
    paths.make_private()  # installs from before the history was kept private
    config_file = ConfigFile(paths.config_file)
    config = config_file.load()
    url = database_url(paths, config.settings.database_url)
    if url == default_database_url(paths):
        paths.ensure_dirs()
    db = open_database(url)
    name = config.settings.device_name or socket.gethostname()
    device_id = register_device(db, device_uid(paths), name, clock())
    return App(paths, config_file, db, device_id, clock)
