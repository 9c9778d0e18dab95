"""Text surgery on TOML: entries, comments and tricky layouts; property tests for rewrites."""

from __future__ import annotations

import dataclasses
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from human_pretraining.config import edit
from human_pretraining.config.errors import ConfigError
from human_pretraining.config.file import ConfigFile, default_config_text
from human_pretraining.config.layout import Layout
from human_pretraining.config.parse import SETTINGS, parse_config
from human_pretraining.core.model import MILLI, Settings

TRICKY = '''\
# header

[settings]
port = 5747

# about a
[[rules]]
id = "a"
site = "a.com"   # inline
category = "focus"
rate = 1
notes_free = """
[[rules]]
not a header
"""

[[rules]]
id = "b"
app = [
    "one",
    "two",  # [[rules]] in a comment
]
category = "focus"
rate = 1
# hanging below b

# floating, belongs to nobody

# about c
[[rules]]
id = "c"
site = "c.com"
category = "focus"
rate = 1

[rules.schedule]
days = ["mon"]
hours = "09:00-17:00"

[[tasks]]
name = "T"
points = 1
'''


def test_layout_sees_three_entries_despite_strings_and_comments() -> None:
    layout = Layout(TRICKY)
    entries = layout.entries("rules")
    assert len(entries) == 3
    lines = layout.lines
    assert lines[entries[0].lead] == "# about a\n"
    assert lines[entries[1].lead] == "[[rules]]\n"
    assert lines[entries[1].content_end - 1] == "# hanging below b\n"
    assert lines[entries[2].lead] == "# about c\n"
    assert lines[entries[2].body_end - 1] == 'hours = "09:00-17:00"\n'
    assert len(layout.entries("tasks")) == 1


@pytest.mark.parametrize(
    ("field", "fragment"),
    [
        ("rules[0].site", 'site = "a.com"'),
        ("rules[1].app[1]", "app = ["),
        ("rules[1].category", 'category = "focus"\nrate = 1\n# hanging'),
        ("rules[2].schedule.hours", 'hours = "09:00-17:00"'),
        ("rules[2].schedule.days", 'days = ["mon"]'),
        ("rules[2].enforcement", '[[rules]]\nid = "c"'),
        ("tasks[0].repeat", "[[tasks]]"),
        ("settings.port", "port = 5747"),
        ("settings.timezone", "[settings]"),
    ],
)
def test_line_of_fields(field: str, fragment: str) -> None:
    expected = TRICKY[: TRICKY.index(fragment)].count("\n") + 1
    assert Layout(TRICKY).line_of(field) == expected


def test_line_of_unknown_things_is_none() -> None:
    assert Layout(TRICKY).line_of("goals[0].name") is None
    assert Layout(TRICKY).line_of("") is None


def test_remove_takes_the_lead_comment_and_leaves_floating_ones() -> None:
    text = edit.remove_entry(TRICKY, "rules", 2)
    assert "# about c" not in text
    assert "[rules.schedule]" not in text
    assert "# floating, belongs to nobody" in text
    assert "# hanging below b" in text
    assert tomllib.loads(text)["rules"][-1]["id"] == "b"
    text = edit.remove_entry(TRICKY, "rules", 1)
    assert "# hanging below b" not in text
    assert '"two",  # [[rules]] in a comment' not in text
    assert "# floating, belongs to nobody" in text


def test_move_keeps_each_entry_verbatim() -> None:
    text = edit.move_entry(TRICKY, "rules", 2, 0)
    assert [r["id"] for r in tomllib.loads(text)["rules"]] == ["c", "a", "b"]
    block_c = TRICKY[TRICKY.index("# about c") : TRICKY.index("[[tasks]]")].rstrip("\n")
    block_b = TRICKY[TRICKY.index('[[rules]]\nid = "b"') : TRICKY.index("\n\n# floating")]
    assert block_c in text
    assert block_b in text
    assert text.index("# about c") < text.index("# about a")
    assert text.count("\n") == TRICKY.count("\n")
    back = edit.move_entry(text, "rules", 0, 2)
    assert tomllib.loads(back) == tomllib.loads(TRICKY)


def test_insert_goes_between_entries_and_after_subtables() -> None:
    entry = {"id": "d", "site": "d.com", "category": "focus", "rate": 1}
    last = edit.insert_entry(TRICKY, "rules", entry)
    assert [r["id"] for r in tomllib.loads(last)["rules"]] == ["a", "b", "c", "d"]
    assert 'hours = "09:00-17:00"\n\n[[rules]]\nid = "d"' in last
    first = edit.insert_entry(TRICKY, "rules", entry, 0)
    assert first.startswith('# header\n\n[settings]\nport = 5747\n\n[[rules]]\nid = "d"')
    assert '\n\n# about a\n[[rules]]\nid = "a"' in first


def test_set_values_in_an_entry_with_a_subtable() -> None:
    text = edit.set_values(TRICKY, ("rules", 2), {"rate": 2, "daily_cap": 10}, ["site"])
    data = tomllib.loads(text)
    rule = data["rules"][2]
    assert rule["rate"] == 2
    assert rule["daily_cap"] == 10
    assert "site" not in rule
    assert rule["schedule"] == {"days": ["mon"], "hours": "09:00-17:00"}
    assert "rate = 2\ndaily_cap = 10\n\n[rules.schedule]" in text


def test_unwritable_values_are_refused() -> None:
    with pytest.raises(ConfigError, match="cannot be written"):
        edit.insert_entry(TRICKY, "tasks", {"name": "x", "points": object()})


def test_moving_the_multiline_terminal_rule(tmp_path: Path) -> None:
    file = ConfigFile(tmp_path / "config.toml")
    before = file.load()
    text = file.read_text()
    start = text.index("# Terminals are where")
    block = text[start : text.index("\n\n", start)]
    config = file.move_rule("terminal", 0)
    assert config.rules[0].id == "terminal"
    assert config.rules[0] == dataclasses.replace(
        next(r for r in before.rules if r.id == "terminal"), order=0
    )
    assert block in file.read_text()


# ---------------------------------------------------------------------- properties


def _file_points(milli: int) -> int | float:
    return milli // MILLI if milli % MILLI == 0 else milli / MILLI


_printable = st.characters(categories=("L", "M", "N", "P", "S")) | st.just(" ")
_points = st.integers(0, 1_000_000 * MILLI).map(_file_points)
SETTING_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "device_name": st.text(_printable, max_size=64).filter(lambda s: s == s.strip()),
    "database_url": st.sampled_from(["", "sqlite:////tmp/h.sqlite3", "postgresql://me@db/hp"]),
    "timezone": st.sampled_from(["", "UTC", "Europe/Berlin", "America/New_York"]),
    "port": st.integers(1024, 65535),
    "idle_threshold_s": st.integers(10, 3600),
    "pulsetime_s": st.integers(5, 600),
    "store_titles": st.booleans(),
    "store_paths": st.booleans(),
    "words_per_minute": st.integers(1, 1000),
    "doomscroll_share_pct": st.integers(0, 100),
    "doomscroll_multiplier_pct": st.integers(0, 1000),
    "allow_overdraft": st.booleans(),
    "overdraft_limit": _points,
    "debt_limit": _points,
    "low_balance": _points,
    "nudge_pause_s": st.integers(0, 600),
    "nudge_minutes": st.integers(1, 240),
    "nudge_surcharge_pct": st.integers(100, 1000),
}


def test_the_strategies_cover_every_setting() -> None:
    assert set(SETTING_VALUES) == set(SETTINGS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.fixed_dictionaries({}, optional=SETTING_VALUES))
def test_update_settings_then_parse_gives_the_values_back(values: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        file = ConfigFile(Path(directory) / "config.toml")
        file.load()
        config = file.update_settings(**values)
        reparsed = parse_config(file.read_text())
    expected = {
        key: round(value * MILLI) if SETTINGS[key].points else value
        for key, value in values.items()
    }
    assert config.settings == dataclasses.replace(Settings(), **expected)
    assert reparsed == config


_ops = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 40)),
        st.tuples(st.just("remove"), st.integers(0, 40)),
        st.tuples(st.just("move"), st.integers(0, 40), st.integers(0, 40)),
    ),
    max_size=8,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(ops=_ops)
def test_rule_edits_match_a_list_model_and_keep_comments(ops: list[tuple[int | str, ...]]) -> None:
    text = default_config_text()
    model: list[dict[str, Any]] = tomllib.loads(text)["rules"]
    comments = sorted(line for line in text.splitlines() if line.lstrip().startswith("#"))
    counter = 0
    for op in ops:
        kind, *args = op
        positions = [int(a) for a in args]
        if kind == "add":
            index = positions[0] % (len(model) + 1)
            counter += 1
            entry = {
                "id": f"new-{counter}",
                "site": f"n{counter}.example",
                "category": "focus",
                "rate": 1,
            }
            text = edit.insert_entry(text, "rules", entry, index)
            model.insert(index, entry)
        elif not model:
            continue
        elif kind == "remove":
            index = positions[0] % len(model)
            removed = model.pop(index)
            text = edit.remove_entry(text, "rules", index)
            comments = _drop_lead_comments(comments, removed["id"])
        else:
            index, target = positions[0] % len(model), positions[1] % len(model)
            text = edit.move_entry(text, "rules", index, target)
            model.insert(target, model.pop(index))
        assert tomllib.loads(text).get("rules", []) == model
        assert "\n\n\n\n" not in text
    parse_config(text)
    remaining = sorted(line for line in text.splitlines() if line.lstrip().startswith("#"))
    assert remaining == comments


_LEAD_COMMENTS = {  # comment lines directly above a rule's header in the default file
    "youtube": 2,
    "terminal": 1,
    "libreoffice-writer": 1,
    "notes-folder": 6,
}


def _drop_lead_comments(comments: list[str], rule_id: str) -> list[str]:
    count = _LEAD_COMMENTS.get(rule_id, 0)
    if not count:
        return comments
    text = default_config_text()
    header = text.index(f'[[rules]]\nid = "{rule_id}"')
    lead = text[:header].splitlines()[-count:]
    remaining = list(comments)
    for line in lead:
        remaining.remove(line)
    return remaining
