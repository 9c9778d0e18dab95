"""Looking up tasks and rewards by name, and the rule index kept per loaded config."""

from __future__ import annotations

from human_pretraining.core.model import (
    Category,
    Config,
    Reward,
    Rule,
    SiteMatcher,
    Task,
)
from human_pretraining.core.rules import ruleset_for
from human_pretraining.core.subjects import Subject

CONFIG = Config(
    tasks=(Task("Read a chapter", 20_000), Task("Plan tomorrow", 10_000)),
    rewards=(Reward("One episode", 80_000), Reward("30 min of YouTube", 50_000)),
)


def test_tasks_and_rewards_are_found_by_name_in_any_case() -> None:
    assert CONFIG.task("plan TOMORROW") == Task("Plan tomorrow", 10_000)
    assert CONFIG.task("Read a chapter") == Task("Read a chapter", 20_000)
    assert CONFIG.reward("30 MIN OF youtube") == Reward("30 min of YouTube", 50_000)
    assert CONFIG.reward("one episode") == Reward("One episode", 80_000)


def test_unknown_names_find_nothing() -> None:
    assert CONFIG.task("Plan") is None
    assert CONFIG.reward("One episode!") is None
    assert Config().task("x") is None and Config().reward("x") is None


def test_the_rule_index_is_built_once_per_loaded_config() -> None:
    rules = (Rule("r", SiteMatcher("a.com"), Category.DISTRACTION, -1_000),)
    first = ruleset_for(rules)
    assert ruleset_for(rules) is first  # the same config: the same index
    assert first.match(Subject.site("a.com")) == rules[0]
    reloaded = (*rules,)  # equal, but a new tuple: the file was reloaded
    second = ruleset_for(reloaded)
    assert second is not first
    assert ruleset_for(rules) is first  # the previous config is still indexed
    third = ruleset_for((Rule("s", SiteMatcher("b.com"), Category.FOCUS, 1_000),))
    assert ruleset_for(reloaded) is second
    assert third.match(Subject.site("b.com")) is not None
