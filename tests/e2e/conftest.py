"""End-to-end harness: the real desktop server, real Chromium, the real unpacked extension.

``Desktop`` runs ``human-pretraining --home DIR serve --port P --no-monitor`` as a
subprocess (stoppable and restartable on the same home and port, to play "the
app is down"), with a config whose rules map local test sites to categories.
``Sites`` serves plain pages on 127.0.0.1; Chromium resolves every
``*.localhost`` name to loopback, so ``learn.localhost`` and ``feed.localhost``
are different sites to the browser and to the rules while staying on this
machine. ``Browser`` launches Debian's Chromium with the extension loaded from
``extension/`` into a profile folder that survives a restart.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests
from playwright.sync_api import BrowserContext, Page, Playwright, Worker, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "extension"
IDENTITY = json.loads((ROOT / "shared" / "extension-identity.json").read_text("utf-8"))
EXTENSION_ID: str = IDENTITY["chrome"]["id"]
EXTENSION_ORIGIN = f"chrome-extension://{EXTENSION_ID}"
CHROMIUM = "/usr/bin/chromium"
CLI = Path(sys.executable).parent / "human-pretraining"  # the installed console script
CHROMIUM_ARGS = [
    f"--disable-extensions-except={EXTENSION}",
    f"--load-extension={EXTENSION}",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Rates of one point per second make the expected points easy to check: seconds browsed.
CONFIG = """
[settings]
timezone = "UTC"
idle_threshold_s = 15
nudge_pause_s = 1
nudge_minutes = 1
nudge_surcharge_pct = 200

[[rules]]
id = "learn"
site = "learn.localhost"
category = "learning"
rate = 60

[[rules]]
id = "feed"
site = "feed.localhost"
category = "distraction"
rate = -60

[[rules]]
id = "shorts"
site = "shorts.localhost"
category = "distraction"
rate = -6
enforcement = "nudge"

[[rules]]
id = "casino"
site = "casino.localhost"
category = "distraction"
rate = -10
enforcement = "block"

[[tasks]]
name = "Explain something"
points = 30
repeat = "any"
"""

T = TypeVar("T")


def wait_until(
    probe: Callable[[], T], timeout: float = 10.0, interval: float = 0.05, what: str = ""
) -> T:
    """Poll ``probe`` until it returns something truthy; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: T = probe()
    while not last:
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what or probe}: last {last!r}")
        time.sleep(interval)
        last = probe()
    return last


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# ------------------------------------------------------------------ the desktop app


@dataclass
class Desktop:
    home: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.home / "serve.log"

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            [str(CLI), "--home", str(self.home), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr + result.stdout
        return result.stdout

    def start(self) -> None:
        assert self.process is None
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(CLI),
                    "--home",
                    str(self.home),
                    "serve",
                    "--port",
                    str(self.port),
                    "--no-monitor",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(self.healthy, 20, what=f"the server to answer; log:\n{self.log_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        self.process.wait(20)
        self.process = None

    def healthy(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"serve exited: {self.log_text()}")
        try:
            return requests.get(f"http://127.0.0.1:{self.port}/api/v1/health", timeout=1).ok
        except requests.ConnectionError:
            return False

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def pairing_code(self) -> str:
        return self.cli("pair").strip().splitlines()[-1].strip()

    # -- reading what the app stored (the server keeps running; SQLite WAL lets us read)

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        db = sqlite3.connect(f"file:{self.home / 'history.sqlite3'}?mode=ro", uri=True, timeout=10)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def site_ms(self, subject: str) -> int:
        """Milliseconds of activity stored for a web subject (merged spans)."""
        rows = self.query(
            "SELECT coalesce(sum(s.end_ms - s.start_ms), 0) FROM activity_spans s "
            "JOIN subjects j ON j.id = s.subject_id WHERE j.source = 'web' AND j.name = ?",
            subject,
        )
        return int(rows[0][0])

    def seen(self, ids: list[str]) -> set[str]:
        stored = {bytes(r[0]) for r in self.query("SELECT event_id FROM seen_events")}
        return {i for i in ids if uuid.UUID(i).bytes in stored}

    def seen_count(self) -> int:
        return int(self.query("SELECT count(*) FROM seen_events")[0][0])

    def ledger(self, kind: str, ref: str) -> int:
        """Milli-points booked for ``ref`` (a rule id or reward name)."""
        rows = self.query(
            "SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE kind = ? AND ref = ?",
            kind,
            ref,
        )
        return int(rows[0][0])


@contextmanager
def running_desktop(home: Path, config: str = CONFIG) -> Iterator[Desktop]:
    """The desktop app serving a fresh home with the test rules."""
    home.mkdir(parents=True)
    (home / "config.toml").write_text(config, encoding="utf-8")
    app = Desktop(home, free_port())
    app.start()
    try:
        yield app
    finally:
        app.stop()


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[Desktop]:
    with running_desktop(tmp_path / "home") as app:
        yield app


# ------------------------------------------------------------------ test sites


PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body style="margin:0"><h1>{title}</h1><div style="height:20000px;background:
linear-gradient(#fff,#ccd)">a long page to scroll</div></body></html>"""


class _SiteHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        host = self.headers.get("Host", "").split(":")[0]
        body = PAGE.format(title=f"{host} {self.path}").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_sites() -> Iterator[Callable[..., str]]:
    """``url("learn", "/a")`` → ``http://learn.localhost:PORT/a``, served on 127.0.0.1."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _SiteHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="test-sites", daemon=True)
    thread.start()
    port = httpd.server_address[1]
    try:
        yield lambda name, path="/": f"http://{name}.localhost:{port}{path}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def sites() -> Iterator[Callable[..., str]]:
    with serve_sites() as url:
        yield url


# ------------------------------------------------------------------ the browser


@pytest.fixture(scope="module")  # module: other test modules start their own driver
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is needed at {CHROMIUM}: apt-get install chromium")
    driver = sync_playwright().start()
    yield driver
    driver.stop()


class Browser:
    """Chromium with the unpacked extension on a profile folder that outlives restarts."""

    def __init__(
        self,
        playwright: Playwright,
        profile: Path,
        headless: bool = True,
        env: dict[str, str] | None = None,
    ) -> None:
        self._playwright = playwright
        self.profile = profile
        self.headless = headless
        self.env = env
        self.context: BrowserContext | None = None
        self.launch()

    def launch(self) -> None:
        """Start Chromium on the profile (again, after ``close``: a browser restart)."""
        self.context = self._playwright.chromium.launch_persistent_context(
            str(self.profile),
            executable_path=CHROMIUM,
            headless=self.headless,
            args=CHROMIUM_ARGS,
            env=self.env,
        )
        self.context.set_default_timeout(15_000)
        self.worker()

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
            self.context = None

    @property
    def ctx(self) -> BrowserContext:
        assert self.context is not None
        return self.context

    def worker(self) -> Worker:
        workers = [w for w in self.ctx.service_workers if EXTENSION_ID in w.url]
        if workers:
            return workers[-1]
        return self.ctx.wait_for_event(
            "serviceworker", predicate=lambda w: EXTENSION_ID in w.url, timeout=15_000
        )

    def storage(self, *keys: str) -> dict[str, Any]:
        """The extension's stored state, read inside its own service worker."""
        for _ in range(3):
            try:
                result: dict[str, Any] = self.worker().evaluate(
                    "(keys) => chrome.storage.local.get(keys)", list(keys)
                )
                return result
            except Exception:  # the worker was just stopped and is being replaced
                time.sleep(0.2)
        raise AssertionError("the extension's service worker did not answer")

    def extension_page(self, path: str) -> Page:
        page = self.ctx.new_page()
        page.goto(f"{EXTENSION_ORIGIN}/{path}")
        page.wait_for_selector("body[data-ready]")
        return page

    def stop_service_worker(self) -> None:
        """Stop the extension's worker as Chrome does when it is idle (CDP ServiceWorker domain)."""
        page = self.ctx.new_page()
        page.goto(f"{EXTENSION_ORIGIN}/popup/popup.css")  # any extension page: same partition
        cdp = self.ctx.new_cdp_session(page)
        cdp.send("ServiceWorker.enable")
        cdp.send("ServiceWorker.stopAllWorkers")
        cdp.detach()
        page.close()

    def pair(self, desktop: Desktop) -> Page:
        options = self.extension_page("options/options.html")
        options.fill("#code", desktop.pairing_code())
        options.fill("#port", str(desktop.port))
        options.click("#submit")
        options.wait_for_selector("#state[data-state=paired]")
        return options


@pytest.fixture
def browser(playwright: Playwright, tmp_path: Path) -> Iterator[Browser]:
    chromium = Browser(playwright, tmp_path / "profile")
    yield chromium
    chromium.close()


@pytest.fixture
def paired(browser: Browser, desktop: Desktop) -> Browser:
    browser.pair(desktop)
    return browser


def queued(browser: Browser) -> list[dict[str, Any]]:
    queue: list[dict[str, Any]] = browser.storage("queue").get("queue", [])
    return queue
