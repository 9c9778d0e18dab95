"""config.toml: the commented default, validation with lines, last-good reloads, safe rewrites."""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from pathlib import Path

import pytest

from human_pretraining.config.errors import ConfigError
from human_pretraining.config.file import ConfigFile, default_config_text
from human_pretraining.config.loader import parse_config
from human_pretraining.config.parse import SETTINGS, settings_to_file_values
from human_pretraining.config.paths import HOME_ENV, resolve_paths
from human_pretraining.contracts import shared_path
from human_pretraining.core.model import (
    AppMatcher,
    Category,
    Enforcement,
    FolderMatcher,
    GoalKind,
    Period,
    Repeat,
    Settings,
    SiteMatcher,
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "hp-home"
    monkeypatch.setenv(HOME_ENV, str(directory))
    return directory


@pytest.fixture
def config_file(home: Path) -> ConfigFile:
    return ConfigFile(resolve_paths().config_file)


@pytest.fixture
def loaded(config_file: ConfigFile) -> ConfigFile:
    config_file.load()
    return config_file


def line_with(text: str, fragment: str) -> int:
    """1-based number of the first line containing ``fragment``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in text")


# ---------------------------------------------------------------------- the default


def test_first_load_writes_the_commented_default(config_file: ConfigFile, home: Path) -> None:
    assert not config_file.path.exists()
    config = config_file.load()
    written = config_file.path.read_text(encoding="utf-8")
    assert written == shared_path("default-config.toml").read_text(encoding="utf-8")
    assert written.startswith("# Human Pretraining")
    assert config == parse_config(written)
    assert config_file.current is config
    assert config_file.last_error is None
    assert sorted(p.name for p in home.iterdir()) == ["config.toml"]


def test_load_never_overwrites_an_existing_file(config_file: ConfigFile) -> None:
    config_file.path.parent.mkdir(parents=True)
    config_file.path.write_text("[settings]\nport = 6001\n", encoding="utf-8")
    assert config_file.load().settings.port == 6001
    assert config_file.path.read_text(encoding="utf-8") == "[settings]\nport = 6001\n"


def test_default_has_the_key_rules(loaded: ConfigFile) -> None:
    rules = {rule.id: rule for rule in loaded.current.rules}
    shorts = rules["youtube-shorts"]
    assert shorts.matcher == SiteMatcher("youtube.com", "/shorts")
    assert shorts.category is Category.DISTRACTION
    assert shorts.rate < 0
    assert shorts.enforcement is Enforcement.NUDGE
    docs = rules["python-docs"]
    assert docs.matcher == SiteMatcher("docs.python.org")
    assert docs.category is Category.LEARNING
    assert docs.rate > 0
    vscode = rules["vscode"]
    assert isinstance(vscode.matcher, AppMatcher)
    assert "code" in vscode.matcher.names
    assert vscode.category is Category.FOCUS
    notes = rules["notes-folder"]
    assert isinstance(notes.matcher, FolderMatcher)
    assert notes.category is Category.OUTPUT
    assert notes.rate == max(rule.rate for rule in loaded.current.rules)
    # youtube.com/shorts must beat youtube.com and cost more
    assert shorts.rate < rules["youtube"].rate < 0


def test_default_ids_are_explicit_and_earning_rules_capped() -> None:
    data = tomllib.loads(default_config_text())
    ids = [rule["id"] for rule in data["rules"]]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule_id) for rule_id in ids)
    for rule in data["rules"]:
        if rule["rate"] > 0:
            assert "daily_cap" in rule, rule["id"]


def test_default_settings_mirror_the_model() -> None:
    data = tomllib.loads(default_config_text())
    assert set(data["settings"]) == {f.name for f in dataclasses.fields(Settings)}
    assert set(SETTINGS) == {f.name for f in dataclasses.fields(Settings)}
    assert parse_config(default_config_text()).settings == Settings()
    assert data["settings"] == settings_to_file_values(Settings())
    assert data["settings"]["debt_limit"] == 100  # points in the file, milli inside


def test_default_tasks_goals_rewards() -> None:
    config = parse_config(default_config_text())
    explain = config.task("explain something to someone")
    assert explain is not None
    assert explain.points == 30_000
    assert explain.repeat is Repeat.DAILY
    goals = {goal.name: goal for goal in config.goals}
    assert goals["Deep work"].kind is GoalKind.MINUTES
    assert goals["Deep work"].category is Category.FOCUS
    assert goals["Feeds under 30 min"].kind is GoalKind.MAX_MINUTES
    assert goals["Weekly learning"].period is Period.WEEK
    youtube = config.reward("30 min of YouTube")
    assert youtube is not None
    assert youtube.is_allowance
    assert youtube.site == "youtube.com"
    assert youtube.cost == 50_000
    feeds = config.reward("15 min of feeds")
    assert feeds is not None
    assert feeds.category is Category.DISTRACTION
    episode = config.reward("One episode")
    assert episode is not None
    assert episode.daily_limit == 1
    assert not episode.is_allowance


# ---------------------------------------------------------------------- errors

BASE = """\
# my config
[settings]
port = 5747
store_titles = false

[[rules]]
id = "one"
site = "a.com"
category = "focus"
rate = 1

[[rules]]
id = "two"
site = "b.com"
category = "distraction"
rate = -2

[[rules]]
id = "three"
site = "c.com"
category = "learning"
rate = 2
daily_cap = 60

[[tasks]]
name = "Read"
points = 10

[[goals]]
name = "Deep"
kind = "minutes"
category = "focus"
target = 60

[[rewards]]
name = "Break"
cost = 20
"""


def test_base_is_valid() -> None:
    config = parse_config(BASE)
    assert [rule.id for rule in config.rules] == ["one", "two", "three"]


@pytest.mark.parametrize(
    ("old", "new", "field", "message", "at"),
    [
        ("rate = 2", 'rate = "fast"', "rules[2].rate", "must be a number", "fast"),
        ("rate = 2", "ratee = 2", "rules[2].ratee", "did you mean 'rate'", "ratee"),
        ('category = "learning"', 'category = "fun"', "rules[2].category", "must be one of", "fun"),
        ("daily_cap = 60", "daily_cap = -5", "rules[2].daily_cap", "more than 0", "-5"),
        ("port = 5747", 'port = "5747"', "settings.port", "whole number", "port"),
        ("port = 5747", "port = 80", "settings.port", "from 1,024 to 65,535", "port"),
        (
            "store_titles = false",
            "store_titles = 1",
            "settings.store_titles",
            "true or false",
            "store_titles",
        ),
        (
            "store_titles = false",
            "store_title = false",
            "settings.store_title",
            "store_titles",
            "store_title",
        ),
        ("points = 10", 'points = "ten"', "tasks[0].points", "number", "ten"),
        ("points = 10", "points = -1", "tasks[0].points", "from 0", "-1"),
        ('kind = "minutes"', 'kind = "hours"', "goals[0].kind", "minutes, max_minutes", "hours"),
        ("target = 60", "target = 2000", "goals[0].target", "1,440", "2000"),
        (
            "cost = 20",
            'cost = 20\nminutes = 10\nsite = "a.com"\ncategory = "focus"',
            "rewards[0].category",
            "not both",
            'category = "focus"\n',
        ),
        (
            "cost = 20",
            'cost = 20\nsite = "a.com"',
            "rewards[0].minutes",
            "needs minutes",
            "[[rewards]]",
        ),
        (
            "cost = 20",
            "cost = 20\nminutes = 5",
            "rewards[0].minutes",
            "site or a category",
            "minutes = 5",
        ),
        ("cost = 20", 'cost = 20\nminutes = 5\nsite = "ftp://x"', "rewards[0].site", "http", "ftp"),
        ("cost = 20", "cost = 20.0001", "rewards[0].cost", "3 decimals", "20.0001"),
        (
            'name = "Break"',
            'name = "Break"\ncolour = "red"',
            "rewards[0].colour",
            "unknown",
            "colour",
        ),
    ],
)
def test_bad_field_reports_field_and_line(
    old: str, new: str, field: str, message: str, at: str
) -> None:
    text = BASE.replace(old, new, 1)
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    error = caught.value
    assert error.field == field
    assert message in error.message
    if at.endswith("\n"):  # the last line holding the fragment
        at = at.rstrip("\n")
        expected = max(n for n, line in enumerate(text.splitlines(), 1) if at in line)
    else:
        expected = line_with(text, at)
    assert error.line == expected
    assert str(error) == f"config.toml, line {expected}: {field}: {error.message}"


def test_error_text_reads_like_a_sentence() -> None:
    text = BASE.replace("rate = 2", 'rate = "fast"')
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    line = line_with(text, 'rate = "fast"')
    assert (
        str(caught.value)
        == f"config.toml, line {line}: rules[2].rate: must be a number, got 'fast'"
    )


def test_missing_key_points_at_the_entry_header() -> None:
    text = BASE.replace('category = "focus"\ntarget = 60', "target = 60")
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert caught.value.field == "goals[0].category"
    assert caught.value.line == line_with(text, "[[goals]]")


def test_unknown_section_and_duplicate_names() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(BASE + '\n[[rule]]\nsite = "x.com"\n')
    assert caught.value.field == "rule"
    assert "did you mean 'rules'" in caught.value.message
    assert caught.value.line == BASE.count("\n") + 2
    with pytest.raises(ConfigError) as caught:
        parse_config(BASE + '\n[[tasks]]\nname = "READ"\npoints = 1\n')
    assert caught.value.field == "tasks[1].name"
    assert "duplicate" in caught.value.message
    assert caught.value.line == BASE.count("\n") + 3


def test_nested_fields_find_their_line() -> None:
    inline = BASE.replace("daily_cap = 60", 'schedule = { days = ["mon"], hours = "9-5" }')
    with pytest.raises(ConfigError) as caught:
        parse_config(inline)
    assert caught.value.field == "rules[2].schedule.hours"
    assert caught.value.line == line_with(inline, "schedule =")
    table = BASE.replace("daily_cap = 60", '[rules.schedule]\ndays = ["mon"]\nhours = "9-5"')
    with pytest.raises(ConfigError) as caught:
        parse_config(table)
    assert caught.value.line == line_with(table, 'hours = "9-5"')


def test_syntax_error_reports_the_parser_line() -> None:
    text = BASE.replace("rate = -2", "rate = = -2")
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert caught.value.line == line_with(text, "rate = = -2")
    assert caught.value.field is None
    assert "TOML syntax error" in str(caught.value)
    assert "(at line" not in caught.value.message
    with pytest.raises(ConfigError) as caught:
        parse_config(BASE + 'x = ["unclosed",\n')
    assert caught.value.line is not None


# ---------------------------------------------------------------------- last good config


def test_syntax_error_keeps_last_good_config_and_file(loaded: ConfigFile) -> None:
    good = loaded.current
    text = loaded.path.read_text(encoding="utf-8").replace("port = 5747", "port 5747")
    loaded.path.write_text(text, encoding="utf-8")
    before = loaded.path.read_bytes()
    with pytest.raises(ConfigError) as caught:
        loaded.reload()
    assert caught.value.line == line_with(text, "port 5747")
    assert loaded.current is good
    assert loaded.last_error is caught.value
    assert loaded.path.read_bytes() == before
    # and a change from the app is refused rather than clobbering the hand edit
    with pytest.raises(ConfigError) as refused:
        loaded.update_settings(port=6000)
    assert "fix this in the file first" in str(refused.value)
    assert refused.value.line == caught.value.line
    with pytest.raises(ConfigError):
        loaded.remove_rule("youtube")
    assert loaded.path.read_bytes() == before
    assert loaded.current is good


def test_bad_field_keeps_last_good_config(loaded: ConfigFile) -> None:
    good = loaded.current
    text = loaded.path.read_text(encoding="utf-8").replace("rate = -4", 'rate = "fast"', 1)
    loaded.path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        loaded.reload()
    assert caught.value.field == "rules[0].rate"
    assert caught.value.line == line_with(text, 'rate = "fast"')
    assert loaded.current is good


def test_valid_hand_edit_is_picked_up(loaded: ConfigFile) -> None:
    assert not loaded.changed_on_disk()
    text = loaded.path.read_text(encoding="utf-8").replace("port = 5747", "port = 6123")
    loaded.path.write_text(text, encoding="utf-8")
    assert loaded.changed_on_disk()
    assert loaded.reload().settings.port == 6123
    assert loaded.current.settings.port == 6123
    assert not loaded.changed_on_disk()


def test_vanished_file_keeps_last_good_config(loaded: ConfigFile) -> None:
    good = loaded.current
    loaded.path.unlink()
    assert loaded.changed_on_disk()
    with pytest.raises(ConfigError, match="does not exist"):
        loaded.reload()
    assert loaded.current is good


def test_current_before_load_is_an_error(config_file: ConfigFile) -> None:
    with pytest.raises(RuntimeError):
        _ = config_file.current


def test_non_utf8_file_is_reported(config_file: ConfigFile) -> None:
    config_file.path.parent.mkdir(parents=True)
    config_file.path.write_bytes(b'[settings]\ndevice_name = "caf\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        config_file.load()
    assert caught.value.line == 2
    assert "UTF-8" in caught.value.message


# ---------------------------------------------------------------------- rewrites


USER_COMMENTS = [
    "# MY OWN NOTE: tuned on 2026-11-01",
    "# I allow myself reddit on weekends",
]


@pytest.fixture
def annotated(loaded: ConfigFile) -> ConfigFile:
    """The default file with the user's own comments and an inline comment added."""
    text = loaded.path.read_text(encoding="utf-8")
    text = text.replace("[settings]\n", f"{USER_COMMENTS[0]}\n[settings]\n", 1)
    text = text.replace('[[rules]]\nid = "reddit"', f'{USER_COMMENTS[1]}\n[[rules]]\nid = "reddit"')
    text = text.replace("port = 5747", "port = 5747   # firewall allows this one")
    text += "\n# trailing words of wisdom\n"
    loaded.path.write_text(text, encoding="utf-8")
    loaded.reload()
    return loaded


def test_update_settings_changes_only_that_value(annotated: ConfigFile) -> None:
    before = annotated.path.read_text(encoding="utf-8")
    config = annotated.update_settings(port=6000, debt_limit=50.5)
    after = annotated.path.read_text(encoding="utf-8")
    assert config.settings.port == 6000
    assert config.settings.debt_limit == 50_500
    assert after == before.replace("port = 5747   #", "port = 6000   #").replace(
        "debt_limit = 100\n", "debt_limit = 50.5\n"
    )
    assert annotated.current == parse_config(after)


def test_update_settings_none_restores_default_and_adds_missing(loaded: ConfigFile) -> None:
    loaded.path.write_text('# just a comment\n\n[[tasks]]\nname = "A"\npoints = 1\n', "utf-8")
    loaded.reload()
    config = loaded.update_settings(idle_threshold_s=60)
    text = loaded.path.read_text(encoding="utf-8")
    assert config.settings.idle_threshold_s == 60
    assert text.startswith("# just a comment\n\n[settings]\nidle_threshold_s = 60\n\n[[tasks]]")
    config = loaded.update_settings(idle_threshold_s=None, store_paths=True)
    assert config.settings.idle_threshold_s == 180
    assert config.settings.store_paths is True
    assert "store_paths = true" in loaded.path.read_text(encoding="utf-8")


def test_update_settings_refuses_unknown_and_invalid(annotated: ConfigFile) -> None:
    before = annotated.path.read_bytes()
    good = annotated.current
    with pytest.raises(ConfigError) as caught:
        annotated.update_settings(prot=6000)
    assert caught.value.field == "settings.prot"
    assert "did you mean 'port'" in caught.value.message
    with pytest.raises(ConfigError) as caught:
        annotated.update_settings(port=80)
    assert caught.value.field == "settings.port"
    assert caught.value.line is None  # the change was never written
    with pytest.raises(ConfigError):
        annotated.update_settings(store_titles="yes")
    assert annotated.path.read_bytes() == before
    assert annotated.current is good


def test_rule_round_trips_keep_user_comments(annotated: ConfigFile) -> None:
    original = annotated.path.read_text(encoding="utf-8")

    config = annotated.add_rule(
        {"id": "hn", "site": "news.ycombinator.com", "category": "distraction", "rate": -1}, 1
    )
    assert [r.id for r in config.rules][:3] == ["youtube-shorts", "hn", "tiktok"]
    block = (
        '[[rules]]\nid = "hn"\nsite = "news.ycombinator.com"\ncategory = "distraction"\nrate = -1\n'
    )
    tiktok = '[[rules]]\nid = "tiktok"'
    expected = original.replace(tiktok, block + "\n" + tiktok)
    assert annotated.path.read_text(encoding="utf-8") == expected

    config = annotated.replace_rule(
        "vscode",
        {"app": ["code"], "category": "focus", "rate": 1.5, "hourly_cap": 30},
    )
    vscode = next(r for r in config.rules if r.id == "vscode")
    assert vscode.rate == 1500
    assert vscode.hourly_cap == 30_000
    assert vscode.daily_cap is None

    config = annotated.move_rule("reddit", 0)
    assert config.rules[0].id == "reddit"
    text = annotated.path.read_text(encoding="utf-8")
    # the comment directly above reddit's header moved with it
    assert f'{USER_COMMENTS[1]}\n[[rules]]\nid = "reddit"' in text

    config = annotated.remove_rule("hn")
    assert "hn" not in [r.id for r in config.rules]
    config = annotated.move_rule("reddit", len(config.rules) - 1)
    assert config.rules[-1].id == "reddit"
    config = annotated.move_rule("reddit", 6)
    assert config.rules[6].id == "reddit"

    final = annotated.path.read_text(encoding="utf-8")
    assert annotated.current == parse_config(final)
    for comment in [*USER_COMMENTS, "# trailing words of wisdom"]:
        assert final.count(comment) == 1
    assert "port = 5747   # firewall allows this one" in final
    # every comment line of the original file is still there, byte for byte
    original_comments = [line for line in original.splitlines() if line.startswith("#")]
    assert sorted(original_comments) == sorted(
        line for line in final.splitlines() if line.startswith("#")
    )


def test_remove_then_add_back_restores_the_rules(loaded: ConfigFile) -> None:
    before = loaded.current
    data = tomllib.loads(loaded.path.read_text(encoding="utf-8"))
    reddit = next(rule for rule in data["rules"] if rule["id"] == "reddit")
    index = next(i for i, rule in enumerate(before.rules) if rule.id == "reddit")
    loaded.remove_rule("reddit")
    after = loaded.add_rule(reddit, index)
    assert after.rules == before.rules


def test_add_rule_without_id_writes_a_stable_one(loaded: ConfigFile) -> None:
    config = loaded.add_rule({"site": "lwn.net/Articles", "category": "learning", "rate": 1})
    assert config.rules[-1].id == "site:lwn.net/Articles"
    assert 'id = "site:lwn.net/Articles"' in loaded.path.read_text(encoding="utf-8")
    config = loaded.replace_rule(
        "site:lwn.net/Articles", {"site": "lwn.net", "category": "learning", "rate": 2}
    )
    assert config.rules[-1].id == "site:lwn.net/Articles"  # the id survives the edit


def test_schedule_is_written_as_inline_table(loaded: ConfigFile) -> None:
    config = loaded.add_rule(
        {
            "id": "work-reddit",
            "site": "reddit.com",
            "category": "distraction",
            "rate": -5,
            "schedule": {"days": ["mon", "tue"], "hours": "09:00-17:00"},
        },
        0,
    )
    assert config.rules[0].schedule is not None
    assert config.rules[0].schedule.days == frozenset({0, 1})
    assert 'schedule = {days = ["mon", "tue"], hours = "09:00-17:00"}' in loaded.read_text()


def test_invalid_rule_changes_are_refused(annotated: ConfigFile) -> None:
    before = annotated.path.read_bytes()
    good = annotated.current
    with pytest.raises(ConfigError) as caught:
        annotated.add_rule({"id": "bad", "site": "x.com", "category": "focus", "rate": "fast"})
    assert caught.value.field == f"rules[{len(good.rules)}].rate"
    with pytest.raises(ConfigError, match="duplicate id"):
        annotated.add_rule({"id": "reddit", "site": "x.com", "category": "focus", "rate": 1})
    with pytest.raises(ConfigError, match="only works on site rules"):
        annotated.replace_rule(
            "vscode", {"app": "code", "category": "focus", "rate": 1, "enforcement": "block"}
        )
    with pytest.raises(ConfigError, match="no rule with id"):
        annotated.remove_rule("nope")
    with pytest.raises(ConfigError, match="position"):
        annotated.move_rule("reddit", len(good.rules))
    with pytest.raises(ConfigError, match="position"):
        annotated.add_rule({"site": "x.com", "category": "focus", "rate": 1}, len(good.rules) + 1)
    with pytest.raises(ConfigError, match="cannot be written"):
        annotated.add_rule({"site": "x.com", "category": "focus", "rate": 1, "daily_cap": None})
    assert annotated.path.read_bytes() == before
    assert annotated.current is good


def test_tasks_goals_rewards_add_replace_remove(annotated: ConfigFile) -> None:
    config = annotated.add_task({"name": "Meditate", "points": 3, "repeat": "any"})
    assert config.task("meditate") is not None
    config = annotated.replace_task("MEDITATE", {"name": "Meditate", "points": 4})
    task = config.task("Meditate")
    assert task is not None
    assert task.points == 4000
    assert task.repeat is Repeat.DAILY
    with pytest.raises(ConfigError, match="duplicate name"):
        annotated.add_task({"name": "read a chapter", "points": 1})
    config = annotated.remove_task("meditate")
    assert config.task("Meditate") is None

    config = annotated.add_goal(
        {"name": "Read 20 min", "kind": "minutes", "category": "learning", "target": 20}, 0
    )
    assert config.goals[0].name == "Read 20 min"
    config = annotated.replace_goal(
        "read 20 min",
        {"name": "Read 25 min", "kind": "minutes", "category": "learning", "target": 25},
    )
    assert config.goals[0].target == 25
    config = annotated.remove_goal("Read 25 min")
    assert all(goal.name != "Read 25 min" for goal in config.goals)

    config = annotated.add_reward(
        {"name": "Game", "cost": 100, "minutes": 30, "site": "https://www.Steam.com/store"}
    )
    reward = config.reward("game")
    assert reward is not None
    assert reward.site == "steam.com/store"
    config = annotated.replace_reward("game", {"name": "Game", "cost": 120, "daily_limit": 2})
    reward = config.reward("game")
    assert reward is not None
    assert (reward.cost, reward.daily_limit, reward.site) == (120_000, 2, None)
    config = annotated.remove_reward("Game")
    assert config.reward("Game") is None
    with pytest.raises(ConfigError, match="no reward named"):
        annotated.remove_reward("Game")
    text = annotated.path.read_text(encoding="utf-8")
    for comment in [*USER_COMMENTS, "# trailing words of wisdom"]:
        assert text.count(comment) == 1


def test_emptying_and_refilling_a_section(loaded: ConfigFile) -> None:
    for goal in loaded.current.goals:
        config = loaded.remove_goal(goal.name)
    assert config.goals == ()
    assert "[[goals]]" not in loaded.read_text()
    config = loaded.add_goal({"name": "Words", "kind": "words", "target": 100, "bonus": 5})
    assert [goal.name for goal in config.goals] == ["Words"]


def test_inline_array_rules_still_edit(loaded: ConfigFile) -> None:
    loaded.path.write_text(
        "# inline style\n"
        'rules = [\n  { id = "a", site = "a.com", category = "focus", rate = 1 },\n]\n',
        encoding="utf-8",
    )
    loaded.reload()
    config = loaded.add_rule({"id": "b", "site": "b.com", "category": "focus", "rate": 2}, 0)
    assert [rule.id for rule in config.rules] == ["b", "a"]
    config = loaded.move_rule("b", 1)
    assert [rule.id for rule in config.rules] == ["a", "b"]
    config = loaded.remove_rule("a")
    assert [rule.id for rule in config.rules] == ["b"]
    assert loaded.read_text().startswith("# inline style\n")


def test_crlf_and_bom_are_preserved(loaded: ConfigFile) -> None:
    text = loaded.path.read_text(encoding="utf-8")
    loaded.path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    loaded.reload()
    loaded.update_settings(port=6000)
    loaded.add_rule({"id": "new", "site": "new.example", "category": "focus", "rate": 1})
    raw = loaded.path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert b"port = 6000\r\n" in raw
    assert loaded.reload().settings.port == 6000


def test_writes_leave_no_temp_files(annotated: ConfigFile, home: Path) -> None:
    annotated.update_settings(port=6001)
    annotated.add_rule({"id": "temp", "site": "temp.example", "category": "focus", "rate": 1})
    annotated.remove_rule("temp")
    with pytest.raises(ConfigError):
        annotated.update_settings(port=1)
    assert sorted(p.name for p in home.iterdir()) == ["config.toml"]


def test_failed_replace_leaves_file_and_no_temp_files(
    annotated: ConfigFile, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = annotated.path.read_bytes()
    good = annotated.current

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk on fire"):
        annotated.update_settings(port=6002)
    assert annotated.path.read_bytes() == before
    assert annotated.current is good
    assert sorted(p.name for p in home.iterdir()) == ["config.toml"]


def test_folder_rules_expand_the_home_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tmp_path / "user"
    monkeypatch.setenv("HOME", str(user))
    monkeypatch.setenv("USERPROFILE", str(user))
    config = parse_config(default_config_text())
    notes = next(rule for rule in config.rules if rule.id == "notes-folder")
    assert notes.matcher == FolderMatcher((user / "Documents" / "notes").as_posix())
    absolute = parse_config('[[rules]]\nfolder = "/srv/notes"\ncategory = "output"\nrate = 1\n')
    assert absolute.rules[0].matcher == FolderMatcher("/srv/notes")


def test_folder_of_an_unknown_user_is_an_error() -> None:
    text = '[[rules]]\nfolder = "~no-such-user-hp/notes"\ncategory = "output"\nrate = 1\n'
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert caught.value.field == "rules[0].folder"
    assert caught.value.line == 2
