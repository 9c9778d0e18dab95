"""Deeply nested JSON is refused with 400 before it is parsed, over real HTTP.

Python's JSON parser recurses once per level; a body nested a thousand deep made
the open pairing endpoint answer 500 and log a traceback.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from human_pretraining.api.guard import too_deeply_nested
from tests.api.conftest import Live, make_event


def deep_array(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_object(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def post(
    live: Live, path: str, body: bytes, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    response = live.session.post(
        live.url(path),
        data=body,
        headers={"Content-Type": "application/json", **(headers or {})},
        timeout=10,
    )
    return response.status_code, response.json()


@pytest.mark.parametrize("body", [deep_array(1000), deep_object(1000), deep_array(100_000)])
def test_deep_nesting_on_the_open_pairing_endpoint_is_a_400(
    live: Live, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        status, answer = post(live, "/api/v1/pair", body)
    assert status == 400
    assert answer["error"] == "too_deeply_nested"
    assert "nested" in answer["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_limit_is_32_levels(live: Live) -> None:
    assert not too_deeply_nested(deep_array(32) + b" " + deep_object(32))
    assert too_deeply_nested(b'{"a": "]]]]", "b": ' + deep_object(33) + b"}")
    assert post(live, "/api/v1/pair", deep_array(32))[0] == 422  # parsed: not a pair body
    assert post(live, "/api/v1/pair", deep_array(33))[0] == 400


def test_a_megabyte_of_escapes_is_measured_quickly(live: Live) -> None:
    """An unterminated string full of escaped quotes: no quadratic rescanning."""
    body = b'{"a": ' + b"[" * 20 + b'"' + b'\\"[' * 200_000
    status, answer = post(live, "/api/v1/pair", body)
    assert status == 400 and answer["error"] != "too_deeply_nested"


def test_deep_nesting_inside_an_event_batch_is_a_400(live: Live, auth: dict[str, str]) -> None:
    event = json.dumps(make_event()).encode()
    body = b'{"events": [' + event + b', {"detail": ' + deep_array(1000) + b"}]}"
    assert post(live, "/api/v1/events", body, auth)[0] == 400
    assert live.session.get(live.url("/api/v1/health")).status_code == 200


def test_brackets_inside_strings_do_not_count(live: Live) -> None:
    code = live.app.pairing.new_code().code
    client = 'a \\ b " ' + "[" * 60 + "{" * 30  # an escaped quote must not end the string
    body = json.dumps({"code": code, "client": client}).encode()
    status, answer = post(live, "/api/v1/pair", body)
    assert status == 201 and answer["client"] == client


def test_ordinary_nesting_is_accepted(live: Live, auth: dict[str, str]) -> None:
    body = json.dumps({"events": [make_event(scroll_px=10, idle=False)]}).encode()
    assert post(live, "/api/v1/events", body, auth)[0] == 200
