"""Validating request bodies against the JSON Schemas in the project's ``shared/schemas``.

The schemas are the contract with the extension and every other client, so they
are the only definition of a body's shape: compiled once with fastjsonschema
(fast enough for the ingestion targets) and turned into ``ValidationError`` with
the offending field named the way a client wrote it (``events[3].start``).
An ``"integer"`` takes whole JSON numbers only: JSON Schema (and fastjsonschema)
count ``5.0`` as an integer, which would let "5.0 min" be sold and a fractional
price be booked, so floats there are refused too.
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

WHOLE_NUMBER = "must be a whole number (like 5, not 5.0)"
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


# A path to an "integer" in a schema: property names, None for "every array item".
_Path = tuple[str | None, ...]


def _integer_paths(node: dict[str, Any], root: dict[str, Any], path: _Path = ()) -> list[_Path]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):  # the schemas' own definitions
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    found: list[_Path] = [path] if node.get("type") == "integer" else []
    for key, sub in node.get("properties", {}).items():
        found += _integer_paths(sub, root, (*path, key))
    if isinstance(node.get("items"), dict):
        found += _integer_paths(node["items"], root, (*path, None))
    return found


# The integer paths as a tree ({"events": {None: {"signals": {"words": {}}}}}), so a
# batch is walked once however many integer fields an event has.
_Tree = dict[str | None, "_Tree"]


@cache
def _integers(name: str) -> _Tree:
    loaded = schema(name)
    tree: _Tree = {}
    for path in _integer_paths(loaded, loaded):
        node = tree
        for part in path:
            node = node.setdefault(part, {})
    return tree


def _fraction_at(value: Any, tree: _Tree) -> list[str | int] | None:
    """Where ``value`` holds a float at a leaf of ``tree``, as keys and indices; or None.

    Leaves are checked in their parent's loop (one call per object, not per number):
    this runs on every batch of events.
    """
    if not tree:
        return [] if isinstance(value, float) else None
    if isinstance(value, list):
        items = tree.get(None)
        if items is not None:
            for index, item in enumerate(value):
                if (found := _fraction_at(item, items)) is not None:
                    return [index, *found]
        return None
    if isinstance(value, dict):
        for key, sub in tree.items():
            if key is None or key not in value:
                continue
            child = value[key]
            if not sub:
                if isinstance(child, float):
                    return [key]
            elif (found := _fraction_at(child, sub)) is not None:
                return [key, *found]
    return None


def _leaves(tree: _Tree) -> set[str]:
    names: set[str] = set()
    for key, sub in tree.items():
        if sub:
            names |= _leaves(sub)
        elif key is not None:
            names.add(key)
    return names


@cache
def _fraction_text(name: str) -> re.Pattern[bytes] | None:
    """Where the raw JSON could hold a float under one of the schema's integer names,
    like ``"words": 3.0``; None when the schema has no integers. A hit inside a string
    only costs the exact walk."""
    names = sorted(_leaves(_integers(name)))
    if not names:
        return None
    keys = b"|".join(re.escape(n.encode()) for n in names)
    return re.compile(rb'"(?:' + keys + rb')"\s*:\s*-?[0-9]+[.eE]')


def _require_whole_numbers(name: str, body: Any) -> None:
    """JSON Schema counts ``5.0`` as an integer (so does fastjsonschema); the API does not:
    a price of "5.0 min" or a fractional balance must never be booked."""
    where = _fraction_at(body, _integers(name))
    if where is not None:
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)
        raise ValidationError(field.lstrip(".") or "body", WHOLE_NUMBER)


def validate(name: str, body: Any, raw: bytes | None = None) -> None:
    """Raise ValidationError naming the first field of ``body`` that breaks schema ``name``.

    ``raw``, the request's bytes when there are any, lets the Unicode and
    whole-number checks skip the common case cheaply.
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
        elif exc.rule == "type" and exc.rule_definition == "integer":
            message = WHOLE_NUMBER
        raise ValidationError(field, message) from None
    # The raw text settles the common case at half the cost of walking the body: no
    # float literal under an integer's name (and no \u escape that could spell the
    # name differently) means there is nothing to find.
    text = _fraction_text(name)
    if text is not None and (raw is None or b"\\u" in raw or text.search(raw)):
        _require_whole_numbers(name, body)


def _require_valid_unicode(body: Any) -> None:
    """JSON may escape lone surrogates (``"\\ud800"``); no such text can be stored or shown."""
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("body", "contains text that is not valid Unicode") from None
    except (TypeError, ValueError):
        pass  # not JSON-shaped at all: the schema check reports it
