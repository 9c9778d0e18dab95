"""The endpoint guard's rules one by one, to the exact status, error code and header.

Over real HTTP against the real server (see tests/api/conftest.py). Written against
one-line changes of ``api/guard.py`` that the older tests let through, above all
dropping the binding between a Firefox token and the ``moz-extension://`` origin
it paired from: with two Firefox installs paired, each origin is known, so only
that binding stops one install's token from being used by the other.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from human_pretraining.api.server import ApiServer
from human_pretraining.services.context import App
from human_pretraining.store.models import SeenEvent
from tests.api.conftest import CHROME_ORIGIN, Live, make_event

FIREFOX_A = "moz-extension://11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
FIREFOX_B = "moz-extension://22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
ONE_MIB = 1024 * 1024


def seen_events(app: App) -> int:
    with app.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(SeenEvent)).scalar_one())


def post_events(live: Live, headers: dict[str, str], events: int = 1) -> requests.Response:
    body = {"events": [make_event(minutes_ago=5 + i) for i in range(events)]}
    return live.session.post(live.url("/api/v1/events"), json=body, headers=headers)


def refusal(response: requests.Response) -> tuple[int, str, str]:
    body: dict[str, Any] = response.json()
    return response.status_code, body["error"], body["message"]


# --------------------------------------------------------- Firefox token binding


def test_a_firefox_token_is_refused_from_another_paired_firefox_install(live: Live) -> None:
    token_a = live.pair("firefox-a", origin=FIREFOX_A)
    token_b = live.pair("firefox-b", origin=FIREFOX_B)
    # Both origins are now known, so the origin check alone lets either through.
    crossed = post_events(live, {"Authorization": f"Bearer {token_a}", "Origin": FIREFOX_B})
    assert refusal(crossed) == (
        403,
        "origin_not_allowed",
        "This token belongs to another extension.",
    )
    assert seen_events(live.app) == 0
    crossed_back = post_events(live, {"Authorization": f"Bearer {token_b}", "Origin": FIREFOX_A})
    assert crossed_back.status_code == 403
    assert seen_events(live.app) == 0


def test_each_firefox_install_uses_its_own_token(live: Live) -> None:
    token_a = live.pair("firefox-a", origin=FIREFOX_A)
    token_b = live.pair("firefox-b", origin=FIREFOX_B)
    first = post_events(live, {"Authorization": f"Bearer {token_a}", "Origin": FIREFOX_A})
    second = post_events(live, {"Authorization": f"Bearer {token_b}", "Origin": FIREFOX_B})
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.headers["Access-Control-Allow-Origin"] == FIREFOX_A
    assert second.headers["Access-Control-Allow-Origin"] == FIREFOX_B
    assert seen_events(live.app) == 2


def test_any_firefox_install_may_pair_but_nothing_else_before_pairing(live: Live) -> None:
    health = live.session.get(live.url("/api/v1/health"), headers={"Origin": FIREFOX_A})
    assert refusal(health) == (
        403,
        "origin_not_allowed",
        "This origin may not use the local endpoint.",
    )
    assert "Access-Control-Allow-Origin" not in health.headers
    token = live.pair("firefox-a", origin=FIREFOX_A)  # asserts 201
    health = live.session.get(live.url("/api/v1/health"), headers={"Origin": FIREFOX_A})
    assert health.status_code == 200
    assert post_events(live, {"Authorization": f"Bearer {token}", "Origin": FIREFOX_A}).ok


def test_a_chrome_origin_is_never_treated_as_a_firefox_one(live: Live) -> None:
    # A Chrome pairing binds no origin; its token works from the fixed extension origin.
    token = live.pair("chrome", origin=CHROME_ORIGIN)
    response = post_events(live, {"Authorization": f"Bearer {token}", "Origin": CHROME_ORIGIN})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == CHROME_ORIGIN


# ------------------------------------------------------------------ host and token


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]"])
def test_every_loopback_name_is_accepted_in_any_case(live: Live, host: str) -> None:
    port = live.server.port
    response = live.session.get(live.url("/api/v1/health"), headers={"Host": f"{host}:{port}"})
    assert response.status_code == 200


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1:1", "localhost"])
def test_other_hosts_are_refused_with_the_host_code(live: Live, host: str) -> None:
    headers = {"Host": host.format(port=live.server.port)}
    response = live.session.get(live.url("/api/v1/health"), headers=headers)
    assert refusal(response) == (
        403,
        "host_not_allowed",
        "Requests must be addressed to 127.0.0.1 or localhost.",
    )


def test_a_server_bound_to_another_address_accepts_that_address_as_host(app: App) -> None:
    # --allow-remote on another address (here 127.0.0.2, still this machine): requests
    # addressed to it are accepted, as are the loopback names.
    server = ApiServer(app, "127.0.0.2", 0, allow_remote=True)
    server.start()
    try:
        with requests.Session() as session:
            response = session.get(f"http://127.0.0.2:{server.port}/api/v1/health")
            assert response.status_code == 200
            other = session.get(
                f"http://127.0.0.2:{server.port}/api/v1/health",
                headers={"Host": f"127.0.0.3:{server.port}"},
            )
            assert other.status_code == 403
    finally:
        server.stop()


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_the_bearer_scheme_is_case_insensitive_and_spaces_are_trimmed(
    live: Live, token: str, scheme: str
) -> None:
    response = post_events(live, {"Authorization": f"{scheme}  {token} "})
    assert response.status_code == 200


@pytest.mark.parametrize("header", ["Basic {t}", "{t}", "Bearer", "Token {t}"])
def test_anything_but_a_bearer_token_is_401_with_the_code(
    live: Live, token: str, header: str
) -> None:
    response = post_events(live, {"Authorization": header.format(t=token)})
    assert refusal(response) == (
        401,
        "unauthorized",
        "A valid token is required; pair the client first.",
    )
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="human-pretraining"'
    assert seen_events(live.app) == 0


def test_health_and_pairing_are_the_only_open_endpoints(live: Live) -> None:
    assert live.session.get(live.url("/api/v1/health")).status_code == 200
    pairing = live.session.post(live.url("/api/v1/pair"), json={"code": "WRONG1", "client": "x"})
    assert refusal(pairing)[:2] == (403, "pairing_refused")  # judged, not a 401
    assert live.session.get(live.url("/api/v1/summary")).status_code == 401


def test_an_unknown_path_is_404_even_without_a_token(live: Live) -> None:
    response = live.session.get(live.url("/api/v1/nothing-here"))
    assert response.status_code == 404
    wrong_method = live.session.get(live.url("/api/v1/events"))
    assert wrong_method.status_code == 405


# ------------------------------------------------------------------- CORS headers


def test_a_preflight_needs_no_token_and_gets_the_exact_cors_headers(live: Live) -> None:
    response = live.session.options(
        live.url("/api/v1/events"),
        headers={"Origin": CHROME_ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == CHROME_ORIGIN
    assert response.headers["Access-Control-Allow-Headers"] == "Authorization, Content-Type"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert response.headers["Vary"] == "Origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_request_without_an_origin_gets_no_cors_headers_but_is_never_cached(
    live: Live, auth: dict[str, str]
) -> None:
    response = live.session.get(live.url("/api/v1/summary"), headers=auth)
    assert response.status_code == 200
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]
    assert response.headers["Vary"] == "Origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_refusals_are_never_cached_either(live: Live) -> None:
    response = live.session.get(live.url("/api/v1/summary"))
    assert response.status_code == 401
    assert response.headers["Cache-Control"] == "no-store"


# ------------------------------------------------------------------------- bodies


def test_a_post_must_be_json(live: Live, auth: dict[str, str]) -> None:
    response = live.session.post(
        live.url("/api/v1/events"),
        data=b'{"events": []}',
        headers={**auth, "Content-Type": "text/plain"},
    )
    assert refusal(response) == (
        415,
        "unsupported_media_type",
        "Send the body as application/json.",
    )


def padded(size: int) -> bytes:
    """A valid events body of exactly ``size`` bytes (one event, then spaces)."""
    body = json.dumps({"events": [make_event()]}).encode()
    return body + b" " * (size - len(body))


def test_a_body_just_under_the_limit_is_accepted(live: Live, auth: dict[str, str]) -> None:
    # Over real HTTP waitress refuses a body of the limit or more before the app sees it.
    response = live.session.post(
        live.url("/api/v1/events"),
        data=padded(ONE_MIB - 1),
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert seen_events(live.app) == 1


def post_to_the_app(live: Live, token: str, body: bytes) -> tuple[int, dict[str, Any]]:
    """POST straight into the Flask app, past waitress's own limit: the guard's check."""
    client = live.server.app.test_client()
    response = client.post(
        "/api/v1/events",
        data=body,
        base_url=f"http://127.0.0.1:{live.server.port}",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    return response.status_code, response.get_json()


def test_the_guard_accepts_a_body_of_exactly_the_limit(live: Live, token: str) -> None:
    status, _ = post_to_the_app(live, token, padded(ONE_MIB))
    assert status == 200
    assert seen_events(live.app) == 1


def test_the_guard_refuses_one_byte_over_the_limit(live: Live, token: str) -> None:
    status, body = post_to_the_app(live, token, padded(ONE_MIB + 1))
    assert (status, body) == (
        413,
        {"error": "request_entity_too_large", "message": "The request body is too large."},
    )
    assert seen_events(live.app) == 0
