"""Benchmark: the desktop app's start-up and its idle cost, against the brief's targets.

Run from the repository root (needs Xvfb, openbox, xdotool and x11-apps, which
``.ci/run`` installs)::

    .venv/bin/python -m tests.benchmarks.bench_gui [--runs 5] [--seconds 60]

1. Builds a year of history (the store benchmark's 350,000 spans) and settles it.
2. Starts ``human-pretraining gui`` on a virtual X display ``--runs`` times and
   reads how long after the process was created the dashboard was first painted
   (the app prints it when HUMAN_PRETRAINING_REPORT_STARTUP is set). Target: <= 1 s.
3. Starts ``human-pretraining gui --hidden`` with the monitor on (window hidden,
   endpoint, sampler, watchers, settling) and reports its CPU share of one core
   over ``--seconds`` and its resident memory. Targets: <= 1 % of one core, <= 200 MB.
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
from pathlib import Path

from human_pretraining.services.context import open_app
from tests.benchmarks.bench_monitor import process_cost, x_display
from tests.benchmarks.bench_store import build_year

EXE = str(Path(sys.executable).parent / "human-pretraining")


def year_home(days: int) -> Path:
    home = Path(tempfile.mkdtemp(prefix="hp-bench-gui-"))
    app = open_app(home)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.config_file.update_settings(port=port)
    build_year(app, days, 960, seed=1)
    app.settler.settle()
    app.close()
    return home


def gui_env(home: Path, display: str) -> dict[str, str]:
    return {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "HUMAN_PRETRAINING_HOME": str(home),
    }


def startup_ms(home: Path, display: str) -> float:
    env = {**gui_env(home, display), "HUMAN_PRETRAINING_REPORT_STARTUP": "1"}
    app = subprocess.Popen(
        [EXE, "gui", "--no-monitor"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert app.stdout is not None
        for line in app.stdout:
            if line.startswith("startup:"):
                return float(line.split()[3])
        raise RuntimeError("the app exited before showing its window")
    finally:
        app.terminate()
        app.wait(30)


def idle_cost(home: Path, display: str, seconds: int) -> tuple[float, float]:
    # 8 s covers start-up and the first settling round.
    return process_cost([EXE, "gui", "--hidden"], gui_env(home, display), 8, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    t0 = time.perf_counter()
    home = year_home(args.days)
    build_s = time.perf_counter() - t0
    with x_display() as display:
        startups = [startup_ms(home, display) for _ in range(args.runs)]
        cpu, rss = idle_cost(home, display, args.seconds)

    def row(name: str, value: str, target: str, ok: bool) -> None:
        print(f"  {name:<46} {value:>12}  {target:>10}  {'ok' if ok else 'MISSED'}")

    size = (home / "history.sqlite3").stat().st_size / 1e6
    print(
        f"Human Pretraining desktop benchmark ({args.days} days, {size:.0f} MB database, "
        f"built in {build_s:.0f} s)"
    )
    median, worst = statistics.median(startups), max(startups)
    row(
        f"start to dashboard shown, median of {args.runs}",
        f"{median:.0f} ms",
        "<= 1000 ms",
        median <= 1000,
    )
    row("start to dashboard shown, worst", f"{worst:.0f} ms", "", True)
    row(
        f"window hidden, over {args.seconds} s: CPU of one core", f"{cpu:.2f} %", "<= 1 %", cpu <= 1
    )
    row("window hidden: resident memory", f"{rss:.0f} MB", "<= 200 MB", rss <= 200)


if __name__ == "__main__":
    main()
