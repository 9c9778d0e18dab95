"""A real endpoint over real HTTP for the API tests: waitress on an ephemeral loopback port.

``live`` starts the server in this process (as ``human-pretraining serve`` does)
around the test's own home and clock; ``paired`` also pairs a client and hands
back its bearer token.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from human_pretraining.api.app import chrome_extension_origin
from human_pretraining.api.server import ApiServer
from human_pretraining.services.context import App


@dataclass
class Live:
    app: App
    server: ApiServer
    session: requests.Session

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def pair(self, client: str = "test-client", origin: str | None = None) -> str:
        code = self.app.pairing.new_code().code
        headers = {"Origin": origin} if origin else {}
        response = self.session.post(
            self.url("/api/v1/pair"), json={"code": code, "client": client}, headers=headers
        )
        assert response.status_code == 201, response.text
        token: str = response.json()["token"]
        return token


@pytest.fixture
def live(app: App) -> Iterator[Live]:
    server = ApiServer(app, "127.0.0.1", 0)
    server.start()
    with requests.Session() as session:
        yield Live(app, server, session)
    server.stop()


@pytest.fixture
def token(live: Live) -> str:
    return live.pair()


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


CHROME_ORIGIN = chrome_extension_origin()


def make_event(
    minutes_ago: float = 5,
    subject: str = "code",
    source: str = "app",
    duration: float = 60,
    **signals: Any,
) -> dict[str, Any]:
    """An event in the wire shape, relative to the test clock (2026-11-26 14:00 UTC)."""
    start = datetime(2026, 11, 26, 14, 0, tzinfo=UTC) - timedelta(minutes=minutes_ago)
    event: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "source": source,
        "subject": subject,
        "start": start.isoformat().replace("+00:00", "Z"),
        "duration": duration,
    }
    if signals:
        event["signals"] = signals
    return event
