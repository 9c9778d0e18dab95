"""What the extension needs on a page: the verdict, and buying an allowance."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from human_pretraining.api.context import json_body, services
from human_pretraining.api.convert import points, timestamp, verdict_json
from human_pretraining.api.errors import ApiError

blueprint = Blueprint("web", __name__)

MAX_URL = 2048


@blueprint.get("/api/v1/verdict")
def verdict() -> dict[str, Any]:
    url = request.args.get("url", "")
    if not url or len(url) > MAX_URL:
        raise ApiError(
            422, "invalid", f"give the page as ?url= (at most {MAX_URL} characters)", "url"
        )
    return verdict_json(services().web.verdict(url))


@blueprint.post("/api/v1/allowances")
def buy_allowance() -> tuple[dict[str, Any], int]:
    body = json_body("allowance")
    app = services()
    bought = app.spending.buy_allowance(body["site"], body["minutes"])
    ends = bought.ends_ms or app.clock()
    return {
        "reward": bought.reward,
        "cost": points(bought.cost),
        "balance": points(bought.balance),
        "ends": timestamp(ends),
        "remaining_s": max(0, (ends - app.clock()) // 1000),
    }, 201
