"""A disk that fills: "the disk is full" (507), nothing acknowledged lost, recovery.

The data folder lives on a real 2 MiB tmpfs mounted for the test (needs root;
skipped otherwise, except in CI, where it fails). A filler file takes the rest of
the space; events posted
then are refused with 507 and a plain sentence instead of 500 "internal", every
event acknowledged before is still in the file, and once the filler is deleted
the same server takes events again.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from human_pretraining.api.server import ApiServer
from human_pretraining.services.context import open_app
from tests.api.conftest import make_event
from tests.conftest import FakeClock, run_command


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    # A developer's run as a user skips it; CI (CI=true, as root) must run it.
    not_here = pytest.fail if os.environ.get("CI") else pytest.skip
    if os.geteuid() != 0:
        not_here("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        not_here(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> Path:
    """Write a file until the disk refuses another byte."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 1):  # big steps, then the last bytes
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)
    return filler


def _stored_ids(database: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        # Ids are kept as their 16 bytes.
        return {
            str(uuid.UUID(bytes=row[0])) for row in conn.execute("SELECT event_id FROM seen_events")
        }


def test_a_full_tmpfs_answers_507_keeps_what_was_acknowledged_and_recovers(
    small_disk: Path, clock: FakeClock
) -> None:
    home = small_disk / "home"
    app = open_app(home, clock=clock)
    database = app.paths.database_file
    server = ApiServer(app, "127.0.0.1", 0)
    server.start()
    try:
        base = f"http://127.0.0.1:{server.port}"
        with requests.Session() as session:
            code = app.pairing.new_code().code
            answer = session.post(base + "/api/v1/pair", json={"code": code, "client": "t"})
            assert answer.status_code == 201, answer.text
            headers = {"Authorization": f"Bearer {answer.json()['token']}"}

            def post(n: int) -> tuple[requests.Response, list[str]]:
                events = [
                    make_event(minutes_ago=1 + i % 300, subject=f"s{i}.example", source="web")
                    for i in range(n)
                ]
                response = session.post(
                    base + "/api/v1/events", json={"events": events}, headers=headers
                )
                return response, [event["id"] for event in events]

            acknowledged: list[str] = []
            answer, ids = post(20)
            assert answer.status_code == 200, answer.text
            acknowledged += ids

            filler = _fill(small_disk)
            refused = None
            for _ in range(200):  # until the space SQLite had in hand is used up
                answer, ids = post(100)
                if answer.status_code == 200:
                    acknowledged += ids
                    continue
                refused = answer
                break
            assert refused is not None, "the server never noticed the disk was full"
            assert refused.status_code == 507, refused.text
            body = refused.json()
            assert body["error"] == "disk_full"
            assert "the disk is full" in body["message"].lower()

            assert set(acknowledged) <= _stored_ids(database), "an acknowledged event was lost"

            filler.unlink()
            answer, ids = post(20)
            assert answer.status_code == 200, answer.text
            acknowledged += ids
    finally:
        server.stop()
        app.close()
    assert set(acknowledged) <= _stored_ids(database), "an acknowledged event was lost"


def test_the_cli_on_a_full_disk_says_so_in_one_line_and_never_calls_it_damaged(
    small_disk: Path, clock: FakeClock
) -> None:
    home = small_disk / "home"
    open_app(home, clock=clock).close()
    filler = _fill(small_disk)
    for command in (["status"], ["task", "done", "Read a chapter"]):
        done = run_command(home, *command)
        assert done.returncode == 2, done.stdout
        assert done.stderr.startswith("error: the disk is full"), done.stderr
        assert "damaged" not in done.stderr and "Traceback" not in done.stderr
    filler.unlink()
    done = run_command(home, "task", "done", "Read a chapter")
    assert done.returncode == 0, done.stderr
    assert "+20 points" in done.stdout
