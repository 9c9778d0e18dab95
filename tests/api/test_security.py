"""Each rule of the endpoint's security model, over real HTTP against the real server.

And the rule behind them all: nothing from a rejected request is stored.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from human_pretraining.services.context import App
from human_pretraining.store.models import ActivitySpan, ApiToken, Purchase, SeenEvent
from tests.api.conftest import CHROME_ORIGIN, Live, make_event
from tests.conftest import FakeClock


def stored(app: App) -> tuple[int, int, int]:
    with app.db.read() as conn:
        return (
            conn.execute(select(func.count()).select_from(SeenEvent)).scalar_one(),
            conn.execute(select(func.count()).select_from(ActivitySpan)).scalar_one(),
            conn.execute(select(func.count()).select_from(Purchase)).scalar_one(),
        )


def post_events(live: Live, headers: dict[str, str], body: object = None) -> int:
    payload = body if body is not None else {"events": [make_event()]}
    response = live.session.post(live.url("/api/v1/events"), json=payload, headers=headers)
    return response.status_code


def test_health_needs_no_token_and_reveals_nothing_private(live: Live) -> None:
    response = live.session.get(live.url("/api/v1/health"))
    assert response.status_code == 200
    assert set(response.json()) == {"ok", "version"}


@pytest.mark.parametrize("path", ["/api/v1/summary", "/api/v1/verdict?url=https://x.com"])
def test_reads_need_a_token(live: Live, path: str) -> None:
    response = live.session.get(live.url(path))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "bearer x y"],
)
def test_writes_without_a_valid_token_are_401_and_store_nothing(live: Live, header: str) -> None:
    headers = {"Authorization": header} if header else {}
    assert post_events(live, headers) == 401
    assert stored(live.app) == (0, 0, 0)


def test_a_revoked_token_stops_working(live: Live, auth: dict[str, str]) -> None:
    assert post_events(live, auth) == 200
    live.app.pairing.revoke("test-client")
    assert post_events(live, auth) == 401


@pytest.mark.parametrize(
    "host",
    [
        "evil.com",
        "evil.com:{port}",
        "127.0.0.1",
        "127.0.0.1:1",
        "localhost.evil.com:{port}",
        "127.0.0.1:{port}.evil.com",
        "192.168.1.10:{port}",
    ],
)
def test_dns_rebinding_hosts_are_refused(live: Live, auth: dict[str, str], host: str) -> None:
    headers = {**auth, "Host": host.format(port=live.server.port)}
    assert post_events(live, headers) == 403
    response = live.session.get(live.url("/api/v1/health"), headers={"Host": headers["Host"]})
    assert response.status_code == 403
    assert stored(live.app) == (0, 0, 0)


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_loopback_hosts_are_accepted(live: Live, auth: dict[str, str], host: str) -> None:
    assert post_events(live, {**auth, "Host": host.format(port=live.server.port)}) == 200


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.com",
        "http://127.0.0.1:8000",
        "null",
        "chrome-extension://abcdefghijklmnop",
        "moz-extension://0f1e2d3c-unknown",
    ],
)
def test_foreign_origins_are_refused_even_with_a_token(
    live: Live, auth: dict[str, str], origin: str
) -> None:
    response = live.session.post(
        live.url("/api/v1/events"),
        json={"events": [make_event()]},
        headers={**auth, "Origin": origin},
    )
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers
    assert stored(live.app) == (0, 0, 0)


def test_preflight_from_a_foreign_origin_gets_no_cors_headers(live: Live) -> None:
    response = live.session.options(
        live.url("/api/v1/events"),
        headers={
            "Origin": "https://evil.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_extension_origin_gets_cors_headers_never_a_wildcard(
    live: Live, auth: dict[str, str]
) -> None:
    preflight = live.session.options(
        live.url("/api/v1/events"),
        headers={"Origin": CHROME_ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == CHROME_ORIGIN
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()
    response = live.session.post(
        live.url("/api/v1/events"),
        json={"events": [make_event()]},
        headers={**auth, "Origin": CHROME_ORIGIN},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == CHROME_ORIGIN


def test_a_firefox_install_is_bound_to_the_origin_it_paired_from(live: Live) -> None:
    mine, other = "moz-extension://11111111-aaaa", "moz-extension://22222222-bbbb"
    token = live.pair("firefox", origin=mine)
    auth = {"Authorization": f"Bearer {token}"}
    assert post_events(live, {**auth, "Origin": mine}) == 200
    assert post_events(live, {**auth, "Origin": other}) == 403
    with live.app.db.read() as conn:
        assert conn.execute(select(ApiToken.origin)).scalar_one() == mine


def test_a_text_plain_simple_post_never_writes(live: Live, auth: dict[str, str]) -> None:
    body = json.dumps({"events": [make_event()]})
    for headers in ({}, auth):
        response = live.session.post(
            live.url("/api/v1/events"), data=body, headers={**headers, "Content-Type": "text/plain"}
        )
        assert response.status_code in (401, 415)
    assert stored(live.app) == (0, 0, 0)


def test_body_limit_is_413(live: Live, auth: dict[str, str]) -> None:
    big = json.dumps({"events": [make_event(subject="x" * 400)] * 1000, "pad": "y" * 2_000_000})
    response = live.session.post(
        live.url("/api/v1/events"), data=big, headers={**auth, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert stored(live.app) == (0, 0, 0)


def test_a_chunked_body_over_the_limit_is_refused(live: Live, auth: dict[str, str]) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"events": ['
        for _ in range(3000):
            yield json.dumps(make_event(subject="y" * 400)).encode() + b","
        yield json.dumps(make_event()).encode() + b"]}"

    response = live.session.post(
        live.url("/api/v1/events"),
        data=chunks(),
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert stored(live.app) == (0, 0, 0)


def test_malformed_json_is_400(live: Live, auth: dict[str, str]) -> None:
    response = live.session.post(
        live.url("/api/v1/events"),
        data="{not json",
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"events": []}, "events"),
        ({"events": [make_event()] * 1001}, "events"),
        ({"events": [{**make_event(), "id": "x"}]}, "events[0].id"),
        ({"events": [{**make_event(), "duration": -1}]}, "events[0].duration"),
        ({"events": [{**make_event(), "duration": 10**9}]}, "events[0].duration"),
        ({"events": [make_event(minutes_ago=-60)]}, "events[0].start"),
        ({"events": [make_event(minutes_ago=60 * 24 * 365)]}, "events[0].start"),
        ({"events": [{**make_event(), "subject": "s" * 501}]}, "events[0].subject"),
        ({"events": [make_event(), {**make_event(), "source": "tv"}]}, "events[1].source"),
        ({"events": [{**make_event(), "detail": {"title": "t" * 1001}}]}, "events[0].detail.title"),
    ],
)
def test_schema_and_time_violations_are_422_naming_the_field(
    live: Live, auth: dict[str, str], body: object, field: str
) -> None:
    response = live.session.post(live.url("/api/v1/events"), json=body, headers=auth)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert stored(live.app) == (0, 0, 0)


def test_errors_carry_no_internals(live: Live, auth: dict[str, str]) -> None:
    response = live.session.post(live.url("/api/v1/events"), json={"events": "x"}, headers=auth)
    text = response.text
    assert "Traceback" not in text and "site-packages" not in text and ".py" not in text
    assert response.headers["Content-Type"].startswith("application/json")


def test_pairing_codes_are_single_use_and_throttled(live: Live) -> None:
    code = live.app.pairing.new_code().code
    first = live.session.post(live.url("/api/v1/pair"), json={"code": code, "client": "a"})
    again = live.session.post(live.url("/api/v1/pair"), json={"code": code, "client": "b"})
    assert (first.status_code, again.status_code) == (201, 403)
    live.app.pairing.new_code()  # wrong codes count while a code waits to be used
    statuses = [
        live.session.post(
            live.url("/api/v1/pair"), json={"code": "WRONG-0000", "client": "x"}
        ).status_code
        for _ in range(6)
    ]
    assert statuses[-1] == 429


def test_pairing_codes_expire(live: Live, clock: FakeClock) -> None:
    code = live.app.pairing.new_code().code
    clock.advance(6 * 60)
    response = live.session.post(live.url("/api/v1/pair"), json={"code": code, "client": "late"})
    assert response.status_code == 403
    assert "expired" in response.json()["message"]


def test_tokens_are_stored_hashed(live: Live, token: str) -> None:
    with live.app.db.read() as conn:
        hashes = list(conn.execute(select(ApiToken.token_hash)).scalars())
    assert hashes and token not in hashes


def test_a_busy_port_gives_a_clear_message(app: App) -> None:
    from human_pretraining.api.server import ApiServer, ServerError

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ServerError, match=f"port {port} is already in use"):
            ApiServer(app, "127.0.0.1", port)


def test_non_loopback_binding_needs_the_explicit_flag(app: App) -> None:
    from human_pretraining.api.server import ApiServer, ServerError

    with pytest.raises(ServerError, match="--allow-remote"):
        ApiServer(app, "0.0.0.0", 0)


def test_an_idle_server_does_not_spin(live: Live) -> None:
    """Waitress reads its loop timeout as an integer; a value below 1 spun a whole core."""
    import time

    start = time.process_time()
    time.sleep(1.0)
    assert time.process_time() - start < 0.3  # a spinning loop uses the whole second
