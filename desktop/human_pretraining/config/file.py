"""The configuration file on disk: first-start default, reloads, and safe rewrites.

:class:`ConfigFile` owns one ``config.toml``:

* :meth:`ConfigFile.load` writes the commented default on first start and
  parses the file;
* :meth:`ConfigFile.reload` re-reads it after a hand edit; if the new text is
  invalid it raises :class:`ConfigError` and the **last good** configuration stays
  in force (:attr:`ConfigFile.current`);
* the ``add_*``/``replace_*``/``remove_*``/``move_rule``/``update_settings``
  methods change the file the way a careful person would, keeping comments and
  layout (see :mod:`human_pretraining.config.edit`). Every change is validated
  as a whole document *before* anything is written, and the file is replaced
  atomically (:mod:`human_pretraining.atomic`: a temporary file in the same
  folder, fsynced, renamed over it).
  A file that is currently invalid is never rewritten: the user's half-finished
  hand edit must not be clobbered.

Values passed in use the file's units (points, seconds), exactly like the TOML.
The text keeps its line endings (``\\r\\n`` stays ``\\r\\n``) and a UTF-8 BOM if
it had one. All methods are thread-safe.
"""

from __future__ import annotations

import errno
import os
import threading
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from human_pretraining.atomic import atomic_write
from human_pretraining.config import edit
from human_pretraining.config.errors import ConfigError
from human_pretraining.config.parse import (
    SETTINGS,
    parse_config,
    settings_to_file_values,
    unknown_key,
)
from human_pretraining.config.paths import private_dir
from human_pretraining.contracts import shared_path
from human_pretraining.core.model import Config, Settings, ValidationError
from human_pretraining.core.rule_parsing import rule_from_dict

DEFAULT_CONFIG = "default-config.toml"
_BOM = b"\xef\xbb\xbf"


def default_config_text() -> str:
    """The commented default configuration shipped in ``shared/default-config.toml``."""
    return shared_path(DEFAULT_CONFIG).read_text(encoding="utf-8")


@dataclass(frozen=True)
class _Source:
    """The file's text with ``\\n`` line endings, and how to write it back the same way."""

    text: str
    crlf: bool = False
    bom: bool = False

    def encode(self, text: str) -> bytes:
        if self.crlf:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        return (_BOM if self.bom else b"") + text.encode("utf-8")


class ConfigFile:
    """One configuration file: load, reload, and edit it without losing the user's work."""

    def __init__(self, path: Path, *, default_text: str | None = None) -> None:
        self.path = Path(path)
        self._default_text = default_text
        self._current: Config | None = None
        self._last_error: ConfigError | None = None
        self._seen: tuple[int, int] | None = None
        self._lock = threading.RLock()
        # Called (on the writing or reloading thread) after a new config takes effect.
        self.on_change: Callable[[Config], None] | None = None

    # ------------------------------------------------------------------ state

    @property
    def current(self) -> Config:
        """The last configuration that parsed; a failed reload does not replace it."""
        if self._current is None:
            raise RuntimeError("the configuration has not been loaded yet; call load() first")
        return self._current

    @property
    def last_error(self) -> ConfigError | None:
        """Why the latest load/reload failed, or None if it succeeded."""
        return self._last_error

    @property
    def name(self) -> str:
        return self.path.name

    def default_text(self) -> str:
        return self._default_text if self._default_text is not None else default_config_text()

    def read_text(self) -> str:
        """The file's current text (``\\n`` line endings)."""
        return self._read().text

    def changed_on_disk(self) -> bool:
        """Whether the file changed (or vanished) since this object last read or wrote it."""
        return self._stat() != self._seen

    # ------------------------------------------------------------------ loading

    def _missing(self) -> bool:
        """Nothing at all at the path. A dangling or looping symbolic link is *not*
        missing: it is an error to report, never a place to write the default."""
        return not self.path.is_symlink() and not self.path.exists()

    def load(self) -> Config:
        """Parse the file, first writing the commented default if it does not exist."""
        with self._lock:
            if self._missing():
                text = self.default_text()
                config = parse_config(text, filename=self.name)
                private_dir(self.path.parent)
                self._write(_Source(text), text, config)
                return config
            return self.reload()

    def reload(self) -> Config:
        """Re-read the file. Invalid: raise ConfigError and keep the last good config."""
        with self._lock:
            try:
                self._seen = self._stat()
                source = self._read()
                config = parse_config(source.text, filename=self.name)
            except ConfigError as exc:
                self._last_error = exc
                raise
            self._current = config
            self._last_error = None
        self._announce(config)
        return config

    def _stat(self) -> tuple[int, int] | None:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:  # e.g. a symbolic link loop: "changed", and read reports it
            return -1, exc.errno or 0
        return info.st_mtime_ns, info.st_size

    def _read(self) -> _Source:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            if self.path.is_symlink():
                raise ConfigError(
                    f"{self.path} is a symbolic link to {os.readlink(self.path)}, which does "
                    "not exist; fix the link, or remove it to start from the default",
                    filename=self.name,
                ) from None
            raise ConfigError(f"the file {self.path} does not exist", filename=self.name) from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise ConfigError(
                    f"{self.path} is a symbolic link that loops back on itself; "
                    "point it at a real file, or remove it to start from the default",
                    filename=self.name,
                ) from None
            raise ConfigError(
                f"cannot read {self.path}: {exc.strerror}", filename=self.name
            ) from None
        bom = raw.startswith(_BOM)
        body = raw[len(_BOM) :] if bom else raw
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = body[: exc.start].count(b"\n") + 1
            raise ConfigError(
                "is not UTF-8 text; save it as UTF-8 in your editor", line, filename=self.name
            ) from None
        crlf = "\r\n" in text
        return _Source(text.replace("\r\n", "\n"), crlf=crlf, bom=bom)

    # ------------------------------------------------------------------ editing

    def _edit(self, change: Callable[[str], str]) -> Config:
        """Apply ``change`` to the file's text, validate the result, write it atomically."""
        with self._lock:
            source = _Source(self.default_text()) if self._missing() else self._read()
            try:
                parse_config(source.text, filename=self.name)
            except ConfigError as exc:
                raise ConfigError(
                    f"{exc.message} (fix this in the file first: the app does not rewrite "
                    "a file that has a mistake in it)",
                    exc.line,
                    exc.field,
                    filename=self.name,
                ) from None
            new_text = change(source.text)
            try:
                config = parse_config(new_text, filename=None)
            except ConfigError as exc:
                raise ConfigError(exc.message, None, exc.field, filename=None) from None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._write(source, new_text, config)
        self._announce(config)
        return config

    def _announce(self, config: Config) -> None:
        if self.on_change is not None:
            self.on_change(config)

    def _write(self, source: _Source, text: str, config: Config) -> None:
        atomic_write(self.path, source.encode(text))
        self._seen = self._stat()
        self._current = config
        self._last_error = None

    def update_settings(self, **values: object) -> Config:
        """Set ``[settings]`` keys (file units: points, seconds); ``None`` restores the default."""
        defaults = settings_to_file_values(Settings())
        for key in values:
            if key not in SETTINGS:
                error = unknown_key(f"settings.{key}", key, list(SETTINGS), "setting")
                raise ConfigError(error.message, None, error.field, filename=None)
        resolved = {k: defaults[k] if v is None else v for k, v in values.items()}
        return self._edit(lambda text: edit.set_values(text, ("settings",), resolved))

    # rules --------------------------------------------------------------

    def add_rule(self, rule: Mapping[str, object], position: int | None = None) -> Config:
        """Insert a rule at ``position`` (default: last). Without an ``id`` one is written."""

        def change(text: str) -> str:
            count = len(_entries(text, "rules"))
            entry = _with_id(rule, count if position is None else position)
            return edit.insert_entry(text, "rules", entry, position)

        return self._edit(change)

    def replace_rule(self, rule_id: str, rule: Mapping[str, object]) -> Config:
        """Make the rule ``rule_id`` read ``rule``, editing it in place (its comments stay)."""

        def change(text: str) -> str:
            index = _rule_index(text, rule_id)
            entry = dict(rule) if "id" in rule else {"id": rule_id, **rule}
            return edit.replace_entry(text, "rules", index, entry)

        return self._edit(change)

    def remove_rule(self, rule_id: str) -> Config:
        """Delete the rule ``rule_id`` and the comment lines directly above it."""
        return self._edit(lambda text: edit.remove_entry(text, "rules", _rule_index(text, rule_id)))

    def move_rule(self, rule_id: str, new_index: int) -> Config:
        """Move the rule ``rule_id`` (with its comments) to position ``new_index`` (0 = first)."""
        return self._edit(
            lambda text: edit.move_entry(text, "rules", _rule_index(text, rule_id), new_index)
        )

    # tasks, goals, rewards ----------------------------------------------

    def add_task(self, task: Mapping[str, object], position: int | None = None) -> Config:
        return self._edit(lambda text: edit.insert_entry(text, "tasks", task, position))

    def replace_task(self, name: str, task: Mapping[str, object]) -> Config:
        return self._replace_named("tasks", name, task)

    def remove_task(self, name: str) -> Config:
        return self._remove_named("tasks", name)

    def add_goal(self, goal: Mapping[str, object], position: int | None = None) -> Config:
        return self._edit(lambda text: edit.insert_entry(text, "goals", goal, position))

    def replace_goal(self, name: str, goal: Mapping[str, object]) -> Config:
        return self._replace_named("goals", name, goal)

    def remove_goal(self, name: str) -> Config:
        return self._remove_named("goals", name)

    def add_reward(self, reward: Mapping[str, object], position: int | None = None) -> Config:
        return self._edit(lambda text: edit.insert_entry(text, "rewards", reward, position))

    def replace_reward(self, name: str, reward: Mapping[str, object]) -> Config:
        return self._replace_named("rewards", name, reward)

    def remove_reward(self, name: str) -> Config:
        return self._remove_named("rewards", name)

    def _replace_named(self, section: str, name: str, entry: Mapping[str, object]) -> Config:
        return self._edit(
            lambda text: edit.replace_entry(text, section, _named_index(text, section, name), entry)
        )

    def _remove_named(self, section: str, name: str) -> Config:
        return self._edit(
            lambda text: edit.remove_entry(text, section, _named_index(text, section, name))
        )


# ---------------------------------------------------------------------- lookups


def _entries(text: str, section: str) -> list[Any]:
    items = tomllib.loads(text).get(section, [])
    return items if isinstance(items, list) else []


def _rule_index(text: str, rule_id: str) -> int:
    for index, rule in enumerate(parse_config(text).rules):
        if rule.id == rule_id:
            return index
    raise ConfigError(f"there is no rule with id {rule_id!r}", None, "rules", filename=None)


def _named_index(text: str, section: str, name: str) -> int:
    wanted = name.strip().casefold()
    for index, item in enumerate(_entries(text, section)):
        value = item.get("name") if isinstance(item, dict) else None
        if isinstance(value, str) and value.strip().casefold() == wanted:
            return index
    singular = section.removesuffix("s")
    raise ConfigError(f"there is no {singular} named {name!r}", None, section, filename=None)


def _with_id(rule: Mapping[str, object], index: int) -> dict[str, object]:
    """The rule with an explicit ``id`` first, so it stays stable if the rule is edited later."""
    if "id" in rule:
        return dict(rule)
    try:
        rule_id = rule_from_dict(rule, index).id
    except ValidationError as exc:
        raise ConfigError(exc.message, None, exc.field, filename=None) from None
    return {"id": rule_id, **rule}
