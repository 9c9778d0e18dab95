"""Windows autostart on its generated contents: the Run key's value and its round trip.

The registry sits behind ``Registry``; here a dictionary plays the user's hive, so
the value written, read back and deleted is exactly what winreg would get.
"""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from human_pretraining import autostart
from human_pretraining.autostart.files import AutostartError
from human_pretraining.autostart.windows import (
    LOCATION,
    RunKey,
    parse_command_line,
    run_value,
)


class DictRegistry:
    """The Run key's one value, kept in memory."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.fail: OSError | None = None

    def get(self) -> str | None:
        if self.fail:
            raise self.fail
        return self.values.get("Human Pretraining")

    def set(self, value: str) -> None:
        if self.fail:
            raise self.fail
        self.values["Human Pretraining"] = value

    def delete(self) -> bool:
        return self.values.pop("Human Pretraining", None) is not None


EXE = r"C:\Users\Ann Lee\AppData\Local\Programs\Human Pretraining\human-pretrainingw.exe"


def test_the_run_value_is_the_quoted_command_line() -> None:
    assert run_value([EXE]) == f'"{EXE}"'
    assert run_value([EXE, "--home", r"D:\data"]) == f'"{EXE}" --home D:\\data'
    assert run_value([r"C:\hp\hp.exe", "--home", "D:\\my data\\"]) == (
        'C:\\hp\\hp.exe --home "D:\\my data\\\\"'
    )
    assert LOCATION == (
        r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run\Human Pretraining"
    )


def test_the_run_key_round_trip() -> None:
    registry = DictRegistry()
    key = RunKey(registry)
    assert key.read() is None and not key.exists()
    key.write([EXE, "--home", r"D:\Pretraining data"])
    assert registry.values == {"Human Pretraining": f'"{EXE}" --home "D:\\Pretraining data"'}
    assert key.read() == (EXE, "--home", r"D:\Pretraining data")
    state = autostart.status(key, expected=[EXE])
    assert state.enabled and state.location == LOCATION
    assert state.stale  # that path does not exist on this machine: reported, not hidden
    assert key.remove() and registry.values == {}
    assert not key.remove()
    assert not autostart.status(key).enabled


def test_registry_errors_become_a_clear_message() -> None:
    registry = DictRegistry()
    registry.fail = PermissionError(5, "Access is denied")
    with pytest.raises(AutostartError, match=r"cannot write .*Run.*Access is denied"):
        RunKey(registry).write([EXE])


@pytest.mark.parametrize(
    ("line", "args"),
    [
        (
            r'"C:\Program Files\hp\hp.exe" --home D:\x',
            (r"C:\Program Files\hp\hp.exe", "--home", r"D:\x"),
        ),
        (r'a\\\"b "c d" e""f', ('a\\"b', "c d", "ef")),
        (r'x "a\\" y', ("x", "a\\", "y")),
        ("  spaced   out  ", ("spaced", "out")),
    ],
)
def test_command_lines_split_like_windows(line: str, args: tuple[str, ...]) -> None:
    assert parse_command_line(line) == args


@given(
    st.lists(
        st.text(
            st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12
        ),
        min_size=1,
        max_size=5,
    )
)
def test_list2cmdline_round_trips(args: list[str]) -> None:
    assert parse_command_line(subprocess.list2cmdline(args)) == tuple(args)
