"""Every failure as a small JSON body with a status a client can act on.

No stack traces or internals reach a client: unexpected errors are logged here
and answered with a generic 500.
"""

from __future__ import annotations

import errno
import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from human_pretraining.config.errors import ConfigError
from human_pretraining.core.enforcement import NoAllowanceNeeded
from human_pretraining.core.ledger import PurchaseRefused
from human_pretraining.core.model import ValidationError
from human_pretraining.services.errors import DatabaseError, DiskFull
from human_pretraining.services.pairing import PairingRefused, PairingThrottled

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A refusal with an HTTP status, a machine-readable code and a human message."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    body: dict[str, str] = {"error": code, "message": message}
    if field:
        body["field"] = field
    response = jsonify(body)
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        response = error_response(exc.status, exc.code, exc.message, exc.field)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="human-pretraining"'
        return response

    @app.errorhandler(ValidationError)
    def _invalid(exc: ValidationError) -> Response:
        return error_response(422, "invalid", exc.message, exc.field or None)

    @app.errorhandler(PurchaseRefused)
    def _refused(exc: PurchaseRefused) -> Response:
        return error_response(402, "insufficient_points", str(exc))

    @app.errorhandler(NoAllowanceNeeded)
    def _free(exc: NoAllowanceNeeded) -> Response:
        return error_response(409, "no_allowance_needed", str(exc))

    @app.errorhandler(PairingThrottled)
    def _throttled(exc: PairingThrottled) -> Response:
        return error_response(429, "too_many_attempts", str(exc))

    @app.errorhandler(PairingRefused)
    def _pairing(exc: PairingRefused) -> Response:
        return error_response(403, "pairing_refused", str(exc))

    @app.errorhandler(ConfigError)
    def _config(exc: ConfigError) -> Response:
        return error_response(503, "config_invalid", str(exc))

    @app.errorhandler(DiskFull)
    def _disk_full(exc: DiskFull) -> Response:
        # 507 Insufficient Storage: the client keeps the events and sends them again.
        log.warning("%s", exc)
        return error_response(507, "disk_full", _sentence(str(exc)))

    @app.errorhandler(DatabaseError)
    def _database(exc: DatabaseError) -> Response:
        # Damaged, or a server away with no buffer: nothing was stored; say why.
        log.error("%s", exc)
        return error_response(503, "database_unavailable", _sentence(str(exc)))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        code = (exc.name or "error").lower().replace(" ", "_")
        messages = {
            400: "The request body is not valid JSON.",
            404: "No such endpoint; see shared/openapi.json.",
            405: "This endpoint does not take that method.",
            413: "The request body is too large.",
            415: "Send the body as JSON with Content-Type: application/json.",
        }
        response = error_response(exc.code or 500, code, messages.get(exc.code or 0, exc.name))
        for name, value in exc.get_headers():  # e.g. Allow on 405
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:  # a file beside the database
            log.warning("the disk is full: %s", exc)
            return error_response(
                507, "disk_full", "The disk is full; free some space and send this again."
            )
        log.exception("unexpected error in the local endpoint")
        return error_response(500, "internal", "Internal error; the app's log has the details.")


def _sentence(message: str) -> str:
    """A service's message as a sentence for a client: capitalised, with a full stop."""
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
