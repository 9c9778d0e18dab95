"""Benchmark: settling and querying a year of heavy use, against the brief's targets.

Run from the repository root (the README's benchmark command)::

    .venv/bin/python -m tests.benchmarks.bench_store [--days 365] [--spans-per-day 960]

It builds a year of synthetic activity (>= 350,000 spans across ~60 apps and
sites, output words, tasks) in a fresh SQLite file under a temporary home,
settles it through the real ``Settler``, then times the queries the dashboard and
the extension make. Spans are written in bulk straight into the store: this
measures settling and reading; ingestion throughput is the API benchmark's job.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from human_pretraining.core.clock import add_days, day_bounds, day_of
from human_pretraining.core.model import MINUTE_MS
from human_pretraining.core.timeline import Flags
from human_pretraining.services.context import App, open_app
from human_pretraining.services.economy import AlreadyDone, Economy
from human_pretraining.services.ingest import mark_dirty, subject_ids
from human_pretraining.store.models import ActivitySpan

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)

APPS = [
    "code",
    "pycharm",
    "obsidian",
    "slack",
    "thunderbird",
    "gnome-terminal",
    "zoom",
    "spotify",
    "libreoffice",
    "gimp",
    "inkscape",
    "keepassxc",
    "nautilus",
    "evince",
    "emacs",
    "nvim",
    "zotero",
    "anki",
    "discord",
    "telegram-desktop",
]
SITES = [
    "docs.python.org",
    "developer.mozilla.org",
    "arxiv.org",
    "coursera.org",
    "en.wikipedia.org",
    "stackoverflow.com",
    "github.com",
    "khanacademy.org",
    "youtube.com/shorts",
    "youtube.com",
    "reddit.com",
    "x.com",
    "instagram.com",
    "tiktok.com",
    "facebook.com",
    "netflix.com",
    "twitch.tv",
    "news.ycombinator.com",
    "mail.google.com",
    "calendar.google.com",
    "docs.google.com",
    "notion.so",
    "figma.com",
    "linear.app",
    "chat.openai.com",
    "medium.com",
    "substack.com",
    "bbc.co.uk",
    "nytimes.com",
    "amazon.com",
    "ebay.com",
    "maps.google.com",
    "translate.google.com",
    "duolingo.com",
    "leetcode.com",
    "kaggle.com",
    "huggingface.co",
    "pypi.org",
    "npmjs.com",
    "readthedocs.io",
]


def build_year(app: App, days: int, spans_per_day: int, seed: int) -> int:
    rng = random.Random(seed)
    tz = app.tz()
    today = day_of(app.clock(), tz)
    cache: dict[tuple[str, str], int] = {}
    subjects = [("app", a) for a in APPS] + [("web", s) for s in SITES]
    folder = "/home/user/Documents/notes"
    total = 0
    with app.db.write() as conn:
        subject_ids(conn, cache, [*subjects, ("app", "firefox"), ("output", folder)])
        for offset in range(days, 0, -1):
            day = add_days(today, -offset + 1)
            start, _ = day_bounds(day, tz)
            cursor = start + 7 * 60 * MINUTE_MS
            rows = []
            for _ in range(spans_per_day):
                source, name = rng.choice(subjects)
                length = rng.randint(5, 70) * 1000
                flags = Flags.IDLE if rng.random() < 0.05 else Flags.NONE
                scroll = length // 2 if "youtube" in name or "reddit" in name else 0
                rows.append(
                    {
                        "device_id": app.device_id,
                        "subject_id": cache[(source, name)],
                        "start_ms": cursor,
                        "end_ms": cursor + length,
                        "flags": int(flags),
                        "scroll_px": scroll // 10,
                        "scroll_ms": scroll,
                        "words": 0,
                        "detail": None,
                    }
                )
                cursor += length + rng.randint(0, 3) * 1000
            rows.append(
                {
                    "device_id": app.device_id,
                    "subject_id": cache[("output", folder)],
                    "start_ms": start + 20 * 60 * MINUTE_MS,
                    "end_ms": start + 20 * 60 * MINUTE_MS,
                    "flags": 0,
                    "scroll_px": 0,
                    "scroll_ms": 0,
                    "words": rng.randint(0, 900),
                    "detail": None,
                }
            )
            conn.execute(insert(ActivitySpan), rows)
            total += len(rows)
        mark_dirty(conn, [add_days(today, -o) for o in range(days)])
    for offset in range(days):
        day = add_days(today, -offset)
        evening = day_bounds(day, tz)[0] + 21 * 60 * MINUTE_MS
        economy = Economy(app.deps.at(evening))
        for task in app.config().tasks[:2]:
            with contextlib.suppress(AlreadyDone):
                economy.complete_task(task.name)
    return total


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and worst wall time in milliseconds over ``repeat`` calls (after one warm-up)."""
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--spans-per-day", type=int, default=960)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--home", type=Path, help="keep the data here instead of a temp dir")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="hp-bench-"))
    now_ms = int(NOW.timestamp() * 1000)
    app = open_app(home, clock=lambda: now_ms)
    t0 = time.perf_counter()
    spans = build_year(app, args.days, args.spans_per_day, args.seed)
    build_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    report = app.settler.settle()
    year_s = time.perf_counter() - t0

    today = day_of(now_ms, app.tz())

    def settle_today() -> None:
        with app.db.write() as conn:
            mark_dirty(conn, [today])
        app.settler.settle()

    day_med, day_max = timed(settle_today, 10)
    summary_med, summary_max = timed(app.queries.summary, 50)
    week_med, week_max = timed(app.queries.week_usage, 50)
    balance_med, balance_max = timed(app.queries.balance, 200)

    app.close()  # the last connection to close checkpoints the WAL into the main file
    db_file = app.paths.database_file
    size_mb = sum(f.stat().st_size for f in db_file.parent.glob(db_file.name + "*")) / 1e6

    def row(name: str, value: str, target: str, ok: bool | None) -> None:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        print(f"  {name:<34} {value:>22}  {target:>10}  {verdict}")

    print(f"Human Pretraining store benchmark — {spans:,} activity spans over {args.days} days")
    print(f"  data in {db_file} (built in {build_s:.1f} s)")
    print(f"  {'measure':<34} {'median / worst':>22}  {'target':>10}")
    row("settle a year (all days dirty)", f"{year_s:.2f} s ({len(report.days)} days)", "", None)
    row("settle one day", f"{day_med:.1f} / {day_max:.1f} ms", "", None)
    row(
        "today's summary",
        f"{summary_med:.2f} / {summary_max:.2f} ms",
        "<= 10 ms",
        summary_med <= 10,
    )
    row("a week by site/app", f"{week_med:.2f} / {week_max:.2f} ms", "<= 20 ms", week_med <= 20)
    row("the balance", f"{balance_med:.3f} / {balance_max:.3f} ms", "<= 1 ms", balance_med <= 1)
    row("database size", f"{size_mb:.1f} MB", "<= 30 MB", size_mb <= 30)


if __name__ == "__main__":
    main()
