"""A private, throwaway PostgreSQL cluster for the tests: Debian's server binaries, a temp dir.

The cluster listens on a free loopback port (and a socket in its own directory),
trusts local connections, and runs with fsync off: it exists only for one test
session, and a stopped server process (not a crashed machine) loses nothing that
way. ``synchronous_commit`` stays on: a commit must be in the WAL when it returns,
or stopping the server "immediately" would lose acknowledged events.

initdb refuses to run as root, so as root the cluster belongs to the ``postgres``
user (created by Debian's package) and every server command runs through
``runuser``. Missing binaries fail the tests with the install command;
they are never skipped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

INSTALL_HINT = (
    "PostgreSQL's server binaries are needed for the database tests; install them with: "
    "apt-get install postgresql"
)


def _bin_dir() -> Path:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError(INSTALL_HINT)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """One PostgreSQL server in a temporary directory; ``url(db)`` gives SQLAlchemy URLs."""

    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="hp-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\nfsync = off\n"
                "full_page_writes = off\nmax_connections = 200\n"
            )
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        log = self.root / "server.log"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(log), "-w", "-t", "60", "start")

    def stop(self) -> None:
        """Stop the server at once (connections are cut, as when a machine goes away)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(RuntimeError):  # already stopped
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def hostport(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@{self.hostport}/{database}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        )

    def create_database(self, template: str | None = None) -> str:
        """A new empty (or copied from ``template``) database; returns its name."""
        name = "t_" + uuid.uuid4().hex[:16]
        with self.admin() as conn:
            conn.execute(
                f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
            )
        return name
