"""Validating request bodies against the JSON Schemas in the project's ``shared/schemas``.

The schemas are the contract with the extension and every other client, so they
are the only definition of a body's shape: compiled once with fastjsonschema
(fast enough for the ingestion targets) and turned into ``ValidationError`` with
the offending field named the way a client wrote it (``events[3].start``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import fastjsonschema

from human_pretraining.contracts import shared_path
from human_pretraining.core.clock import RFC3339_HINT, is_rfc3339
from human_pretraining.core.model import ValidationError

FORMAT_HINTS = {"date-time": RFC3339_HINT}
# The schemas' formats are checked by the same code that reads the values afterwards, so a
# value the schema lets through is one the services can read (and the other way round).
FORMATS: dict[str, Callable[[str], bool]] = {"date-time": is_rfc3339}


@cache
def _validator(name: str) -> Callable[[Any], Any]:
    schema = json.loads(shared_path("schemas", f"{name}.schema.json").read_text("utf-8"))
    return fastjsonschema.compile(schema, formats=FORMATS)


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        shared_path("schemas", f"{name}.schema.json").read_text("utf-8")
    )
    return loaded


# A JSON escape of a UTF-16 surrogate; a raw body without one cannot hold a lone surrogate.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def validate(name: str, body: Any, raw: bytes | None = None) -> None:
    """Raise ValidationError naming the first field of ``body`` that breaks schema ``name``.

    ``raw``, the request's bytes when there are any, lets the Unicode check skip the
    common case cheaply.
    """
    if raw is None or _SURROGATE_ESCAPE.search(raw):
        _require_valid_unicode(body)
    try:
        _validator(name)(body)
    except fastjsonschema.JsonSchemaValueException as exc:
        path = exc.name or "data"
        field = path.removeprefix("data").lstrip(".") or "body"
        message = exc.message.removeprefix(path).strip()
        if exc.rule == "format":
            message = FORMAT_HINTS.get(str(exc.rule_definition), f"must be a {exc.rule_definition}")
        raise ValidationError(field, message) from None


def _require_valid_unicode(body: Any) -> None:
    """JSON may escape lone surrogates (``"\\ud800"``); no such text can be stored or shown."""
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("body", "contains text that is not valid Unicode") from None
    except (TypeError, ValueError):
        pass  # not JSON-shaped at all: the schema check reports it
