"""Access to the process's services from inside a request, and schema-checked bodies."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from human_pretraining.services.context import App
from human_pretraining.services.schemas import validate


def services() -> App:
    app: App = current_app.config["HP_APP"]
    return app


def json_body(schema: str) -> Any:
    """The request's JSON (400 when malformed), validated against ``shared/schemas``."""
    body = request.get_json(silent=False)
    validate(schema, body, request.get_data(cache=True))
    return body
