"""Activity events: answered only after the batch is committed (durable when acknowledged)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from human_pretraining.api.context import json_body, services

blueprint = Blueprint("events", __name__)


@blueprint.post("/api/v1/events")
def post_events() -> dict[str, Any]:
    body = json_body("events")  # schema-checked once, here
    result = services().ingestor.ingest(body["events"])
    return {"accepted": result.accepted, "duplicates": result.duplicates}
