"""The shared contracts are well-formed, and the README's test command is what CI runs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from human_pretraining.contracts import shared_path

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(p.name for p in shared_path("schemas").glob("*.json")))
def test_schemas_are_valid_json_schema(name: str) -> None:
    schema = json.loads(shared_path("schemas", name).read_text("utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)


def test_the_event_schema_accepts_a_typical_event_and_refuses_extras() -> None:
    schema = json.loads(shared_path("schemas", "events.schema.json").read_text("utf-8"))
    event = {
        "id": "0b6f2c1e-5a4d-4c8e-9f00-1234567890ab",
        "source": "web",
        "subject": "youtube.com/shorts",
        "start": "2026-11-26T14:00:00Z",
        "duration": 15,
        "signals": {"scroll_px": 4200, "scroll_s": 9.5, "audible": True},
    }
    jsonschema.validate({"events": [event]}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"events": [{**event, "url": "https://x"}]}, schema)


def test_the_readme_test_command_is_the_one_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    command = ci.strip().splitlines()[-1].strip()  # what CI runs, after its set-up lines
    assert command == "scripts/test"
    assert f"```sh\n{command}\n```" in (ROOT / "README.md").read_text("utf-8")
    assert os.access(ROOT / command, os.X_OK)
