"""Linux (and other XDG desktops): an autostart entry in ``$XDG_CONFIG_HOME/autostart``.

The XDG Autostart specification starts every ``.desktop`` file in
``$XDG_CONFIG_HOME/autostart`` (``~/.config/autostart`` when the variable is unset,
empty or not absolute) at login. The entry is a Desktop Entry file; its ``Exec``
line follows the Desktop Entry specification's quoting, which is done by
:func:`exec_line` and undone by :func:`parse_exec` (both pure, tested with
awkward paths). ``TryExec`` names the program too, so a desktop skips an entry whose
program was deleted instead of failing at every login.

A user who switched the entry off in their desktop's startup settings gets
``Hidden=true`` or ``X-GNOME-Autostart-enabled=false`` in it; that counts as off.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from human_pretraining.autostart.files import remove_file, write_atomically

FILENAME = "human-pretraining.desktop"
# Characters that force an Exec argument into double quotes (Desktop Entry spec).
RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
ESCAPED_IN_QUOTES = set('"`$\\')


def autostart_dir(environ: Mapping[str, str], home: Path) -> Path:
    """``$XDG_CONFIG_HOME/autostart``; the spec ignores an empty or relative value."""
    configured = environ.get("XDG_CONFIG_HOME", "")
    base = Path(configured) if configured and os.path.isabs(configured) else home / ".config"
    return base / "autostart"


def _quote(arg: str) -> str:
    if "\n" in arg or "\r" in arg:
        raise ValueError(f"a command-line argument cannot contain a line break: {arg!r}")
    if arg and not RESERVED.intersection(arg):
        return arg.replace("%", "%%")
    inner = "".join("\\" + c if c in ESCAPED_IN_QUOTES else c for c in arg)
    return '"' + inner.replace("%", "%%") + '"'


def exec_line(command: Sequence[str]) -> str:
    """The value of ``Exec=`` for ``command``, as it is written in the file.

    Each argument is quoted when needed (``"`` ``\\`` ``$`` and ``\\``` escaped
    inside), ``%`` is doubled (it starts field codes), and then the general string
    escape turns every ``\\`` into ``\\\\`` — so a literal backslash in a quoted
    argument is four backslashes in the file, as the spec says.
    """
    if not command:
        raise ValueError("an empty command")
    return " ".join(_quote(arg) for arg in command).replace("\\", "\\\\")


def _unescape_string(value: str) -> str:
    """The Desktop Entry string escapes: ``\\s \\n \\t \\r \\\\``."""
    out: list[str] = []
    chars = iter(value)
    for c in chars:
        if c != "\\":
            out.append(c)
            continue
        nxt = next(chars, "")
        out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(nxt, "\\" + nxt))
    return "".join(out)


def parse_exec(value: str) -> tuple[str, ...]:
    """The command an ``Exec=`` value runs (inverse of :func:`exec_line`)."""
    text = _unescape_string(value)
    args: list[str] = []
    current: list[str] = []
    started = quoted = False
    i = 0
    while i < len(text):
        c = text[i]
        if quoted:
            if c == "\\" and i + 1 < len(text):
                i += 1
                current.append(text[i])
            elif c == '"':
                quoted = False
            else:
                current.append(c)
        elif c == '"':
            quoted = started = True
        elif c in " \t":
            if started:
                args.append("".join(current))
                current, started = [], False
        else:
            current.append(c)
            started = True
        i += 1
    if quoted:
        raise ValueError(f"unterminated quote in Exec={value}")
    if started:
        args.append("".join(current))
    return tuple(arg.replace("%%", "%") for arg in args)


def desktop_entry(command: Sequence[str], icon: str) -> str:
    """The whole autostart file for ``command`` (pure; validated by desktop-file-validate)."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Version=1.4\n"
        "Name=Human Pretraining\n"
        "Comment=Earn points for focused work and output; spend them on rewards you set\n"
        f"Exec={exec_line(command)}\n"
        f"TryExec={command[0].replace(chr(92), chr(92) * 2)}\n"
        f"Icon={icon}\n"
        "Terminal=false\n"
        "StartupNotify=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def read_entry(text: str) -> dict[str, str]:
    """The keys of the ``[Desktop Entry]`` group (values as written, unescaped later)."""
    keys: dict[str, str] = {}
    group = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1]
        elif group == "Desktop Entry" and "=" in line:
            key, value = line.split("=", 1)
            keys[key.strip()] = value.strip()
    return keys


def command_of(text: str) -> tuple[str, ...] | None:
    """What an autostart file starts, or None when it is switched off or starts nothing."""
    keys = read_entry(text)
    if keys.get("Hidden") == "true" or keys.get("X-GNOME-Autostart-enabled") == "false":
        return None
    if "Exec" not in keys:
        return None
    return parse_exec(keys["Exec"]) or None


class XdgAutostart:
    """The autostart entry in the user's XDG config folder."""

    def __init__(self, environ: Mapping[str, str], home: Path, icon: str) -> None:
        self.path = autostart_dir(environ, home) / FILENAME
        self.location = str(self.path)
        self.icon = icon

    def write(self, command: Sequence[str]) -> None:
        write_atomically(self.path, desktop_entry(command, self.icon).encode("utf-8"))

    def read(self) -> tuple[str, ...] | None:
        try:
            text = self.path.read_text("utf-8")
        except FileNotFoundError:
            return None
        return command_of(text)

    def exists(self) -> bool:
        return self.path.exists()

    def remove(self) -> bool:
        return remove_file(self.path)
