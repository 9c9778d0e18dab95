"""The Flask app factory for the local endpoint.

``create_app`` builds a fresh app around one process's services (tests build one
per test with ``app.test_client()``; ``server.py`` serves one with waitress).
"""

from __future__ import annotations

import json

from flask import Flask

from human_pretraining.api import guard
from human_pretraining.api.blueprints import events, pairing, status, web
from human_pretraining.api.errors import register_error_handlers
from human_pretraining.contracts import shared_path
from human_pretraining.services.context import App


def chrome_extension_origin() -> str:
    identity = json.loads(shared_path("extension-identity.json").read_text("utf-8"))
    return f"chrome-extension://{identity['chrome']['id']}"


def create_app(services: App, port: int) -> Flask:
    """The endpoint for ``services``, accepting requests addressed to ``port``."""
    app = Flask("human_pretraining.api")
    app.config.update(
        HP_APP=services,
        HP_PAIRING=services.pairing,
        HP_PORT=port,
        HP_CHROME_ORIGIN=chrome_extension_origin(),
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    guard.install(app)
    register_error_handlers(app)
    for area in (status, pairing, events, web):
        app.register_blueprint(area.blueprint)
    return app
