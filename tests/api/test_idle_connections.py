"""Idle connections cannot starve the endpoint: real sockets against the real server.

Waitress stops accepting at its connection limit, and a socket that never sends
anything used to stay for two minutes; 110 of them left the browser unanswered.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import time
from collections.abc import Iterator

import pytest
import requests

from human_pretraining.api.server import CONNECTION_LIMIT, IDLE_TIMEOUT_S, ApiServer
from human_pretraining.services.context import App
from tests.api.conftest import Live


@contextlib.contextmanager
def idle_sockets(port: int, count: int) -> Iterator[list[socket.socket]]:
    """``count`` connections that never send a byte; all closed afterwards, pass or fail."""
    opened: list[socket.socket] = []
    try:
        for _ in range(count):
            opened.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        yield opened
    finally:
        for sock in opened:
            sock.close()


def closed_by_server(sock: socket.socket, timeout: float) -> bool:
    """Wait (blocking in recv, no polling) until the server closes ``sock``."""
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_defaults_close_idle_connections_and_bound_their_number() -> None:
    assert IDLE_TIMEOUT_S == 30
    assert 50 <= CONNECTION_LIMIT <= 200


def test_health_answers_while_150_idle_connections_are_open(live: Live) -> None:
    with idle_sockets(live.server.port, 150) as flood:
        started = time.monotonic()
        response = requests.get(live.url("/api/v1/health"), timeout=5)
        assert response.status_code == 200
        assert time.monotonic() - started < 3
        # The oldest idle connections made room: the server closed them.
        assert closed_by_server(flood[0], timeout=5)
        # A client that keeps using its connection is not the one closed.
        with requests.Session() as browser:
            for _ in range(3):
                assert browser.get(live.url("/api/v1/health"), timeout=5).status_code == 200


def test_a_connection_that_stays_idle_is_closed(app: App) -> None:
    server = ApiServer(app, "127.0.0.1", 0, idle_timeout_s=1)
    server.start()
    try:
        with idle_sockets(server.port, 1) as (silent,):
            started = time.monotonic()
            assert closed_by_server(silent, timeout=10)
            assert time.monotonic() - started < 4
        # An idle keep-alive connection after a request is closed the same way.
        keep_alive = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        try:
            keep_alive.request("GET", "/api/v1/health")
            response = keep_alive.getresponse()
            assert response.status == 200 and response.read()  # read whole: the socket stays
            assert keep_alive.sock is not None
            assert closed_by_server(keep_alive.sock, timeout=10)
        finally:
            keep_alive.close()
    finally:
        server.stop()


@pytest.mark.parametrize("limit", [5])
def test_a_small_limit_still_answers(app: App, limit: int) -> None:
    server = ApiServer(app, "127.0.0.1", 0, connection_limit=limit)
    server.start()
    try:
        with idle_sockets(server.port, limit * 3):
            url = f"http://127.0.0.1:{server.port}/api/v1/health"
            assert requests.get(url, timeout=5).status_code == 200
    finally:
        server.stop()
