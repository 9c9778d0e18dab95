"""The endpoint's security checks, run before every request, and its CORS headers.

A server on 127.0.0.1 is reachable by every web page the user visits and every
local process, so (in this order):

1. ``Host`` must be ``127.0.0.1:<port>``, ``localhost:<port>`` or ``[::1]:<port>``:
   a DNS-rebinding page arrives with its own host name and is refused.
2. ``Origin``, when present, must be the Chrome extension's fixed origin or a
   ``moz-extension://`` origin bound to a paired token (any ``moz-extension``
   origin may *pair*, which is how a Firefox install becomes known). This is
   checked on the request itself, not only on the CORS preflight, because a page
   can send a "simple" ``no-cors`` POST without one.
3. Every endpoint but health and pairing needs ``Authorization: Bearer <token>``.
4. A body must be ``application/json`` (a ``text/plain`` simple request is refused
   before its body is read), no larger than the limit, and nested no deeper than
   :data:`MAX_JSON_DEPTH` (Python's JSON parser recurses once per level: a body a
   thousand deep would overflow it). The depth is measured on the raw bytes, with
   strings skipped, before anything parses them.

CORS headers are sent only to allowed origins, never ``*``.
"""

from __future__ import annotations

from itertools import accumulate

from flask import Flask, Response, current_app, g, request

from human_pretraining.api.errors import ApiError
from human_pretraining.services.pairing import Pairing

OPEN_PATHS = {"/api/v1/health", "/api/v1/pair"}
MAX_BODY_BYTES = 1024 * 1024
# The deepest body the API defines is 3 levels ({"events": [{"signals": {...}}]}).
MAX_JSON_DEPTH = 32

# Everything but brackets and quotes is deleted before measuring; +1/-1 per bracket.
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_DEPTH_STEP = [0] * 256
for _opening in b"[{":
    _DEPTH_STEP[_opening] = 1
for _closing in b"]}":
    _DEPTH_STEP[_closing] = -1


def too_deeply_nested(body: bytes) -> bool:
    """Whether arrays and objects in ``body`` (JSON text, possibly invalid) nest deeper
    than :data:`MAX_JSON_DEPTH`; a bracket inside a string is text and does not count.

    Every step runs in C over the bytes (a batch of events costs a fraction of
    parsing it; a megabyte of brackets, milliseconds):

    1. escaped backslashes, then escaped quotes, are dropped (the quotes left
       delimit strings);
    2. everything but brackets and quotes is dropped;
    3. adjacent quote pairs are dropped: a string without brackets disappears, and
       dropping two quotes never changes whether a later bracket is inside a string;
    4. what is left between quotes (brackets in strings) is dropped;
    5. empty pairs (``{}``, ``[]``) are peeled off a few times: each round lowers the
       depth by at most one, so few openings left means shallow (an event batch
       peels down to nothing);
    6. otherwise the running depth is summed exactly (``accumulate``).
    """
    if b"\\" in body:
        body = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    structure = body.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    if b'"' in structure:
        structure = b"".join(structure.split(b'"')[::2])
    if len(structure) <= MAX_JSON_DEPTH:
        return False
    peeled, rounds = structure, 0
    for _ in range(3):
        peeled = peeled.replace(b"{}", b"").replace(b"[]", b"")
        rounds += 2
    if peeled.count(b"[") + peeled.count(b"{") + rounds <= MAX_JSON_DEPTH:
        return False
    return max(accumulate(map(_DEPTH_STEP.__getitem__, structure)), default=0) > MAX_JSON_DEPTH


def allowed_hosts(port: int) -> set[str]:
    return {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}


def _origin_allowed(origin: str, pairing: Pairing, chrome_origin: str) -> bool:
    if origin == chrome_origin:
        return True
    if origin.startswith("moz-extension://"):
        return request.path == "/api/v1/pair" or origin in pairing.firefox_origins()
    return False


def check_request() -> Response | None:
    settings = current_app.config
    pairing: Pairing = settings["HP_PAIRING"]
    hosts = allowed_hosts(settings["HP_PORT"]) | settings.get("HP_EXTRA_HOSTS", set())
    if request.host.lower() not in hosts:
        raise ApiError(
            403, "host_not_allowed", "Requests must be addressed to 127.0.0.1 or localhost."
        )
    origin = request.headers.get("Origin")
    if origin is not None and not _origin_allowed(origin, pairing, settings["HP_CHROME_ORIGIN"]):
        raise ApiError(403, "origin_not_allowed", "This origin may not use the local endpoint.")
    g.cors_origin = origin
    if request.method == "OPTIONS":  # a CORS preflight carries no credentials
        return Response(status=204)
    if request.routing_exception is not None:  # 404 / 405 before judging the body
        raise request.routing_exception
    if request.path not in OPEN_PATHS:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        info = pairing.authenticate(token.strip()) if scheme.lower() == "bearer" else None
        if info is None:
            raise ApiError(401, "unauthorized", "A valid token is required; pair the client first.")
        if info.origin and origin and origin != info.origin:
            raise ApiError(403, "origin_not_allowed", "This token belongs to another extension.")
        g.client = info
    if request.method == "POST":
        if request.mimetype != "application/json":
            raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            raise ApiError(413, "request_entity_too_large", "The request body is too large.")
        if too_deeply_nested(request.get_data(cache=True)):
            raise ApiError(
                400,
                "too_deeply_nested",
                f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.",
            )
    return None


def add_cors_headers(response: Response) -> Response:
    origin = g.get("cors_origin")
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Max-Age"] = "600"
    response.headers["Vary"] = "Origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def install(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.before_request(check_request)
    app.after_request(add_cors_headers)
