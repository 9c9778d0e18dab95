"""Fields the schemas call integers take whole JSON numbers only: ``5.0`` is refused.

JSON Schema (and fastjsonschema) count ``5.0`` as an integer; the endpoint used
to accept it, sell "5.0 min of tiktok.com" and book a fractional price.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from human_pretraining.core.model import ValidationError
from human_pretraining.services.schemas import validate
from human_pretraining.store.models import LedgerEntry, Purchase
from tests.api.conftest import Live, make_event


def rows(live: Live) -> tuple[int, int]:
    with live.app.db.read() as conn:
        return (
            conn.execute(select(func.count()).select_from(Purchase)).scalar_one(),
            conn.execute(select(func.count()).select_from(LedgerEntry)).scalar_one(),
        )


@pytest.mark.parametrize("minutes", ["5.0", "10.00", "1e1", "1.0E1", "5.5"])
def test_fractional_minutes_are_refused(live: Live, auth: dict[str, str], minutes: float) -> None:
    for task in ("Explain something to someone", "Read a chapter"):  # +50: enough for 10 min
        live.app.economy.complete_task(task)
    before = rows(live)
    response = live.session.post(
        live.url("/api/v1/allowances"),
        data=f'{{"site": "tiktok.com", "minutes": {minutes}}}',
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["field"] == "minutes"
    assert "whole number" in body["message"]
    assert rows(live) == before


def test_a_name_spelled_with_escapes_is_caught_too(live: Live, auth: dict[str, str]) -> None:
    before = rows(live)
    response = live.session.post(
        live.url("/api/v1/allowances"),
        data='{"site": "tiktok.com", "min\\u0075tes" : 5.0}',
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 422 and response.json()["field"] == "minutes"
    assert rows(live) == before


def test_whole_minutes_still_buy(live: Live, auth: dict[str, str]) -> None:
    for task in ("Explain something to someone", "Read a chapter"):
        live.app.economy.complete_task(task)
    response = live.session.post(
        live.url("/api/v1/allowances"), json={"site": "tiktok.com", "minutes": 5}, headers=auth
    )
    assert response.status_code == 201
    assert response.json()["reward"] == "5 min of tiktok.com"


@pytest.mark.parametrize("field", ["scroll_px", "words", "flings"])
def test_integer_event_signals_refuse_fractions(
    live: Live, auth: dict[str, str], field: str
) -> None:
    event: dict[str, Any] = make_event(source="web", subject="example.org")
    event["signals"] = {field: 3.0}
    response = live.session.post(live.url("/api/v1/events"), json={"events": [event]}, headers=auth)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == f"events[0].signals.{field}"


def test_every_schema_integer_is_strict() -> None:
    """The events schema through the service path (the monitor's events) as well."""
    with pytest.raises(ValidationError) as caught:
        validate("events", {"events": [{**make_event(), "signals": {"words": 2.0}}]})
    assert caught.value.field == "events[0].signals.words"
    validate("events", {"events": [{**make_event(), "signals": {"words": 2}}]})
