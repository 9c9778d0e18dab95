"""Benchmark: the monitor's cost, against the brief's targets.

Run from the repository root (needs Xvfb, openbox, xdotool and x11-apps, which
``.ci/run`` installs)::

    .venv/bin/python -m tests.benchmarks.bench_monitor [--seconds 60]

1. Starts a virtual X display with a window manager and a real window in front,
   then times the sampler's tick (the X11 foreground and idle probes plus building
   the heartbeat) over 2,000 ticks. Target: <= 2 ms per tick.
2. Runs ``human-pretraining serve`` on that display (endpoint, settling, sampler,
   output and config watchers) for ``--seconds`` and reports its CPU share of one
   core and its resident memory. Targets: <= 1 % of one core, <= 200 MB.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

from human_pretraining.monitor.sampler import Sampler
from human_pretraining.monitor.x11 import X11Probe
from human_pretraining.services.context import open_app


@contextmanager
def x_display() -> Iterator[str]:
    """Xvfb + openbox + one xmessage window, activated; yields the DISPLAY name."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        display = f":{pipe.readline().strip()}"
    env = {**os.environ, "DISPLAY": display}
    helpers = [
        subprocess.Popen(["openbox", "--sm-disable"], env=env, stderr=subprocess.DEVNULL),
        subprocess.Popen(
            ["xmessage", "-name", "bench", "-title", "Benchmark window", "hello"], env=env
        ),
    ]
    try:
        wid = subprocess.run(
            ["xdotool", "search", "--sync", "--classname", "bench"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=20,
        ).stdout.split()[0]
        activate = ["xdotool", "windowactivate", "--sync", wid]
        subprocess.run(activate, env=env, check=True, timeout=20)
        yield display
    finally:
        for process in [*helpers, xvfb]:
            process.terminate()
            process.wait(10)


def tick_cost(display: str, ticks: int) -> tuple[float, float, str]:
    home = Path(tempfile.mkdtemp(prefix="hp-bench-monitor-"))
    app = open_app(home)
    probe = X11Probe(display=display)
    sampler = Sampler(app.ingestor.ingest, probe, probe, app.settings)
    front = probe.foreground()
    samples = []
    for _ in range(ticks):
        t0 = time.perf_counter()
        sampler.tick()
        samples.append((time.perf_counter() - t0) * 1000)
    sampler.flush()
    probe.close()
    app.close()
    samples.sort()
    return statistics.mean(samples), samples[int(len(samples) * 0.99)], repr(front)


def process_cost(
    command: list[str], env: dict[str, str], warm_up_s: float, seconds: int
) -> tuple[float, float]:
    """Starts ``command``, waits ``warm_up_s`` (start-up is not the steady state), then
    returns its CPU share of one core in % over ``seconds`` and its resident memory in MB."""
    started = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        time.sleep(warm_up_s)
        process = psutil.Process(started.pid)
        before = process.cpu_times()
        t0 = time.monotonic()
        time.sleep(seconds)
        after = process.cpu_times()
        elapsed = time.monotonic() - t0
        rss = process.memory_info().rss / 1e6
    finally:
        started.terminate()
        started.wait(30)
    used = (after.user - before.user) + (after.system - before.system)
    return used / elapsed * 100, rss


def serve_cost(display: str, seconds: int) -> tuple[float, float]:
    home = Path(tempfile.mkdtemp(prefix="hp-bench-serve-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DISPLAY": display, "HUMAN_PRETRAINING_HOME": str(home)}
    exe = str(Path(sys.executable).parent / "human-pretraining")
    # 5 s covers start-up (imports, migrations).
    return process_cost([exe, "serve", "--port", str(port)], env, 5, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--ticks", type=int, default=2000)
    args = parser.parse_args()
    with x_display() as display:
        mean, p99, front = tick_cost(display, args.ticks)
        cpu, rss = serve_cost(display, args.seconds)

    def row(name: str, value: str, target: str, ok: bool) -> None:
        print(f"  {name:<44} {value:>14}  {target:>10}  {'ok' if ok else 'MISSED'}")

    print(f"Human Pretraining monitor benchmark (X11 on Xvfb; in front: {front})")
    row("sampler tick, mean", f"{mean:.3f} ms", "<= 2 ms", mean <= 2)
    row("sampler tick, p99", f"{p99:.3f} ms", "", True)
    over = f"serve + monitor over {args.seconds} s: CPU of one core"
    row(over, f"{cpu:.2f} %", "<= 1 %", cpu <= 1)
    row("serve + monitor: resident memory", f"{rss:.0f} MB", "<= 200 MB", rss <= 200)


if __name__ == "__main__":
    main()
