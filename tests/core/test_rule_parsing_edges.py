"""Rule parsing and matching to the letter: every refusal's field and words, schedule edges.

The messages are what a user reads when the config file is wrong, so they are
pinned exactly; the matching cases pin details the shared vectors leave open.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from human_pretraining.core.model import (
    AppMatcher,
    Category,
    Rule,
    Schedule,
    SiteMatcher,
    ValidationError,
)
from human_pretraining.core.rule_parsing import rule_from_dict
from human_pretraining.core.rules import RuleSet, in_schedule
from human_pretraining.core.subjects import Subject, normalize_domain

SITE = {"site": "a.com", "category": "focus", "rate": 1}


def refusal(data: object) -> tuple[str, str]:
    with pytest.raises(ValidationError) as info:
        rule_from_dict(data, 3)  # type: ignore[arg-type]
    return info.value.field, info.value.message


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("[zz]", "not a valid host: '[zz]'"),
        ("a.com:x", "not a valid host or port: 'a.com:x'"),
        (".", "needs a domain, got '.'"),
        ("bad label.com", "not a valid domain: 'bad label.com'"),
        ("\u00a1hola.com", "not a valid domain: '\u00a1hola.com'"),  # inverted "!" is punctuation
        ("a.b\u3000c.com", "not a valid domain: 'a.b\\u3000c.com'"),  # ideographic space
    ],
)
def test_a_bad_host_is_refused_naming_it(host: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_domain(host)
    assert (info.value.field, info.value.message) == ("site", message)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ("x", "rules[3]", "must be a table with site, app or folder, got 'x'"),
        (
            {"zzzz": 1},
            "rules[3].zzzz",
            "unknown key (expected id, site, app, folder, title, category, rate, daily_cap, "
            "hourly_cap, enforcement, schedule)",
        ),
        ({"sitee": "a.com"}, "rules[3].sitee", "unknown key (did you mean 'site'?)"),
        (
            {"category": "focus", "rate": 1},
            "rules[3]",
            "needs exactly one of site, app, folder, got none",
        ),
        (
            {**SITE, "app": "b"},
            "rules[3]",
            "needs exactly one of site, app, folder, got ['site', 'app']",
        ),
        ({**SITE, "title": "x"}, "rules[3].title", "only app rules can match a window title"),
        ({"site": "a.com", "rate": 1}, "rules[3].category", "is required"),
        (
            {"site": "a.com", "category": "focus"},
            "rules[3].rate",
            "is required (points per minute, e.g. -3)",
        ),
        (
            {**SITE, "schedule": {"when": 1}},
            "rules[3].schedule.when",
            "unknown key (expected days, hours)",
        ),
        (
            {**SITE, "schedule": {"days": ["xyz"]}},
            "rules[3].schedule.days",
            "must be mon, tue, wed, thu, fri, sat, sun, got 'xyz'",
        ),
    ],
)
def test_a_bad_rule_is_refused_with_its_field_and_words(
    data: object, field: str, message: str
) -> None:
    assert refusal(data) == (field, message)


def test_a_site_path_keeps_its_letters_and_loses_its_trailing_slash() -> None:
    rule = rule_from_dict({"site": "example.com/boX/", "category": "focus", "rate": 1}, 0)
    assert rule.matcher == SiteMatcher("example.com", "/boX")


def test_the_smallest_cap_is_one_milli_point() -> None:
    rule = rule_from_dict({**SITE, "daily_cap": 0.001, "hourly_cap": 0.001}, 0)
    assert (rule.daily_cap, rule.hourly_cap) == (1, 1)


def schedule_of(hours: str, days: list[str] | None = None) -> Schedule:
    table: dict[str, object] = {"hours": hours}
    if days is not None:
        table["days"] = days
    schedule = rule_from_dict({**SITE, "schedule": table}, 0).schedule
    assert schedule is not None
    return schedule


def test_schedule_hours_count_minutes_since_midnight() -> None:
    assert schedule_of("09:30-17:15") == Schedule(frozenset(range(7)), 570, 1035)
    assert schedule_of("09:59-10:59", ["mon"]) == Schedule(frozenset({0}), 599, 659)
    assert schedule_of("00:00-24:00") == Schedule(frozenset(range(7)), 0, 1440)


@pytest.mark.parametrize("hours", ["09:60-10:00", "09:00-10:60", "00:00-24:30", "24:00-01:00"])
def test_impossible_hours_are_refused(hours: str) -> None:
    assert refusal({**SITE, "schedule": {"hours": hours}}) == (
        "rules[3].schedule.hours",
        f"must look like '09:00-17:00', got {hours!r}",
    )


def test_a_window_counts_minutes_within_the_hour() -> None:
    window = Schedule(frozenset(range(7)), 9 * 60 + 15, 9 * 60 + 45)  # 09:15-09:45
    assert in_schedule(window, datetime(2026, 11, 26, 9, 30))
    assert not in_schedule(window, datetime(2026, 11, 26, 9, 50))
    assert not in_schedule(window, datetime(2026, 11, 26, 9, 10))


def test_a_sunday_night_window_covers_early_monday() -> None:
    sunday_night = Schedule(frozenset({6}), 22 * 60, 2 * 60)  # Sunday 22:00-02:00
    assert in_schedule(sunday_night, datetime(2026, 11, 30, 1, 0))  # Monday 01:00
    assert not in_schedule(sunday_night, datetime(2026, 11, 24, 1, 0))  # Tuesday 01:00


def site_rule(path: str) -> Rule:
    return Rule("r", SiteMatcher("example.com", path), Category.DISTRACTION, -1_000)


def test_a_site_rule_built_with_a_trailing_slash_still_covers_its_pages() -> None:
    rules = RuleSet([site_rule("/a/")])
    assert rules.match(Subject.site("example.com/a")) is not None
    assert rules.match(Subject.site("example.com/a/b")) is not None
    assert rules.match(Subject.site("example.com/ab")) is None


def test_a_site_path_ending_in_x_is_not_shortened() -> None:
    rules = RuleSet([site_rule("/boX")])
    assert rules.match(Subject.site("example.com/bo")) is None
    assert rules.match(Subject.site("example.com/boX")) is not None


def test_window_titles_match_in_any_case() -> None:
    writer = Rule("writer", AppMatcher(("soffice",), "Writer"), Category.OUTPUT, 2_000)
    rules = RuleSet([writer])
    assert rules.match(Subject.app("soffice", title="Untitled 1 - LibreOffice WRITER")) == writer
    assert rules.match(Subject.app("soffice", title="LibreOffice Calc")) is None
