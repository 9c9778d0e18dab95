"""macOS autostart on its generated contents: the LaunchAgent plist, exact keys."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from human_pretraining import autostart
from human_pretraining.autostart.macos import LaunchAgent, command_of, launch_agent

APP = "/Applications/Human Pretraining.app/Contents/MacOS/human-pretraining"


def test_the_plist_has_exactly_these_keys() -> None:
    agent = plistlib.loads(launch_agent([APP, "--home", "/Users/ann/hp data"]))
    assert agent == {
        "Label": "app.human-pretraining",
        "ProgramArguments": [APP, "--home", "/Users/ann/hp data"],
        "RunAtLoad": True,
        "LimitLoadToSessionType": "Aqua",
        "ProcessType": "Interactive",
    }


def test_the_plist_is_xml_with_the_apple_doctype() -> None:
    data = launch_agent([APP])
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist')
    assert b"<string>app.human-pretraining</string>" in data
    assert b"KeepAlive" not in data  # quitting the app means it stays quit


def test_the_launch_agent_round_trip(tmp_path: Path) -> None:
    agent = LaunchAgent(tmp_path)
    path = tmp_path / "Library" / "LaunchAgents" / "app.human-pretraining.plist"
    assert agent.location == str(path)
    assert not autostart.status(agent).enabled
    agent.write([APP])
    assert path.is_file()
    assert agent.read() == (APP,)
    state = autostart.status(agent, expected=[APP])
    assert state.enabled and state.stale  # no /Applications here: the entry is stale
    assert autostart.disable(agent).enabled is False
    assert not path.exists()


def test_disabled_and_damaged_plists() -> None:
    disabled = plistlib.dumps({"Label": "x", "ProgramArguments": [APP], "Disabled": True})
    assert command_of(disabled) is None
    with pytest.raises(ValueError, match="not a property list"):
        command_of(b"<plist><dict><key>oops")
