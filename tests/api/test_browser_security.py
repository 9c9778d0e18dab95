"""A web page in a real browser attacking the loopback endpoint writes nothing.

The endpoint listens on 127.0.0.1, so every page the user opens can address it:
a malicious site, an ad frame, or another local dev server. The browser's
same-origin policy only protects *responses*; it does not stop a page from
*sending* requests. A ``fetch`` with an ``Authorization`` header or a JSON body
is preflighted (and stopped when the server refuses the preflight), but a
"simple" request — a ``no-cors`` ``text/plain`` POST, or a plain HTML form
post — goes out without asking and reaches the server with the page's
``Origin``. If the server acted on such a request, a page could invent
activity, spend the user's points or pair itself as a client.

Here real Chromium (headless, Debian's ``/usr/bin/chromium``) opens an attacker
page served from another local origin (``http://127.0.0.1:<other port>`` and
``http://localhost:<other port>``) and tries every kind of request against the
live endpoint with payloads that would otherwise be accepted (events a few
minutes before the test clock, a valid pairing code, an allowance that the
overdraft setting would permit). A WSGI wrapper around the Flask app records
what actually arrived, so the test proves the simple requests did reach the
server and were refused there, and that nothing was written to the database.
A positive control sends the same payloads from the Chrome extension's origin
and sees them accepted, so the refusals are about the origin, not a broken
server or a bad payload.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright
from sqlalchemy import text

from tests.api.conftest import CHROME_ORIGIN, Live, make_event

CHROMIUM = "/usr/bin/chromium"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WRITE_TABLES = ("seen_events", "activity_spans", "ledger_entries", "purchases")
ALLOWANCE = {"site": "tiktok.com", "minutes": 10}  # 4 points a minute: 40 points

ATTACKER_PAGE = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>totally harmless</title></head>
<body><p>Nothing to see here.</p><iframe name="sink"></iframe></body></html>
"""

# Each attempt resolves or rejects; the page learns nothing more than that.
ATTACK_JS = """
async ({endpoint, token, events, pair, allowance}) => {
  const attempt = async (name, path, init) => {
    try {
      const response = await fetch(endpoint + path, init);
      const body = await response.text();
      return {name, outcome: "resolved", type: response.type, status: response.status, body};
    } catch (error) {
      return {name, outcome: "rejected", error: `${error.name}: ${error.message}`};
    }
  };
  const json = {"Content-Type": "application/json"};
  const plain = {"Content-Type": "text/plain"};
  return [
    await attempt("cors-json-with-token", "/api/v1/events", {
      method: "POST", body: events,
      headers: {...json, "Authorization": "Bearer " + token},
    }),
    await attempt("cors-json-without-token", "/api/v1/events", {
      method: "POST", body: events, headers: json,
    }),
    await attempt("no-cors-events", "/api/v1/events", {
      method: "POST", mode: "no-cors", headers: plain, body: events,
    }),
    await attempt("no-cors-pair", "/api/v1/pair", {
      method: "POST", mode: "no-cors", headers: plain, body: pair,
    }),
    await attempt("no-cors-allowance", "/api/v1/allowances", {
      method: "POST", mode: "no-cors", headers: plain, body: allowance,
    }),
    await attempt("cors-simple-events", "/api/v1/events", {
      method: "POST", headers: plain, body: events,
    }),
    await attempt("cors-get-summary-with-token", "/api/v1/summary", {
      headers: {"Authorization": "Bearer " + token},
    }),
  ];
}
"""

# The classic JSON-over-form trick: text/plain encodes the field as "name=value\\r\\n",
# so the name carries the JSON up to an open string and the "=" lands inside it.
FORM_JS = """
async ({action, name, value}) => {
  const sink = document.querySelector("iframe[name=sink]");
  const loaded = new Promise((resolve) => { sink.onload = () => resolve("loaded"); });
  const form = document.createElement("form");
  form.method = "POST";
  form.enctype = "text/plain";
  form.action = action;
  form.target = "sink";
  const field = document.createElement("input");
  field.type = "hidden";
  field.name = name;
  field.value = value;
  form.appendChild(field);
  document.body.appendChild(form);
  form.submit();
  const timeout = new Promise((resolve) => setTimeout(() => resolve("timeout"), 5000));
  return await Promise.race([loaded, timeout]);
}
"""


# ----------------------------------------------------------- what the server saw


@dataclass(frozen=True)
class Arrival:
    method: str
    path: str
    origin: str | None
    host: str
    content_type: str
    authorization: bool
    status: int
    allow_origin: str | None
    error: str | None
    body: bytes = field(repr=False)

    def __str__(self) -> str:
        auth = " +Authorization" if self.authorization else ""
        return (
            f"{self.method} {self.path} Origin={self.origin} Host={self.host} "
            f"CT={self.content_type or '-'}{auth} body={len(self.body)}B "
            f"-> {self.status} {self.error or ''} ACAO={self.allow_origin}"
        )


class ServerLog:
    """WSGI middleware around the Flask app: one :class:`Arrival` per answered request."""

    def __init__(self, inner: Callable[..., Iterable[bytes]]) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self._arrivals: list[Arrival] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        seen: dict[str, Any] = {}
        # Keep a copy of the body (the guard refuses before reading it) and hand it on.
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request_body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(request_body)

        def recording_start_response(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            seen["status"] = int(status.split()[0])
            seen["headers"] = dict(headers)
            return start_response(status, headers, *exc)

        chunks = self._inner(environ, recording_start_response)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        error = None
        if seen["status"] >= 400:
            try:
                error = json.loads(body).get("error")
            except ValueError:
                error = "(not json)"
        arrival = Arrival(
            method=environ["REQUEST_METHOD"],
            path=environ.get("PATH_INFO", ""),
            origin=environ.get("HTTP_ORIGIN"),
            host=environ.get("HTTP_HOST", ""),
            content_type=environ.get("CONTENT_TYPE", ""),
            authorization="HTTP_AUTHORIZATION" in environ,
            status=seen["status"],
            allow_origin=seen["headers"].get("Access-Control-Allow-Origin"),
            error=error,
            body=request_body,
        )
        with self._lock:
            self._arrivals.append(arrival)
        return [body]

    def arrivals(self) -> list[Arrival]:
        with self._lock:
            return list(self._arrivals)

    def wait_for(self, predicate: Callable[[list[Arrival]], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self.arrivals()):
            if time.monotonic() > deadline:
                log = "\n".join(map(str, self.arrivals()))
                pytest.fail(f"the server did not see the expected requests; it saw:\n{log}")
            time.sleep(0.02)


@pytest.fixture
def server_log(live: Live) -> ServerLog:
    recorder = ServerLog(live.server.app.wsgi_app)
    live.server.app.wsgi_app = recorder  # type: ignore[method-assign]
    return recorder


# ------------------------------------------------------------- attacker and browser


class _AttackerHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        found = self.path == "/"
        body = ATTACKER_PAGE if found else b"not found"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8" if found else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output quiet
        pass


@pytest.fixture(scope="module")
def attacker_port() -> Iterator[int]:
    """A plain web server on another loopback port: the attacker's local origin."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _AttackerHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="attacker-site", daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture
def chromium(playwright: Playwright, live: Live) -> Iterator[Browser]:
    """A fresh headless Chromium per test, closed *before* ``live`` stops the endpoint.

    Depending on ``live`` orders the teardown: the browser, and with it its idle
    keep-alive connections to the endpoint, is gone before the server stops.
    A missing browser fails (CI installs it) rather than skipping the check.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is needed at {CHROMIUM}: apt-get install chromium")
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


# ------------------------------------------------------------------ payloads


def events_body() -> dict[str, Any]:
    """Valid events a few minutes before the test clock (2026-11-26 14:00 UTC)."""
    return {
        "events": [
            make_event(minutes_ago=6, subject="code", source="app", duration=60),
            make_event(minutes_ago=5, subject="tiktok.com", source="web", duration=60),
            make_event(minutes_ago=4, subject="docs.python.org", source="web", duration=60),
        ]
    }


def allow_overdraft(live: Live) -> None:
    """With a fresh (zero) balance an allowance is only refused for lack of points; not here."""
    live.app.config_file.update_settings(allow_overdraft=True, overdraft_limit=1000)


def counts(live: Live) -> dict[str, int]:
    with live.app.db.read() as conn:
        return {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in (*WRITE_TABLES, "api_tokens")
        }


def arrived(origin: str, method: str, path: str, log: list[Arrival]) -> list[Arrival]:
    return [a for a in log if (a.origin, a.method, a.path) == (origin, method, path)]


# --------------------------------------------------------------------- tests


@pytest.mark.parametrize("attacker_host", ["127.0.0.1", "localhost"])
def test_a_page_on_another_local_origin_writes_nothing(
    live: Live,
    server_log: ServerLog,
    chromium: Browser,
    attacker_port: int,
    attacker_host: str,
) -> None:
    allow_overdraft(live)
    token = live.pair()  # the user's real extension token, which the page somehow knows
    code = live.app.pairing.new_code().code  # shown in the app right now, not yet used
    attacker = f"http://{attacker_host}:{attacker_port}"
    assert attacker_port != live.server.port

    context = chromium.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(attacker + "/")
        assert page.evaluate("location.origin") == attacker
        outcomes = page.evaluate(
            ATTACK_JS,
            {
                "endpoint": live.base,
                "token": token,
                "events": json.dumps(events_body()),
                "pair": json.dumps({"code": code, "client": "evil page"}),
                "allowance": json.dumps(ALLOWANCE),
            },
        )
        form_event = make_event(minutes_ago=3, subject="code", source="app")
        del form_event["subject"]
        prefix = json.dumps({"events": [form_event]})[: -len("}]}")]
        form = page.evaluate(
            FORM_JS,
            {
                "action": live.url("/api/v1/events"),
                "name": prefix + ', "subject": "code',
                "value": '"}]}',
            },
        )
    finally:
        context.close()

    # no-cors + cors-simple + form = 3 event POSTs; wait until all have been answered.
    server_log.wait_for(lambda log: len(arrived(attacker, "POST", "/api/v1/events", log)) >= 3)
    log = server_log.arrivals()
    print(f"\nattacker {attacker}, endpoint {live.base}")
    for outcome in outcomes:
        print("  page saw:", outcome)
    print("  form post:", form)
    print("  server saw:")
    for arrival in log:
        print("   ", arrival)

    # 1. Nothing was written: no events, spans, ledger entries, purchases or new tokens.
    assert counts(live) == {**dict.fromkeys(WRITE_TABLES, 0), "api_tokens": 1}

    # 2. The simple requests did reach the server, with payloads that would otherwise be
    #    accepted, and were refused there for their origin; the preflights were refused too.
    seen = [a for a in log if a.origin == attacker]
    assert seen, "nothing from the page reached the server, so the test proves nothing"
    event_posts = arrived(attacker, "POST", "/api/v1/events", log)
    assert len(event_posts) == 3
    for arrival in event_posts:
        assert arrival.content_type.split(";")[0] == "text/plain", arrival
        body = json.loads(arrival.body)  # the form's text/plain body is valid JSON too
        assert set(body) == {"events"} and body["events"], arrival.body
    [pair_post] = arrived(attacker, "POST", "/api/v1/pair", log)
    assert json.loads(pair_post.body)["code"] == code
    [allowance_post] = arrived(attacker, "POST", "/api/v1/allowances", log)
    assert json.loads(allowance_post.body) == ALLOWANCE
    assert arrived(attacker, "OPTIONS", "/api/v1/events", log), "JSON fetches not preflighted"
    assert arrived(attacker, "OPTIONS", "/api/v1/summary", log), "token GET not preflighted"
    assert not arrived(attacker, "GET", "/api/v1/summary", log), "the preflight must stop it"
    for arrival in seen:
        assert arrival.host == f"127.0.0.1:{live.server.port}", arrival
        assert arrival.status == 403 and arrival.error == "origin_not_allowed", arrival
        assert arrival.allow_origin is None, arrival
        # A request carrying the token can only follow an allowed preflight.
        assert not (arrival.authorization and arrival.method != "OPTIONS"), arrival
    # Everything else the server saw was the test's own pairing (no Origin).
    others = [(a.method, a.path, a.origin, a.status) for a in log if a.origin != attacker]
    assert others == [("POST", "/api/v1/pair", None, 201)]

    # 3. What the page saw: CORS requests fail outright, no-cors ones are opaque.
    by_name = {o["name"]: o for o in outcomes}
    for name in (
        "cors-json-with-token",
        "cors-json-without-token",
        "cors-simple-events",
        "cors-get-summary-with-token",
    ):
        assert by_name[name]["outcome"] == "rejected", by_name[name]
        assert by_name[name]["error"].startswith("TypeError"), by_name[name]
    for name in ("no-cors-events", "no-cors-pair", "no-cors-allowance"):
        assert by_name[name]["outcome"] == "resolved", by_name[name]
        assert by_name[name]["type"] == "opaque", by_name[name]
        assert by_name[name]["status"] == 0 and by_name[name]["body"] == "", by_name[name]
    assert form == "loaded"

    # 4. The pairing code the page sent is still unused: the user can pair with it now.
    response = live.session.post(live.url("/api/v1/pair"), json={"code": code, "client": "later"})
    assert response.status_code == 201, response.text
    assert counts(live)["api_tokens"] == 2


def test_the_same_payloads_from_the_extension_origin_are_accepted(live: Live) -> None:
    """The positive control: the refusals above are about the origin, not the server."""
    allow_overdraft(live)
    token = live.pair()
    headers = {"Origin": CHROME_ORIGIN, "Authorization": f"Bearer {token}"}

    preflight = live.session.options(
        live.url("/api/v1/events"),
        headers={
            "Origin": CHROME_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == CHROME_ORIGIN
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()

    summary = live.session.get(live.url("/api/v1/summary"), headers=headers)
    assert summary.status_code == 200, summary.text
    assert summary.headers["Access-Control-Allow-Origin"] == CHROME_ORIGIN
    assert summary.headers["Access-Control-Allow-Origin"] != "*"

    body = events_body()
    posted = live.session.post(live.url("/api/v1/events"), json=body, headers=headers)
    assert posted.status_code == 200, posted.text
    assert posted.headers["Access-Control-Allow-Origin"] == CHROME_ORIGIN
    assert posted.json() == {"accepted": len(body["events"]), "duplicates": 0}

    bought = live.session.post(live.url("/api/v1/allowances"), json=ALLOWANCE, headers=headers)
    assert bought.status_code == 201, bought.text
    assert bought.headers["Access-Control-Allow-Origin"] == CHROME_ORIGIN

    after = counts(live)
    assert after["seen_events"] == len(body["events"])
    assert after["purchases"] == 1
    assert after["ledger_entries"] >= 1
