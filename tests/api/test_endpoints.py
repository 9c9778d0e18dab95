"""What each endpoint does for the extension, over real HTTP (security is in test_security.py)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from human_pretraining.cli import main
from human_pretraining.store.models import LedgerEntry
from tests.api.conftest import Live, make_event
from tests.conftest import FakeClock


def test_pair_post_and_see_it_in_status(live: Live, auth: dict[str, str], capsys) -> None:  # type: ignore[no-untyped-def]
    events = [
        make_event(minutes_ago=30 - i, subject="docs.python.org", source="web") for i in range(20)
    ]
    response = live.session.post(live.url("/api/v1/events"), json={"events": events}, headers=auth)
    assert response.json() == {"accepted": 20, "duplicates": 0}
    again = live.session.post(live.url("/api/v1/events"), json={"events": events}, headers=auth)
    assert again.json() == {"accepted": 0, "duplicates": 20}
    live.app.settler.settle()
    summary = live.session.get(live.url("/api/v1/summary"), headers=auth).json()
    assert summary["earned_today"] == 40  # 20 min of docs.python.org at +2/min
    assert summary["balance"] == 40
    learning = next(g for g in summary["goals"] if g["name"] == "Learn every day")
    assert learning["value"] == 20 and learning["met"] is False
    # The command runs on the test's clock too: on the real one, days later, the day's
    # "at most" goals would be over and met, and their bonuses booked.
    assert main(["status"], clock=live.app.clock) == 0
    assert "Balance   40 points" in capsys.readouterr().out


def verdict(live: Live, auth: dict[str, str], url: str) -> dict[str, object]:
    response = live.session.get(live.url("/api/v1/verdict"), params={"url": url}, headers=auth)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_verdicts_follow_the_rules(live: Live, auth: dict[str, str]) -> None:
    shorts = verdict(live, auth, "https://m.youtube.com/shorts/abc?feature=share")
    assert shorts == {
        "subject": "youtube.com/shorts",
        "rule": "youtube-shorts",
        "category": "distraction",
        "rate": -4,
        "enforcement": "nudge",
        "verdict": "nudge",
        "balance": 0,
        "allowance_remaining_s": 0,
        "pause_s": 10,
        "surcharge_pct": 200,
        "buy_minutes": 15,
        "buy_cost": 60,  # 15 min at 4 points
    }
    docs = verdict(live, auth, "https://docs.python.org/3/library/")
    assert (docs["verdict"], docs["category"], docs["subject"], docs["buy_cost"]) == (
        "allow",
        "learning",
        "docs.python.org",
        None,  # an earning site needs no allowance
    )
    unknown = verdict(live, auth, "https://example.org/page")
    assert (unknown["verdict"], unknown["rule"], unknown["category"]) == ("allow", None, "neutral")


def test_the_nudge_follows_the_users_settings(live: Live, auth: dict[str, str]) -> None:
    live.app.config_file.update_settings(nudge_pause_s=3, nudge_minutes=30, nudge_surcharge_pct=300)
    youtube = verdict(live, auth, "https://www.youtube.com/shorts/x")
    assert (youtube["pause_s"], youtube["surcharge_pct"]) == (3, 300)
    # 30 minutes of youtube.com is in the shop: its price, not the rule's, is offered.
    assert (youtube["buy_minutes"], youtube["buy_cost"]) == (30, 50)
    tiktok = verdict(live, auth, "https://tiktok.com/")
    assert (tiktok["buy_minutes"], tiktok["buy_cost"]) == (30, 120)  # 30 min at 4 points


def test_the_summary_tells_the_extension_what_to_track(live: Live, auth: dict[str, str]) -> None:
    summary = live.session.get(live.url("/api/v1/summary"), headers=auth).json()
    assert summary["tracking"] == {
        "idle_threshold_s": 180,
        "store_titles": False,
        "store_paths": False,
    }
    live.app.config_file.update_settings(idle_threshold_s=60, store_paths=True)
    summary = live.session.get(live.url("/api/v1/summary"), headers=auth).json()
    assert summary["tracking"] == {
        "idle_threshold_s": 60,
        "store_titles": False,
        "store_paths": True,
    }


def test_a_bad_url_is_422(live: Live, auth: dict[str, str]) -> None:
    for params in ({}, {"url": "chrome://settings"}, {"url": "x" * 3000}):
        response = live.session.get(live.url("/api/v1/verdict"), params=params, headers=auth)
        assert response.status_code == 422


def test_buying_an_allowance_debits_and_opens_the_site_for_exactly_its_time(
    live: Live, auth: dict[str, str], clock: FakeClock
) -> None:
    refused = live.session.post(
        live.url("/api/v1/allowances"),
        json={"site": "https://www.tiktok.com/@x", "minutes": 10},
        headers=auth,
    )
    assert refused.status_code == 402
    assert "short" in refused.json()["message"]
    with live.app.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 0

    live.app.economy.complete_task("Explain something to someone")  # +30
    live.app.economy.complete_task("Read a chapter")  # +20
    bought = live.session.post(
        live.url("/api/v1/allowances"),
        json={"site": "https://www.tiktok.com/@x", "minutes": 10},
        headers=auth,
    )
    assert bought.status_code == 201, bought.text
    body = bought.json()
    assert (body["cost"], body["balance"], body["remaining_s"]) == (40, 10, 600)
    assert verdict(live, auth, "https://tiktok.com/foryou")["verdict"] == "allow"
    assert verdict(live, auth, "https://tiktok.com/foryou")["allowance_remaining_s"] == 600
    clock.advance(timedelta(minutes=10, seconds=1).total_seconds())
    after = verdict(live, auth, "https://tiktok.com/foryou")
    assert (after["verdict"], after["allowance_remaining_s"]) == ("nudge", 0)


def test_the_shop_reward_is_used_when_it_matches(live: Live, auth: dict[str, str]) -> None:
    for task in ("Explain something to someone", "Read a chapter", "30 min exercise"):
        live.app.economy.complete_task(task)
    bought = live.session.post(
        live.url("/api/v1/allowances"),
        json={"site": "https://www.youtube.com/watch?v=1", "minutes": 30},
        headers=auth,
    ).json()
    assert bought["reward"] == "30 min of YouTube" and bought["cost"] == 50


def test_a_free_site_needs_no_allowance(live: Live, auth: dict[str, str]) -> None:
    response = live.session.post(
        live.url("/api/v1/allowances"), json={"site": "docs.python.org", "minutes": 5}, headers=auth
    )
    assert response.status_code == 409


def test_deep_debt_blocks_every_distraction_site(live: Live, auth: dict[str, str]) -> None:
    debt = live.app.config().settings.debt_limit // 4000 + 1  # minutes of shorts at -4/min
    events = [
        make_event(minutes_ago=600 - i, subject="youtube.com/shorts", source="web")
        for i in range(debt)
    ]
    for i in range(0, len(events), 500):
        live.session.post(
            live.url("/api/v1/events"), json={"events": events[i : i + 500]}, headers=auth
        )
    live.app.settler.settle()
    assert verdict(live, auth, "https://reddit.com/")["verdict"] == "block"
    assert verdict(live, auth, "https://docs.python.org/")["verdict"] == "allow"


def test_tokens_list_and_revoke_from_the_cli(
    live: Live, auth: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tokens", "list"]) == 0
    listing = capsys.readouterr().out
    assert "test-client" in listing and "active" in listing
    assert main(["tokens", "revoke", "test-client"]) == 0
    # The CLI is another "process" (its own App): the server sees the revocation within a second.
    deadline = time.monotonic() + 2
    status = 200
    while status != 401 and time.monotonic() < deadline:
        status = live.session.get(live.url("/api/v1/summary"), headers=auth).status_code
        time.sleep(0.05)
    assert status == 401
    assert main(["tokens", "revoke", "nobody"]) == 2
