"""The Windows and macOS adapters' pure parts, which run on every platform.

The OS calls themselves (ctypes on Windows, AppKit/osascript/ioreg on macOS) cannot
run here; the mapping and parsing around them can, and the macOS probe's
osascript/ioreg path is driven end to end with canned command outputs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import psutil
import pytest

from human_pretraining.monitor.macos import (
    IOREG,
    OSASCRIPT,
    MacProbe,
    foreground_from_app,
    interpret_osascript,
    parse_hid_idle,
    parse_osascript,
)
from human_pretraining.monitor.probes import Foreground, ProbeError
from human_pretraining.monitor.windows import (
    TICK_WRAP,
    WindowsProbe,
    foreground_from,
    idle_from_ticks,
)

# -- Windows: idle time from tick counts ---------------------------------------------


@pytest.mark.parametrize(
    ("now", "last_input", "idle"),
    [
        (10_000, 4_000, 6.0),
        (5_000, 5_000, 0.0),
        (1_234, 0, 1.234),
        # GetTickCount64 keeps counting past 2**32 ms (~49.7 days); dwTime wraps to 0.
        (TICK_WRAP + 1_500, 500, 1.0),
        (TICK_WRAP + 1_000, TICK_WRAP - 1_000, 2.0),  # input just before the wrap
        (3 * TICK_WRAP + 250, TICK_WRAP - 750, 1.0),  # after several wraps
        (TICK_WRAP - 1, 0, 0.0),  # "49.7 days" is indistinguishable from a race: 0
        # The input happened between the two calls: dwTime is ahead of "now".
        (1_000, 1_500, 0.0),
        (TICK_WRAP + 10, 20, 0.0),
        # Long but plausible idle spans are kept.
        (20 * 24 * 3600 * 1000 + 7, 7, 20 * 24 * 3600.0),
    ],
)
def test_idle_from_ticks(now: int, last_input: int, idle: float) -> None:
    assert idle_from_ticks(now, last_input) == pytest.approx(idle)


@pytest.mark.parametrize(("now", "last_input"), [(-1, 0), (0, -1)])
def test_idle_from_negative_ticks_is_an_error(now: int, last_input: int) -> None:
    with pytest.raises(ValueError, match="negative"):
        idle_from_ticks(now, last_input)


# -- Windows: what the foreground window's facts mean -------------------------------

NOTEPAD = r"C:\Windows\System32\notepad.exe"
HOST = r"C:\Windows\System32\ApplicationFrameHost.exe"
FIREFOX = r"C:\Program Files\Mozilla Firefox\firefox.exe"


@pytest.mark.parametrize(
    ("pid", "title", "name", "exe", "expected"),
    [
        # pid 0: no foreground window, the secure desktop, a locked session.
        (0, "", "System Idle Process", None, None),
        (0, "Anything", "notepad.exe", NOTEPAD, None),
        (
            1234, "notes.txt - Notepad", "notepad.exe", NOTEPAD,
            Foreground("notepad.exe", exe=NOTEPAD, pid=1234, title="notes.txt - Notepad"),
        ),
        # A Store app inside its frame host is named by its title...
        (
            77, "Calculator", "ApplicationFrameHost.exe", HOST,
            Foreground("Calculator", exe=HOST, pid=77, title="Calculator"),
        ),
        (
            77, "  Settings ", "applicationframehost.exe", HOST,
            Foreground("Settings", exe=HOST, pid=77, title="Settings"),
        ),
        # ... unless it has no title: then the host it is.
        (
            77, "", "ApplicationFrameHost.exe", HOST,
            Foreground("ApplicationFrameHost.exe", exe=HOST, pid=77),
        ),
        # No process name (access denied, race): the exe's file name.
        (
            9, "Mozilla Firefox", None, FIREFOX,
            Foreground("firefox.exe", exe=FIREFOX, pid=9, title="Mozilla Firefox"),
        ),
        # An empty title is no title.
        (5, "", "code.exe", None, Foreground("code.exe", pid=5)),
        (5, None, "code.exe", None, Foreground("code.exe", pid=5)),
    ],
)  # fmt: skip
def test_foreground_from(
    pid: int, title: str | None, name: str | None, exe: str | None, expected: Foreground | None
) -> None:
    assert foreground_from(pid, title, name, exe) == expected


def test_a_browser_process_counts_as_a_browser() -> None:
    front = foreground_from(9, "Mozilla Firefox", None, FIREFOX)
    assert front is not None and front.is_browser


def test_foreground_without_any_process_name_is_a_probe_error() -> None:
    with pytest.raises(ProbeError, match="process 42"):
        foreground_from(42, "Some window", None, None)


def test_the_windows_probe_refuses_to_start_elsewhere() -> None:
    with pytest.raises(ProbeError, match="only runs on Windows"):
        WindowsProbe()


# -- macOS: osascript ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("Safari, 412\n", Foreground("Safari", pid=412)),
        ("Google Chrome, 9001", Foreground("Google Chrome", pid=9001)),
        ("  Finder ,  300  \n", Foreground("Finder", pid=300)),
        ("Acme, Inc. Tool, 77\n", Foreground("Acme, Inc. Tool", pid=77)),  # commas in names
        ("", None),
        ("\n", None),
    ],
)
def test_parse_osascript(output: str, expected: Foreground | None) -> None:
    assert parse_osascript(output) == expected


@pytest.mark.parametrize(
    "output", ["Safari", "Safari, abc", ", 12", "Safari, -3", "Safari, 0", "412", "Safari,"]
)
def test_malformed_osascript_output_is_a_probe_error(output: str) -> None:
    with pytest.raises(ProbeError, match="unexpected osascript output"):
        parse_osascript(output)


NOT_AUTHORISED = (
    "29:112: execution error: Not authorized to send Apple events to System Events. (-1743)"
)
NO_FRONTMOST = (
    "0:95: execution error: System Events got an error: Can\u2019t get application process 1 "
    "whose frontmost = true. Invalid index. (-1719)"
)


def test_interpret_osascript_success() -> None:
    assert interpret_osascript(0, "Finder, 300\n", "") == Foreground("Finder", pid=300)


def test_interpret_osascript_when_nothing_is_frontmost() -> None:
    assert interpret_osascript(1, "", NO_FRONTMOST) is None


def test_interpret_osascript_without_the_automation_permission() -> None:
    with pytest.raises(ProbeError, match="Automation"):
        interpret_osascript(1, "", NOT_AUTHORISED)


def test_interpret_osascript_other_failures() -> None:
    with pytest.raises(ProbeError, match=r"osascript failed \(1\): boom"):
        interpret_osascript(1, "", "boom\n")


# -- macOS: ioreg's HIDIdleTime ----------------------------------------------------------

IOREG_OUTPUT = """\
+-o Root  <class IORegistryEntry, id 0x100000100, retain 30>
  +-o IOResources  <class IOResources, id 0x100000112, registered, matched, active>
    +-o IOHIDSystem  <class IOHIDSystem, id 0x100000363, registered, matched, active>
      {
        "HIDParameters" = {"HIDClickTime"=500000000,"HIDKeyRepeat"=83333333}
        "IOClass" = "IOHIDSystem"
        "HIDIdleTime" = 2759237708
        "IOProviderClass" = "IOResources"
      }
"""


@pytest.mark.parametrize(
    ("output", "seconds"),
    [
        (IOREG_OUTPUT, 2.759237708),
        ('"HIDIdleTime" = 0', 0.0),
        ('"HIDIdleTime"=120000000000', 120.0),
        # Several HID systems: the most recent input wins.
        ('"HIDIdleTime" = 9000000000\n"HIDIdleTime" = 1500000000', 1.5),
    ],
)
def test_parse_hid_idle(output: str, seconds: float) -> None:
    assert parse_hid_idle(output) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "output",
    ["", "+-o Root  <class IORegistryEntry>", '"HIDIdleTime" = <1a2b3c4d00000000>', "HIDIdleTime"],
)
def test_ioreg_output_without_an_idle_time_is_a_probe_error(output: str) -> None:
    with pytest.raises(ProbeError, match="HIDIdleTime"):
        parse_hid_idle(output)


# -- macOS: NSRunningApplication's facts -------------------------------------------------

SAFARI_EXE = "/Applications/Safari.app/Contents/MacOS/Safari"


@pytest.mark.parametrize(
    ("name", "bundle", "pid", "exe", "expected"),
    [
        ("Safari", "com.apple.Safari", 412, SAFARI_EXE, Foreground("Safari", SAFARI_EXE, 412)),
        (None, "com.x", 5, "/Applications/X.app/Contents/MacOS/xapp",
         Foreground("xapp", "/Applications/X.app/Contents/MacOS/xapp", 5)),
        ("  ", "com.example.tool", 5, None, Foreground("com.example.tool", pid=5)),
        ("Finder", None, 0, None, Foreground("Finder")),  # a pid of 0 is no pid
        ("Finder", None, -1, "", Foreground("Finder")),
        (None, None, None, None, None),
        ("", "", 12, "", None),
    ],
)  # fmt: skip
def test_foreground_from_app(
    name: str | None,
    bundle: str | None,
    pid: int | None,
    exe: str | None,
    expected: Foreground | None,
) -> None:
    assert foreground_from_app(name, bundle, pid, exe) == expected


# -- macOS: the probe's command path, with canned outputs --------------------------------


class FakeCommands:
    """Stands in for osascript and ioreg: canned (exit code, stdout, stderr) per command."""

    def __init__(self, outputs: dict[tuple[str, ...], tuple[int, str, str]]) -> None:
        self.outputs = outputs
        self.calls: list[tuple[str, ...]] = []

    def __call__(self, command: Sequence[str]) -> tuple[int, str, str]:
        self.calls.append(tuple(command))
        return self.outputs[tuple(command)]


def test_the_mac_probe_asks_system_events_and_ioreg() -> None:
    me = psutil.Process(os.getpid())
    commands = FakeCommands(
        {OSASCRIPT: (0, f"Terminal, {os.getpid()}\n", ""), IOREG: (0, IOREG_OUTPUT, "")}
    )
    probe = MacProbe(use_appkit=False, run=commands, platform="darwin")
    assert probe.name == "macOS"
    assert probe.foreground() == Foreground("Terminal", exe=me.exe(), pid=os.getpid())
    assert probe.idle_seconds() == pytest.approx(2.759237708)
    assert commands.calls == [OSASCRIPT, IOREG]


def test_the_mac_probe_reports_failing_commands() -> None:
    commands = FakeCommands({OSASCRIPT: (1, "", NOT_AUTHORISED), IOREG: (1, "", "no such class")})
    probe = MacProbe(use_appkit=False, run=commands, platform="darwin")
    with pytest.raises(ProbeError, match="Automation"):
        probe.foreground()
    with pytest.raises(ProbeError, match="ioreg failed"):
        probe.idle_seconds()


def test_the_mac_probe_with_nothing_frontmost() -> None:
    probe = MacProbe(
        use_appkit=False, run=FakeCommands({OSASCRIPT: (1, "", NO_FRONTMOST)}), platform="darwin"
    )
    assert probe.foreground() is None


def test_the_mac_probe_refuses_to_start_elsewhere() -> None:
    with pytest.raises(ProbeError, match="only runs on macOS"):
        MacProbe()


def test_the_mac_probe_says_when_appkit_is_required_but_missing() -> None:
    with pytest.raises(ProbeError, match="pyobjc"):
        MacProbe(use_appkit=True, platform="darwin")
