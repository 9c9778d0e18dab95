"""Pairing: a client trades the code the app shows for its bearer token."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from human_pretraining.api.context import json_body, services

blueprint = Blueprint("pairing", __name__)


@blueprint.post("/api/v1/pair")
def pair() -> tuple[dict[str, Any], int]:
    body = json_body("pair")
    token = services().pairing.pair(body["code"], body["client"], request.headers.get("Origin"))
    return {"token": token, "client": body["client"]}, 201
