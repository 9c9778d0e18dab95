"""One-click classification on a real app: the rule lands in the file, settling follows it.

Clock: 2026-11-26 15:00 Berlin (tests/conftest.py); activity at 12:00 the same day.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from human_pretraining import cli
from human_pretraining.config.errors import ConfigError
from human_pretraining.core.clock import add_days
from human_pretraining.core.model import MILLI, Category, ValidationError
from human_pretraining.core.rules import ruleset_for
from human_pretraining.core.subjects import Subject
from human_pretraining.services.classify import DEFAULTS
from human_pretraining.services.context import App
from tests.conftest import NOW
from tests.services.test_ingest_and_settle import heartbeats

T = NOW - timedelta(hours=3)


def usage_of(app: App, name: str) -> tuple[str, str | None, int]:
    today = app.queries.today()
    rows = [r for r in app.queries.usage(today, today) if r.subject == name]
    assert len(rows) == 1, rows
    return rows[0].category, rows[0].rule_id, rows[0].points


def test_the_defaults_follow_the_default_files_style() -> None:
    assert set(DEFAULTS) == set(Category)
    assert DEFAULTS[Category.DISTRACTION].rate < 0
    assert DEFAULTS[Category.NEUTRAL].rate == 0
    assert all(DEFAULTS[c].rate > 0 for c in (Category.FOCUS, Category.LEARNING, Category.OUTPUT))


def test_an_unknown_app_becomes_a_distraction_rule_and_costs_after_settling(app: App) -> None:
    app.ingestor.ingest(heartbeats("slack", T, 20))
    app.settler.settle()
    assert usage_of(app, "slack") == ("neutral", None, 0)
    before = app.config_file.read_text()

    done = app.classification.classify(
        "app", "slack", Category.DISTRACTION, day=app.queries.today()
    )

    assert done.created and done.changed and done.rule_id == "app:slack"
    assert done.days == (app.queries.today(),)
    text = app.config_file.read_text()
    block = '[[rules]]\nid = "app:slack"\napp = "slack"\ncategory = "distraction"\nrate = -2\n\n'
    assert block in text
    assert text.replace(block, "", 1) == before  # every other line, comments included, kept
    app.settler.settle()
    category, rule_id, points = usage_of(app, "slack")
    assert (category, rule_id) == ("distraction", "app:slack")
    assert points == 20 * DEFAULTS[Category.DISTRACTION].rate * MILLI
    out = io.StringIO()
    assert cli.main(["rules", "check", "--app", "slack"], out=out) == 0
    assert "category     distraction" in out.getvalue() and "app:slack" in out.getvalue()


def test_a_site_gets_a_rule_for_its_whole_domain(app: App) -> None:
    app.ingestor.ingest(heartbeats("news.example.org/world/1", T, 5, "web"))
    app.settler.settle()
    done = app.classification.classify("web", "news.example.org/world/1", Category.LEARNING)
    assert done.rule_id == "site:news.example.org"
    rule = ruleset_for(app.config().rules).match(Subject.site("https://news.example.org/other"))
    assert rule is not None and rule.category is Category.LEARNING
    assert rule.rate == DEFAULTS[Category.LEARNING].rate * MILLI
    assert rule.daily_cap == 120 * MILLI
    assert done.days == (app.queries.today(),)  # found from the usage rows, no day given


def test_a_matching_rule_is_edited_in_place_not_duplicated(app: App) -> None:
    app.ingestor.ingest(heartbeats("reddit.com/r/python", T, 10, "web"))
    app.settler.settle()
    assert usage_of(app, "reddit.com/r/python")[:2] == ("distraction", "reddit")
    count = len(app.config().rules)

    done = app.classification.classify(
        "web", "reddit.com/r/python", Category.LEARNING, rule_id="reddit"
    )

    assert not done.created and done.changed and done.rule_id == "reddit"
    assert len(app.config().rules) == count
    text = app.config_file.read_text()
    edited = 'id = "reddit"\nsite = "reddit.com"\ncategory = "learning"\nrate = 2\ndaily_cap = 120'
    assert edited in text
    app.settler.settle()
    category, _, points = usage_of(app, "reddit.com/r/python")
    assert category == "learning" and points == 10 * 2 * MILLI


def test_a_nudging_rule_loses_its_nudge_when_it_stops_being_distraction(app: App) -> None:
    app.classification.classify("web", "tiktok.com/@someone", Category.LEARNING, rule_id="tiktok")
    rule = next(r for r in app.config().rules if r.id == "tiktok")
    assert rule.enforcement.value == "track" and rule.category is Category.LEARNING


def test_classifying_as_the_same_category_writes_nothing(app: App) -> None:
    before = app.config_file.read_text()
    done = app.classification.classify("web", "reddit.com", Category.DISTRACTION, rule_id="reddit")
    assert not done.changed
    assert app.config_file.read_text() == before


def test_old_days_with_the_subject_are_rescored_too(app: App) -> None:
    yesterday = add_days(app.queries.today(), -1)
    app.ingestor.ingest(heartbeats("slack", T - timedelta(days=1), 10))
    app.settler.settle()
    done = app.classification.classify("app", "slack", Category.FOCUS, day=app.queries.today())
    assert done.days == (yesterday, app.queries.today())
    app.settler.settle()
    rows = app.queries.usage(yesterday, yesterday)
    assert [(r.subject, r.category) for r in rows] == [("slack", "focus")]


def test_a_second_unknown_with_the_same_id_gets_its_own(app: App) -> None:
    app.config_file.add_rule(
        {"id": "app:slack", "app": "slack", "category": "focus", "rate": 1,
         "schedule": {"hours": "09:00-10:00"}}
    )  # fmt: skip
    done = app.classification.classify("app", "slack", Category.DISTRACTION)
    assert done.created and done.rule_id == "app:slack-2"


def test_output_folders_are_not_classified_here(app: App) -> None:
    with pytest.raises(ValidationError, match="folder rule"):
        app.classification.classify("output", "~/Documents/notes", Category.FOCUS)


def test_an_invalid_file_is_not_rewritten(app: App) -> None:
    broken = app.config_file.read_text() + "\n[[rules]]\nsite = 3\n"
    app.config_file.path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError, match="fix this in the file first"):
        app.classification.classify("app", "slack", Category.DISTRACTION)
    assert app.config_file.read_text() == broken
