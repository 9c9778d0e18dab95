"""Change a TOML text while keeping everything the user wrote that the change is not about.

Each operation has two strategies:

1. **Text surgery** (preferred). Whole ``[[section]]`` entries are inserted,
   removed and moved as line ranges found by :class:`Layout`, taking the comment
   lines directly above an entry's header with it; values inside a table are
   changed in place with ``tomlkit`` (which keeps their trailing comments) and new
   keys are added as lines after the table's last value.
2. **tomlkit only**, for layouts the surgery does not handle (e.g. ``rules`` as
   an inline array).

Whatever the strategy, the result is decoded again and must equal the intended
data exactly, or the next strategy is tried; if none gives exactly the intended
data, :class:`ConfigError` is raised and nothing is written. Texts use ``\\n``
line endings (the file store converts).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import tomlkit
from tomlkit.items import AoT, Item, Table

from human_pretraining.config.errors import ConfigError
from human_pretraining.config.layout import Block, Kind, Layout

Data = dict[str, Any]
Strategy = Callable[[str], str]


# ------------------------------------------------------------------ values


def plain(value: object, field: str = "value") -> Any:
    """A deep copy of ``value`` as TOML-able plain data (dicts, lists, scalars), or ConfigError."""
    if isinstance(value, Mapping):
        return {str(k): plain(v, f"{field}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, f"{field}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, bool | int | float | str):
        return value
    raise ConfigError(
        f"cannot be written to the file: {type(value).__name__} {value!r}",
        None,
        field,
        filename=None,
    )


def to_item(value: Any) -> Item:
    """A tomlkit item for plain data; tables inside values become inline tables."""
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        for key, inner in value.items():
            table.append(key, to_item(inner))
        return table
    if isinstance(value, list):
        array = tomlkit.array()
        for inner in value:
            array.append(to_item(inner))
        return array
    item: Item = tomlkit.item(value)
    return item


def render_assignment(key: str, value: Any) -> str:
    """``key = value\\n`` as TOML, key quoted if it needs to be."""
    doc = tomlkit.document()
    doc.add(key, to_item(value))
    return tomlkit.dumps(doc)


def render_entry(section: str, entry: Mapping[str, Any]) -> str:
    """A ``[[section]]`` header and its values, ending with a newline."""
    return f"[[{section}]]\n" + "".join(render_assignment(k, v) for k, v in entry.items())


# ------------------------------------------------------------------ machinery


def _comparable(data: Data) -> Data:
    # An emptied section may disappear from the file altogether; that means the same.
    return {k: v for k, v in data.items() if v != []}


def _apply(text: str, expected: Data, strategies: Sequence[Strategy]) -> str:
    for strategy in strategies:
        try:
            candidate = strategy(text)
            if _comparable(tomllib.loads(candidate)) == _comparable(expected):
                return candidate
        except Exception:  # a strategy that cannot cope simply hands over to the next
            continue
    raise ConfigError(
        "could not write this change without disturbing the rest of the file; "
        "please make it by hand",
        filename=None,
    )


def _ensure_newline(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def _splice(lines: Sequence[str], at: int, piece: str, stop: int | None = None) -> str:
    return "".join(lines[:at]) + piece + "".join(lines[at if stop is None else stop :])


def _entries_match(layout: Layout, data: Data, section: str) -> bool:
    items = data.get(section)
    if items is None:
        return not layout.entries(section)
    return isinstance(items, list) and len(layout.entries(section)) == len(items)


def _section(data: Data, section: str) -> list[Any]:
    items = data.get(section, [])
    if not isinstance(items, list):
        raise ConfigError(f"must be a list of [[{section}]] tables", None, section, filename=None)
    return items


# ------------------------------------------------------------------ entries


def _check_index(index: int, items: Sequence[object], section: str) -> None:
    if not 0 <= index < len(items):
        raise ConfigError(
            f"position must be from 0 to {len(items) - 1}, got {index}",
            None,
            section,
            filename=None,
        )


def _insert_text(text: str, section: str, index: int, block: str) -> str:
    """Put ``block`` (an entry's lines) so that it becomes entry ``index`` of ``section``."""
    text = _ensure_newline(text)
    layout = Layout(text)
    lines, kinds = layout.lines, layout.kinds
    entries = layout.entries(section)
    if index < len(entries):
        at = entries[index].lead
        before = "\n" if at > 0 and kinds[at - 1] is not Kind.BLANK else ""
        return _splice(lines, at, before + block + "\n")
    if entries:
        at = entries[-1].content_end
        after = "\n" if at < len(lines) and kinds[at] is not Kind.BLANK else ""
        return _splice(lines, at, "\n" + block + after)
    before = "\n" if lines and kinds[-1] is not Kind.BLANK else ""
    return text + before + block


def _remove_text(text: str, section: str, index: int) -> tuple[str, str]:
    """Drop entry ``index`` of ``section``; returns the new text and the entry's own lines."""
    text = _ensure_newline(text)
    layout = Layout(text)
    lines, kinds = layout.lines, layout.kinds
    entry = layout.entries(section)[index]
    start, stop = entry.lead, entry.end
    if stop == len(lines):  # last thing in the file: do not leave blank lines dangling
        while start > 0 and kinds[start - 1] is Kind.BLANK:
            start -= 1
    return _splice(lines, start, "", stop), "".join(lines[entry.lead : entry.content_end])


def insert_entry(
    text: str, section: str, entry: Mapping[str, object], index: int | None = None
) -> str:
    """Add ``entry`` as ``[[section]]`` number ``index`` (default: last)."""
    data = tomllib.loads(text)
    items = _section(data, section)
    value = plain(entry, section)
    position = len(items) if index is None else index
    if not 0 <= position <= len(items):
        raise ConfigError(
            f"position must be from 0 to {len(items)}, got {position}", None, section, filename=None
        )
    expected = {**data, section: [*items[:position], value, *items[position:]]}

    def surgery(source: str) -> str:
        if not _entries_match(Layout(source), data, section):
            raise ValueError("layout not understood")
        return _insert_text(source, section, position, render_entry(section, value))

    def with_tomlkit(source: str) -> str:
        doc = tomlkit.parse(source)
        if section not in doc:
            doc.append(section, tomlkit.aot())
        container: Any = doc[section]
        container.insert(position, _table(value) if isinstance(container, AoT) else to_item(value))
        return tomlkit.dumps(doc)

    return _apply(text, expected, (surgery, with_tomlkit))


def _table(value: Mapping[str, Any]) -> Table:
    table = tomlkit.table()
    for key, inner in value.items():
        table.append(key, to_item(inner))
    return table


def remove_entry(text: str, section: str, index: int) -> str:
    """Delete ``[[section]]`` entry ``index`` and the comment lines directly above it."""
    data = tomllib.loads(text)
    items = _section(data, section)
    _check_index(index, items, section)
    expected = {**data, section: [*items[:index], *items[index + 1 :]]}

    def surgery(source: str) -> str:
        if not _entries_match(Layout(source), data, section):
            raise ValueError("layout not understood")
        return _remove_text(source, section, index)[0]

    def with_tomlkit(source: str) -> str:
        doc = tomlkit.parse(source)
        container: Any = doc[section]
        del container[index]
        return tomlkit.dumps(doc)

    return _apply(text, expected, (surgery, with_tomlkit))


def move_entry(text: str, section: str, index: int, new_index: int) -> str:
    """Move entry ``index`` (with its comments) so it becomes entry ``new_index``."""
    data = tomllib.loads(text)
    items = list(_section(data, section))
    _check_index(index, items, section)
    _check_index(new_index, items, section)
    moved = items.pop(index)
    items.insert(new_index, moved)
    expected = {**data, section: items}

    def surgery(source: str) -> str:
        if not _entries_match(Layout(source), data, section):
            raise ValueError("layout not understood")
        without, block = _remove_text(source, section, index)
        return _insert_text(without, section, new_index, block)

    def with_tomlkit(source: str) -> str:
        doc = tomlkit.parse(source)
        container: Any = doc[section]
        values = [plain(v) for v in tomllib.loads(source)[section]]
        value = values[index]
        del container[index]
        container.insert(new_index, _table(value) if isinstance(container, AoT) else to_item(value))
        return tomlkit.dumps(doc)

    return _apply(text, expected, (surgery, with_tomlkit))


# ------------------------------------------------------------------ values in a table


def _set_in_container(
    container: Any, values: Mapping[str, Any], removals: Sequence[str]
) -> list[str]:
    """Change existing keys in place and delete ``removals``; returns keys still to add."""
    for key in removals:
        if key in container:
            del container[key]
    missing = []
    for key, value in values.items():
        if key not in container:
            missing.append(key)
        elif (
            plain(container[key].unwrap() if isinstance(container[key], Item) else container[key])
            != value
        ):
            container[key] = to_item(value)
    return missing


def _add_lines(text: str, block: Block | None, lines_text: str, header: str) -> str:
    layout = Layout(_ensure_newline(text))
    lines, kinds = layout.lines, layout.kinds
    if block is None:  # the table does not exist yet: put it before the first table
        first = next((b.header_line for b in layout.blocks if b.header_line is not None), None)
        if first is None:
            before = "\n" if lines and kinds[-1] is not Kind.BLANK else ""
            return "".join(lines) + before + header + lines_text
        at = first
        while at > 0 and kinds[at - 1] is Kind.COMMENT:
            at -= 1
        return _splice(lines, at, header + lines_text + "\n")
    assert block.header_line is not None
    direct = [a.end for a in block.assignments]
    at = max(direct) if direct else block.header_line + 1
    return _splice(lines, at, lines_text)


def set_values(
    text: str,
    table: tuple[str, int] | tuple[str],
    values: Mapping[str, object],
    removals: Sequence[str] = (),
) -> str:
    """Set ``values`` (and delete ``removals``) in ``[settings]`` or in entry ``(section, index)``.

    Keys that already exist keep their place and trailing comment; new keys go
    after the table's last value. A missing ``[settings]`` table is created.
    """
    data = tomllib.loads(text)
    new_values = {k: plain(v, k) for k, v in values.items()}
    expected: Data = {**data}
    if len(table) == 1:
        name = table[0]
        old = data.get(name, {})
        if not isinstance(old, dict):
            raise ConfigError(f"must be a table ([{name}])", None, name, filename=None)
        current = {k: v for k, v in old.items() if k not in removals}
        expected[name] = {**current, **new_values}
    else:
        name, index = table
        items = list(_section(data, name))
        current = {k: v for k, v in items[index].items() if k not in removals}
        items[index] = {**current, **new_values}
        expected[name] = items

    def navigate(doc: Any) -> Any:
        if len(table) == 1:
            return doc.get(table[0])
        return doc[table[0]][table[1]]

    def surgery(source: str) -> str:
        doc = tomlkit.parse(source)
        container = navigate(doc)
        missing = (
            list(new_values)
            if container is None
            else _set_in_container(container, new_values, removals)
        )
        changed = tomlkit.dumps(doc)
        if not missing:
            return changed
        layout = Layout(_ensure_newline(changed))
        if len(table) == 1:
            block = layout.table(table)
            if block is None and container is not None:
                raise ValueError("table written in another form")
        else:
            if not _entries_match(layout, tomllib.loads(changed), table[0]):
                raise ValueError("layout not understood")
            block = layout.entries(table[0])[table[1]].main
        lines_text = "".join(render_assignment(k, new_values[k]) for k in missing)
        return _add_lines(changed, block, lines_text, f"[{table[0]}]\n")

    def with_tomlkit(source: str) -> str:
        doc = tomlkit.parse(source)
        container = navigate(doc)
        if container is None:
            doc.append(table[0], tomlkit.table())
            container = navigate(doc)
        for key in _set_in_container(container, new_values, removals):
            container[key] = to_item(new_values[key])
        return tomlkit.dumps(doc)

    return _apply(text, expected, (surgery, with_tomlkit))


def replace_entry(text: str, section: str, index: int, entry: Mapping[str, object]) -> str:
    """Make entry ``index`` of ``section`` hold exactly ``entry``, editing it in place."""
    data = tomllib.loads(text)
    items = _section(data, section)
    _check_index(index, items, section)
    removals = [k for k in items[index] if k not in entry]
    return set_values(text, (section, index), entry, removals)
