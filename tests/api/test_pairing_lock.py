"""Wrong pairing codes slow a guesser down but never keep the real code out for good.

Over real HTTP against the real server. The clock is the test's: the lock's
minute passes when the test says so.
"""

from __future__ import annotations

import requests

from human_pretraining.services.pairing import Pairing
from tests.api.conftest import Live
from tests.conftest import FakeClock

WRONG = "WRNG-CDE2"


def pair(live: Live, code: str, client: str = "browser") -> requests.Response:
    return live.session.post(live.url("/api/v1/pair"), json={"code": code, "client": client})


def guess(live: Live, times: int) -> list[int]:
    return [pair(live, WRONG, "guesser").status_code for _ in range(times)]


def test_five_wrong_codes_lock_pairing_even_for_the_right_code(live: Live) -> None:
    shown = live.app.pairing.new_code().code
    assert guess(live, 5) == [403] * 5
    locked = pair(live, shown)
    assert locked.status_code == 429  # a guesser cannot test candidates while locked
    assert "new code" in locked.json()["message"]


def test_showing_a_new_code_lifts_the_lock(live: Live) -> None:
    live.app.pairing.new_code()
    guess(live, 5)
    assert guess(live, 1) == [429]
    fresh = live.app.pairing.new_code().code  # what the app does when it shows a code
    assert pair(live, fresh).status_code == 201


def test_a_code_shown_by_another_process_lifts_the_lock_too(live: Live, clock: FakeClock) -> None:
    live.app.pairing.new_code()
    guess(live, 5)
    clock.advance(1)
    # `human-pretraining pair` in a terminal: its own process, the same database.
    fresh = Pairing(live.app.db, clock).new_code().code
    assert pair(live, fresh).status_code == 201


def test_the_code_shown_stays_valid_through_the_lock(live: Live, clock: FakeClock) -> None:
    shown = live.app.pairing.new_code().code
    guess(live, 5)
    clock.advance(30)
    assert guess(live, 3) == [429] * 3  # guessing on does not stretch the lock
    clock.advance(31)
    assert pair(live, shown).status_code == 201


def test_wrong_codes_while_no_code_is_shown_lock_nothing(live: Live, clock: FakeClock) -> None:
    old = live.app.pairing.new_code().code
    clock.advance(6 * 60)  # expired: no code is shown any more
    assert guess(live, 20) == [403] * 20
    assert pair(live, old).status_code == 403  # expired, not "too many attempts"
    assert pair(live, live.app.pairing.new_code().code).status_code == 201
