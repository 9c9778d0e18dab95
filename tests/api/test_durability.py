"""Acknowledged means on disk: ``human-pretraining serve`` killed mid-stream loses nothing.

The server runs as a real process (``human-pretraining serve --port N``, real
clock), and the events come from another real process: this file run as a script
is the *sender*. It streams batches of heartbeats over one keep-alive connection
and keeps two fsynced logs, like a careful client's outbox:

* ``outbox.jsonl`` — every batch, written *before* it is sent;
* ``acked.jsonl``  — the batch's ids, written only *after* a 200 came back.

The tests kill (SIGKILL) or stop (SIGTERM) the server while the sender is
streaming, then read the database directly and retry everything the way a client
would after a failure. What they catch:

* an acknowledgement sent before the commit (an acked id missing after the kill);
* a batch stored in part (a batch is one transaction: all of its ids or none);
* retries counted twice (ids, spans, covered time or points moving on a re-send);
* settling that disagrees with the ledger (balance != sum of entries);
* a SIGTERM that hangs, fails, or stops without booking what it received.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pytest
import requests

EXE = (
    shutil.which("human-pretraining", path=str(Path(sys.executable).parent)) or "human-pretraining"
)
BATCH_SIZE = 20
BEAT_S = 10  # every heartbeat covers 10 s; heartbeats of one batch are back to back
SENDER_LOST_SERVER = 3  # the sender's exit status when the server vanished under it
SENDER_REFUSED = 4  # ... when the server answered with anything but 200
STOPPED_LINE = "Stopped; everything received is saved."


# ---------------------------------------------------------------- the sender
# Runs in its own process (``python this_file.py PORT TOKEN OUTBOX ACKED SECONDS``) and
# uses only the standard library; it shares nothing with the test but the two logs.

SUBJECTS = [
    ("app", "code", {}),
    ("web", "github.com", {"scroll_px": 400, "scroll_s": 2}),
    ("app", "code", {}),
    ("web", "youtube.com", {"audible": True, "scroll_px": 1500, "scroll_s": 4}),
    ("web", "docs.python.org", {"scroll_px": 900, "scroll_s": 3}),
]


def heartbeat_batches(start: datetime, end: datetime) -> Iterator[list[dict[str, Any]]]:
    """Back-to-back heartbeats from ``start`` to ``end``, one subject per batch, in turn."""
    moment = start.replace(microsecond=0)
    for n in itertools.count():
        if moment + timedelta(seconds=BEAT_S * BATCH_SIZE) > end:
            return
        source, subject, signals = SUBJECTS[n % len(SUBJECTS)]
        batch = []
        for _ in range(BATCH_SIZE):
            event: dict[str, Any] = {
                "id": str(uuid.uuid4()),
                "source": source,
                "subject": subject,
                "start": moment.isoformat(),
                "duration": BEAT_S,
            }
            if signals:
                event["signals"] = signals
            batch.append(event)
            moment += timedelta(seconds=BEAT_S)
        yield batch


def append_line(stream: IO[str], line: str) -> None:
    """Append one line and force it to disk before going on."""
    stream.write(line + "\n")
    stream.flush()
    os.fsync(stream.fileno())


def run_sender(port: int, token: str, outbox: Path, acked: Path, seconds: float) -> int:
    """Stream batches until the server goes away (exit 3), refuses one (4) or time is up (0)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    now = datetime.now(UTC)
    # Starts 26 hours back, so the history crosses a local midnight; ends in the past.
    batches = heartbeat_batches(now - timedelta(hours=26), now - timedelta(minutes=1))
    deadline = time.monotonic() + seconds
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        with outbox.open("a", encoding="utf-8") as out, acked.open("a", encoding="utf-8") as ack:
            for batch in batches:
                if time.monotonic() > deadline:
                    break
                body = json.dumps({"events": batch})
                append_line(out, body)
                try:
                    connection.request("POST", "/api/v1/events", body, headers)
                    response = connection.getresponse()
                    answer = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    print(f"sender: the server went away: {exc!r}", file=sys.stderr)
                    return SENDER_LOST_SERVER
                if response.status != 200:
                    print(f"sender: refused {response.status}: {answer!r}", file=sys.stderr)
                    return SENDER_REFUSED
                append_line(ack, json.dumps([event["id"] for event in batch]))
    finally:
        connection.close()
    return 0


# ------------------------------------------------------------ processes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Proc:
    """A child process whose stdout and stderr go to files (no pipes to fill up)."""

    popen: subprocess.Popen[bytes]
    stdout_file: Path
    stderr_file: Path
    port: int = 0

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stdout(self) -> str:
        return self.stdout_file.read_text("utf-8", errors="replace")

    def stderr(self) -> str:
        return self.stderr_file.read_text("utf-8", errors="replace")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@dataclass
class Processes:
    """Starts the server and the sender; the fixture kills whatever is still running."""

    home: Path
    logs: Path
    started: list[Proc] = field(default_factory=list)

    def _spawn(self, name: str, argv: list[str], port: int = 0) -> Proc:
        n = len(self.started)
        out_file, err_file = self.logs / f"{n}-{name}.out", self.logs / f"{n}-{name}.err"
        with out_file.open("wb") as out, err_file.open("wb") as err:
            popen = subprocess.Popen(argv, stdout=out, stderr=err, env=self.env())
        proc = Proc(popen, out_file, err_file, port)
        self.started.append(proc)
        return proc

    def env(self) -> dict[str, str]:
        return {**os.environ, "HUMAN_PRETRAINING_HOME": str(self.home)}

    def serve(self) -> Proc:
        """``human-pretraining serve`` on a free port, returned once /health answers."""
        for _ in range(3):
            port = free_port()
            server = self._spawn("serve", [EXE, "serve", "--port", str(port)], port)
            if wait_healthy(server):
                return server
            if "already in use" not in server.stderr():  # else: lost a race for the port
                break
        pytest.fail(f"the server did not come up:\n{server.stderr()}")

    def sender(self, server: Proc, token: str, outbox: Path, acked: Path) -> Proc:
        argv = [sys.executable, __file__, str(server.port), token, str(outbox), str(acked), "20"]
        return self._spawn("sender", argv)

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            [EXE, *args], capture_output=True, text=True, env=self.env(), timeout=60
        )
        assert result.returncode == 0, f"{args}: {result.stderr}"
        return result.stdout

    def kill_all(self) -> None:
        for proc in self.started:
            if proc.popen.poll() is None:
                proc.popen.kill()
            proc.popen.wait(timeout=10)


@pytest.fixture
def procs(isolated_home: Path, tmp_path: Path) -> Iterator[Processes]:
    logs = tmp_path / "logs"
    logs.mkdir()
    processes = Processes(isolated_home, logs)
    try:
        yield processes
    finally:
        processes.kill_all()


def wait_until(condition: Callable[[], bool], seconds: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def wait_healthy(server: Proc, seconds: float = 15) -> bool:
    """True once /api/v1/health answers 200; False if the process exits or time runs out."""

    def healthy() -> bool:
        if server.popen.poll() is not None:
            return True  # stop waiting; the caller checks the exit below
        try:
            return requests.get(server.url("/api/v1/health"), timeout=1).status_code == 200
        except requests.RequestException:
            return False

    return wait_until(healthy, seconds, interval=0.05) and server.popen.poll() is None


def pair(procs: Processes, server: Proc) -> str:
    """Pair as a user would: ``human-pretraining pair`` shows the code on its last line."""
    code = procs.cli("pair").strip().splitlines()[-1]
    response = requests.post(
        server.url("/api/v1/pair"), json={"code": code, "client": "durability-sender"}, timeout=10
    )
    assert response.status_code == 201, response.text
    token: str = response.json()["token"]
    return token


# --------------------------------------------------------------- the logs


def read_jsonl(path: Path) -> list[Any]:
    """Complete lines only (a line being written when the sender stopped is not counted)."""
    if not path.exists():
        return []
    text = path.read_text("utf-8")
    return [json.loads(line) for line in text.split("\n")[:-1]]


def acked_events(acked: Path) -> int:
    if not acked.exists():
        return 0
    return acked.read_text("utf-8").count("\n") * BATCH_SIZE


@dataclass
class Stream:
    """What the sender sent and what it was told was saved."""

    sent: list[list[dict[str, Any]]]  # every batch, in order
    acked: set[str]  # ids of every batch answered 200

    @classmethod
    def read(cls, outbox: Path, acked: Path) -> Stream:
        sent = [body["events"] for body in read_jsonl(outbox)]
        return cls(sent, {i for ids in read_jsonl(acked) for i in ids})

    @property
    def all_ids(self) -> set[str]:
        return {event["id"] for batch in self.sent for event in batch}


# ---------------------------------------------------------- the database


@contextlib.contextmanager
def database(home: Path) -> Iterator[sqlite3.Connection]:
    """The app's SQLite file, opened read-only, beside whatever server may be running."""
    conn = sqlite3.connect(f"file:{home / 'history.sqlite3'}?mode=ro", uri=True, timeout=15)
    try:
        yield conn
    finally:
        conn.close()


def seen_ids(home: Path) -> set[str]:
    with database(home) as conn:
        # Stored as the UUID's 16 bytes; compare as the strings clients send.
        return {
            str(uuid.UUID(bytes=bytes(row[0])))
            for row in conn.execute("SELECT event_id FROM seen_events")
        }


@dataclass(frozen=True)
class Books:
    """Everything a retry must leave alone, read in one snapshot."""

    seen: int
    spans: int
    covered_ms: int
    entries: int
    ledger_sum: int
    balance: int
    dirty_days: int


def books(home: Path) -> Books:
    with database(home) as conn:
        conn.execute("BEGIN")  # one snapshot: the server's settling may commit meanwhile
        (seen,) = conn.execute("SELECT COUNT(*) FROM seen_events").fetchone()
        spans, covered = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(end_ms - start_ms), 0) FROM activity_spans"
        ).fetchone()
        entries, total = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM ledger_entries"
        ).fetchone()
        (balance,) = conn.execute("SELECT COALESCE(SUM(total), 0) FROM ledger_totals").fetchone()
        (dirty,) = conn.execute("SELECT COUNT(*) FROM dirty_days").fetchone()
    return Books(seen, spans, covered, entries, total, balance, dirty)


def post_batch(session: requests.Session, server: Proc, token: str, batch: list[Any]) -> Any:
    response = session.post(
        server.url("/api/v1/events"),
        json={"events": batch},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


def check_whole_batches(stream: Stream, seen: set[str]) -> None:
    """Every acked id is stored, and anything else stored is a whole unacked batch."""
    missing = stream.acked - seen
    assert not missing, f"{len(missing)} acknowledged events were lost, e.g. {sorted(missing)[:3]}"
    for batch in stream.sent:
        stored = sum(event["id"] in seen for event in batch)
        assert stored in (0, len(batch)), f"a batch was stored in part: {stored}/{len(batch)}"
    assert seen <= stream.all_ids, "ids were stored that nobody sent"


# ------------------------------------------------------------------- tests


def start_streaming(procs: Processes, tmp_path: Path, min_acked: int) -> tuple[Proc, Proc, str]:
    """Server up, paired, sender streaming and at least ``min_acked`` events acknowledged."""
    server = procs.serve()
    token = pair(procs, server)
    outbox, acked = tmp_path / "outbox.jsonl", tmp_path / "acked.jsonl"
    sender = procs.sender(server, token, outbox, acked)
    if not wait_until(
        lambda: acked_events(acked) >= min_acked or sender.popen.poll() is not None, 15
    ):
        pytest.fail(f"only {acked_events(acked)} events acked in 15 s:\n{server.stderr()}")
    assert sender.popen.poll() is None, f"the sender stopped early:\n{sender.stderr()}"
    return server, sender, token


def test_sigkill_mid_stream_loses_no_acknowledged_event_and_retries_count_once(
    procs: Processes, tmp_path: Path
) -> None:
    server, sender, token = start_streaming(procs, tmp_path, min_acked=400)

    os.kill(server.pid, signal.SIGKILL)
    assert server.popen.wait(timeout=10) == -signal.SIGKILL
    # The sender was mid-stream: it must notice the server vanish (not run out of batches).
    assert sender.popen.wait(timeout=15) == SENDER_LOST_SERVER, sender.stderr()
    stream = Stream.read(tmp_path / "outbox.jsonl", tmp_path / "acked.jsonl")
    assert len(stream.acked) >= 400
    assert len(stream.sent) - len(stream.acked) // BATCH_SIZE == 1  # the one in flight

    server = procs.serve()  # the same home, a fresh process
    seen_before_retry = seen_ids(procs.home)
    check_whole_batches(stream, seen_before_retry)

    # The client retries everything it ever sent, as after any failure.
    with requests.Session() as session:
        for batch in stream.sent:
            result = post_batch(session, server, token, batch)
            # Acked batches were stored (checked above); the one in flight may have been too,
            # its answer lost with the server.
            if batch[0]["id"] in seen_before_retry:
                assert result == {"accepted": 0, "duplicates": BATCH_SIZE}
            else:
                assert result == {"accepted": BATCH_SIZE, "duplicates": 0}
    check_whole_batches(stream, seen_ids(procs.home))

    procs.cli("status")  # settles
    settled = books(procs.home)
    assert settled.seen == len(stream.all_ids)
    # Heartbeats are back to back per subject and subjects change per batch, so every
    # event adds exactly its own 10 s: a double-counted retry would show here.
    assert settled.covered_ms == len(stream.all_ids) * BEAT_S * 1000
    assert settled.balance == settled.ledger_sum
    assert settled.entries > 0 and settled.dirty_days == 0

    # A second retry of everything changes nothing at all.
    with requests.Session() as session:
        for batch in stream.sent:
            assert post_batch(session, server, token, batch) == {
                "accepted": 0,
                "duplicates": BATCH_SIZE,
            }
    procs.cli("status")
    assert books(procs.home) == settled


def test_sigterm_stops_cleanly_and_keeps_everything(procs: Processes, tmp_path: Path) -> None:
    server, sender, _ = start_streaming(procs, tmp_path, min_acked=200)

    stopping = time.monotonic()
    server.popen.send_signal(signal.SIGTERM)
    try:
        code = server.popen.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail(f"serve ignored SIGTERM for 15 s:\n{server.stderr()}")
    took = time.monotonic() - stopping
    assert code == 0, server.stderr()
    assert server.stdout().rstrip().endswith(STOPPED_LINE), server.stdout()

    assert sender.popen.wait(timeout=15) == SENDER_LOST_SERVER, sender.stderr()
    stream = Stream.read(tmp_path / "outbox.jsonl", tmp_path / "acked.jsonl")
    check_whole_batches(stream, seen_ids(procs.home))
    # The final settle booked everything received: nothing left dirty, books balanced.
    final = books(procs.home)
    assert final.dirty_days == 0
    assert final.balance == final.ledger_sum
    assert final.entries > 0
    # Settling this much takes well under a second; the rest is slack. The sender's open
    # connection must not make stopping wait out a timeout.
    assert took < 3, f"stopping took {took:.1f} s with a client connected"


def test_sigterm_is_prompt_while_a_client_holds_an_idle_keep_alive_connection(
    procs: Processes,
) -> None:
    """A browser keeps its connection open for minutes; stopping must not wait for it.

    (Waitress's loop runs while any connection is open; ``ApiServer.stop`` closes them.)
    """
    server = procs.serve()
    idle = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        idle.request("GET", "/api/v1/health")
        assert idle.getresponse().read()
        stopping = time.monotonic()
        server.popen.send_signal(signal.SIGTERM)
        code = server.popen.wait(timeout=15)
        took = time.monotonic() - stopping
    finally:
        idle.close()
    assert code == 0, server.stderr()
    assert server.stdout().rstrip().endswith(STOPPED_LINE), server.stdout()
    assert took < 3, f"stopping took {took:.1f} s with an idle keep-alive connection open"


if __name__ == "__main__":
    port, token, outbox, acked, seconds = sys.argv[1:6]
    sys.exit(run_sender(int(port), token, Path(outbox), Path(acked), float(seconds)))
