"""Benchmark: ingestion through the real endpoint, against the brief's targets.

Run from the repository root (the README's benchmark command)::

    .venv/bin/python -m tests.benchmarks.bench_api [--batches 400] [--singles 4000]

Starts ``human-pretraining serve`` in its own process on a fresh home, pairs,
then on ONE keep-alive HTTP connection sends batches of 100 events and then
single-event requests, timing each request. Events look like the extension's and
the monitor's heartbeats (a handful of subjects, consecutive minutes, unique ids).
At the end it checks that every acknowledged event is in the database.
Targets: >= 50,000 events/s in batches of 100; >= 2,000 single-event requests/s
with p99 <= 2 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from human_pretraining.core.ids import new_event_id

SUBJECTS = [
    ("app", "code"),
    ("web", "docs.python.org"),
    ("web", "youtube.com/shorts"),
    ("app", "slack"),
    ("web", "github.com"),
    ("app", "firefox"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def heartbeats(start: datetime) -> Iterator[dict[str, Any]]:
    """Endless realistic heartbeats: 10-second beats, switching subject every 30 beats."""
    moment, n = start, 0
    while True:
        source, subject = SUBJECTS[(n // 30) % len(SUBJECTS)]
        event: dict[str, Any] = {
            # Time-ordered (UUIDv7) like the app's own sources; see core/ids.py.
            "id": new_event_id(int(moment.timestamp() * 1000)),
            "source": source,
            "subject": subject,
            "start": moment.isoformat().replace("+00:00", "Z"),
            "duration": 10,
        }
        if subject.startswith("youtube"):
            event["signals"] = {"scroll_px": 800, "scroll_s": 4.5}
        yield event
        moment += timedelta(seconds=10)
        n += 1


def post(
    conn: http.client.HTTPConnection, path: str, body: bytes, headers: dict[str, str]
) -> dict[str, Any]:
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status not in (200, 201):
        raise RuntimeError(f"{path}: {response.status} {data[:300]!r}")
    result: dict[str, Any] = json.loads(data)
    return result


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=400)
    parser.add_argument("--singles", type=int, default=4000)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="hp-bench-api-"))
    env = {**os.environ, "HUMAN_PRETRAINING_HOME": str(home)}
    exe = str(Path(sys.executable).parent / "human-pretraining")
    port = free_port()
    server = subprocess.Popen(
        [exe, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.05)
        code = (
            subprocess.run([exe, "pair"], env=env, capture_output=True, text=True, check=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        conn = http.client.HTTPConnection("127.0.0.1", port)
        json_headers = {"Content-Type": "application/json", "Host": f"127.0.0.1:{port}"}
        token = post(
            conn,
            "/api/v1/pair",
            json.dumps({"code": code, "client": "bench"}).encode(),
            json_headers,
        )["token"]
        headers = {**json_headers, "Authorization": f"Bearer {token}"}
        beats = heartbeats(datetime.now(UTC) - timedelta(days=20))
        acked = 0

        # Warm-up (connection, caches, first statements).
        for _ in range(20):
            acked += post(
                conn,
                "/api/v1/events",
                json.dumps({"events": [next(beats) for _ in range(100)]}).encode(),
                headers,
            )["accepted"]

        bodies = [
            json.dumps({"events": [next(beats) for _ in range(100)]}).encode()
            for _ in range(args.batches)
        ]
        batch_times: list[float] = []
        t0 = time.perf_counter()
        for body in bodies:
            t = time.perf_counter()
            acked += post(conn, "/api/v1/events", body, headers)["accepted"]
            batch_times.append(time.perf_counter() - t)
        batch_s = time.perf_counter() - t0

        singles = [json.dumps({"events": [next(beats)]}).encode() for _ in range(args.singles)]
        single_times: list[float] = []
        t0 = time.perf_counter()
        for body in singles:
            t = time.perf_counter()
            acked += post(conn, "/api/v1/events", body, headers)["accepted"]
            single_times.append(time.perf_counter() - t)
        single_s = time.perf_counter() - t0
        conn.close()
    finally:
        server.terminate()
        server.wait(30)

    with sqlite3.connect(home / "history.sqlite3") as db:
        stored = db.execute("SELECT count(*) FROM seen_events").fetchone()[0]

    events_per_s = args.batches * 100 / batch_s
    singles_per_s = args.singles / single_s
    p50 = statistics.median(single_times) * 1000
    p99 = percentile(single_times, 0.99) * 1000
    batch_p50 = statistics.median(batch_times) * 1000
    batch_p99 = percentile(batch_times, 0.99) * 1000

    def row(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        print(f"  {name:<38} {value:>22}  {target:>12}  {verdict}")

    print("Human Pretraining ingestion benchmark (one keep-alive connection, server process)")
    row("measure", "value", "target")
    row("batches of 100: events/s", f"{events_per_s:,.0f}", ">= 50,000", events_per_s >= 50_000)
    row("batches of 100: p50 / p99 per batch", f"{batch_p50:.2f} / {batch_p99:.2f} ms")
    row("single events: requests/s", f"{singles_per_s:,.0f}", ">= 2,000", singles_per_s >= 2000)
    row("single events: p50 / p99 latency", f"{p50:.2f} / {p99:.2f} ms", "p99 <= 2 ms", p99 <= 2)
    row("acknowledged events stored", f"{stored:,} / {acked:,}", "all", stored == acked)


if __name__ == "__main__":
    main()
