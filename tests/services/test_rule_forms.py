"""Rule forms: what the editor's fields become in the file, and the errors they get."""

from __future__ import annotations

import pytest

from human_pretraining.core.model import ValidationError
from human_pretraining.core.rule_parsing import rule_from_dict
from human_pretraining.services.context import App
from human_pretraining.services.rule_check import check
from human_pretraining.services.rule_forms import (
    RuleForm,
    form_from_rule,
    form_from_table,
    points_text,
    rule_entries,
    rule_tables,
    table_from_form,
)


def test_every_default_rule_reads_back_into_the_same_table(app: App) -> None:
    tables = rule_tables(app.config_file.read_text())
    assert tables is not None
    for index, table in enumerate(tables):
        form = form_from_table(table)
        assert table_from_form(form, index, original=table) == table


def test_forms_from_parsed_rules_describe_the_same_rules(app: App) -> None:
    for rule in app.config().rules:
        if rule.source.value == "output":
            continue  # the folder is expanded (~ → the home) in the parsed rule
        again = rule_from_dict(table_from_form(form_from_rule(rule), rule.order), rule.order)
        assert again == rule


def test_entries_carry_ids_and_the_files_spelling(app: App) -> None:
    entries = rule_entries(app.config_file)
    vscode = next(e for e in entries if e.id == "vscode")
    assert vscode.form.pattern == "code, Code.exe, Visual Studio Code, com.microsoft.VSCode"
    assert vscode.form.daily_cap == "240"
    assert vscode.form.schedule_text == "always"


def test_a_full_form_becomes_a_table() -> None:
    form = RuleForm(
        kind="app",
        pattern="slack, Slack.exe",
        title="general",
        category="distraction",
        rate="-1.5",
        daily_cap="30",
        hourly_cap="",
        days=("fri", "mon"),
        hours="09:00-17:00",
    )
    assert table_from_form(form, 0) == {
        "app": ["slack", "Slack.exe"],
        "title": "general",
        "category": "distraction",
        "rate": -1.5,
        "daily_cap": 30,
        "schedule": {"days": ["mon", "fri"], "hours": "09:00-17:00"},
    }
    assert form.schedule_text == "fri mon 09:00-17:00"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"rate": "abc"}, "rate", "must be a number"),
        ({"rate": ""}, "rate", "is required"),
        ({"rate": "1.0001"}, "rate", "at most 3 decimals"),
        ({"pattern": "  "}, "pattern", "is required"),
        ({"pattern": "https://"}, "pattern", "needs a domain"),
        ({"pattern": "ftp://x.org"}, "pattern", "only http and https"),
        ({"daily_cap": "-5"}, "daily_cap", "more than 0"),
        ({"hourly_cap": "x"}, "hourly_cap", "must be a number"),
        ({"hours": "9 to 5"}, "schedule", "09:00-17:00"),
        ({"kind": "app", "pattern": "a,,b"}, "pattern", "empty name"),
        ({"kind": "app", "pattern": "a", "title": "("}, "title", "not a valid regex"),
        ({"kind": "folder", "pattern": "notes"}, "pattern", "absolute path"),
        ({"kind": "app", "pattern": "a", "enforcement": "block"}, "enforcement", "site rules"),
        ({"id": "reddit"}, "id", "already has the id"),
    ],
)
def test_bad_fields_name_the_field_and_say_what_is_wrong(
    change: dict[str, str], field: str, words: str
) -> None:
    values = {"kind": "site", "pattern": "example.org", "category": "focus", "rate": "1"}
    form = RuleForm(**(values | change))  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as raised:
        table_from_form(form, 3, other_ids={"reddit"})
    assert raised.value.field == field
    assert words in raised.value.message


def test_a_default_id_that_is_taken_is_refused() -> None:
    form = RuleForm(kind="site", pattern="example.org", category="focus", rate="1")
    with pytest.raises(ValidationError, match=r"site:example\.org"):
        table_from_form(form, 0, other_ids={"site:example.org"})


def test_points_text_is_plain() -> None:
    assert [points_text(m) for m in (-4000, 1500, 0, 1_000_000, 250)] == [
        "-4",
        "1.5",
        "0",
        "1000",
        "0.25",
    ]


def test_the_check_names_the_winner_and_the_rules_it_beat(app: App) -> None:
    result = check(app.config(), "https://www.youtube.com/shorts/abc")
    assert result.rule is not None and result.rule.id == "youtube-shorts"
    assert [r.id for r in result.also_matching] == ["youtube"]
    lines = result.explanation()
    assert lines[0].startswith("web youtube.com/shorts/abc → rule 'youtube-shorts': site")
    assert lines[1].startswith("also matches 'youtube' (site youtube.com → distraction, -1")
    assert lines[1].endswith("but 'youtube-shorts' is more specific")
    app.config_file.add_rule({"id": "second-reddit", "site": "reddit.com", "category": "focus",
                              "rate": 1})  # fmt: skip
    again = check(app.config(), "reddit.com")
    assert again.explanation()[1].endswith("but 'reddit' comes first in the file")
    app_result = check(app.config(), "Code.exe")
    assert app_result.rule is not None and app_result.rule.id == "vscode"
    nothing = check(app.config(), "https://example.org/")
    assert nothing.rule is None
    assert nothing.explanation() == ["web example.org/: no rule matches → neutral, 0 points/min"]
