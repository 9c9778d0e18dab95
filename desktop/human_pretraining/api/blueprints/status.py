"""Health (open, nothing private) and the summary the extension popup shows."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from human_pretraining import __version__
from human_pretraining.api.context import services
from human_pretraining.api.convert import summary_json

blueprint = Blueprint("status", __name__)


@blueprint.get("/api/v1/health")
def health() -> dict[str, Any]:
    return {"ok": True, "version": __version__}


@blueprint.get("/api/v1/summary")
def summary() -> dict[str, Any]:
    app = services()
    return summary_json(app.queries.summary(), app.clock(), app.config().settings)
