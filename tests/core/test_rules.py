"""Tests for the rules: the shared vectors, the normalisers (core.subjects), rule parsing
(core.rule_parsing), matching (core.rules) and properties."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from human_pretraining.core.model import (
    AppMatcher,
    Category,
    Enforcement,
    FolderMatcher,
    Rule,
    Schedule,
    SiteMatcher,
    Source,
    ValidationError,
)
from human_pretraining.core.rule_parsing import rule_from_dict, rules_from_dicts
from human_pretraining.core.rules import RuleSet, explain, in_schedule
from human_pretraining.core.subjects import (
    Subject,
    normalize_app_name,
    normalize_domain,
    parse_site,
)

VECTORS_PATH = Path(__file__).parents[2] / "shared" / "vectors" / "rule-matching.json"
VECTORS: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
# One RuleSet for every case on purpose: its cache then sees the same subject at
# different times, which is exactly where a careless cache would go wrong.
VECTOR_RULES = RuleSet(rules_from_dicts(VECTORS["rules"]))


def subject_from(data: Mapping[str, str]) -> Subject:
    if "url" in data:
        return Subject.site(data["url"])
    if "app" in data:
        return Subject.app(data["app"], exe=data.get("exe"), title=data.get("title"))
    return Subject.output(data["output"])


def matched_id(rules: RuleSet, subject: Subject, when: datetime | None = None) -> str | None:
    rule = rules.match(subject, when)
    return None if rule is None else rule.id


# ----------------------------------------------------------------------- vectors


def test_vectors_are_plentiful_and_named_uniquely() -> None:
    names = [case["name"] for case in VECTORS["cases"]]
    assert len(names) >= 60
    assert len(set(names)) == len(names)


def test_every_vector_rule_is_expected_somewhere() -> None:
    # A rule no case expects is a rule the contract does not really pin down.
    expected = {case["expect"]["rule"] for case in VECTORS["cases"]}
    unused = {rule.id for rule in VECTOR_RULES.rules} - expected
    assert unused == {"tie-second", "slack-second"}  # both exist only to lose a tie


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_vector(case: dict[str, Any]) -> None:
    when = datetime.fromisoformat(case["when"]) if "when" in case else None
    rule = VECTOR_RULES.match(subject_from(case["input"]), when)
    got: dict[str, str | None] = {"rule": None, "category": None}
    if rule is not None:
        got = {"rule": rule.id, "category": str(rule.category)}
    assert got == case["expect"]


def test_cached_subject_is_rematched_at_another_time() -> None:
    subject = Subject.site("https://news.example.com/")
    times = ["2026-11-23T10:00", "2026-11-23T18:00", "2026-11-23T10:00"]
    got = [matched_id(VECTOR_RULES, subject, datetime.fromisoformat(t)) for t in times]
    got.append(matched_id(VECTOR_RULES, subject))
    assert got == ["news-work", "news-anytime", "news-work", "news-work"]


# ------------------------------------------------------------------- normalisers


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("YouTube.com", "youtube.com"),
        ("  Example.COM  ", "example.com"),
        ("www.youtube.com", "youtube.com"),
        ("m.youtube.com", "youtube.com"),
        ("mobile.twitter.com", "twitter.com"),
        ("www.m.youtube.com", "m.youtube.com"),  # only one prefix goes
        ("www.com", "www.com"),  # never down to a bare TLD
        ("m.co", "m.co"),
        ("youtube.com.", "youtube.com"),
        ("youtube.com:8080", "youtube.com"),
        ("youtube.com:", "youtube.com"),
        ("user:pw@www.youtube.com:443", "youtube.com"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("BÜCHER.DE", "xn--bcher-kva.de"),
        ("www.bücher.de.", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("XN--BCHER-KVA.DE", "xn--bcher-kva.de"),
        ("bücher\u3002de", "xn--bcher-kva.de"),  # ideographic full stop separates labels
        ("👍.ws", "xn--yp8h.ws"),
        ("\u05d0a.com", "xn--a-zhc.com"),  # IDNA 2003 refuses (bidi): punycode fallback
        ("localhost", "localhost"),
        ("127.0.0.1:80", "127.0.0.1"),
        ("[::1]:8080", "[::1]"),
        ("[FE80::1]", "[fe80::1]"),
        ("_dmarc.example.com", "_dmarc.example.com"),
    ],
)
def test_normalize_domain(host: str, expected: str) -> None:
    assert normalize_domain(host) == expected


@pytest.mark.parametrize(
    "host",
    ["", "   ", ".", "..", "a..b", ".example.com", "you tube.com", "example.com:abc",
     "example.com:80:90", "*.example.com", "exa/mple.com", "ex%41mple.com", "[zz::1]", "[::1",
     "x" * 64 + ".com", "bü cher.de", "a\u200eb.com", "bücher\u2026.de", "user@"],
)  # fmt: skip
def test_normalize_domain_rejects_garbage(host: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_domain(host)
    assert info.value.field == "site"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://www.YouTube.com:443/shorts/abc?x=1#y", ("youtube.com", "/shorts/abc")),
        ("youtube.com/shorts", ("youtube.com", "/shorts")),
        ("youtube.com", ("youtube.com", "")),
        ("youtube.com?x=1", ("youtube.com", "")),
        ("youtube.com#top", ("youtube.com", "")),
        ("http://example.com/", ("example.com", "/")),
        ("HTTP://Example.com/CaseKept", ("example.com", "/CaseKept")),
        ("//cdn.example.com/x.js", ("cdn.example.com", "/x.js")),
        ("youtube.com:8080/watch", ("youtube.com", "/watch")),
        ("localhost:8000", ("localhost", "")),
        ("https://user:pw@Example.com/a", ("example.com", "/a")),
        ("https://youtube.com@evil.net/x", ("evil.net", "/x")),
        ("https://evil.net/@youtube.com", ("evil.net", "/@youtube.com")),
        ("https://evil.net?youtube.com/shorts", ("evil.net", "")),
        ("https://example.com\\a\\b", ("example.com", "/a/b")),
        ("https://bücher.de/straße", ("xn--bcher-kva.de", "/straße")),
        ("https://example.com/a%20b", ("example.com", "/a%20b")),  # no percent-decoding
    ],
)
def test_parse_site(text: str, expected: tuple[str, str]) -> None:
    assert parse_site(text) == expected


@pytest.mark.parametrize(
    "text",
    ["chrome://settings", "file:///etc/passwd", "about:blank", "javascript:alert(1)",
     "mailto:ada@example.com", "ftp://example.com/x", "chrome-extension://abc/popup.html",
     "view-source:https://example.com"],
)  # fmt: skip
def test_parse_site_rejects_other_schemes(text: str) -> None:
    with pytest.raises(ValidationError, match="only http and https") as info:
        parse_site(text)
    assert info.value.field == "site"


@pytest.mark.parametrize("text", ["", "https://", "http://:80/x", "https://exa mple.com/"])
def test_parse_site_needs_a_host(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_site(text)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("code", "code"),
        ("/usr/bin/code", "code"),
        ("/usr/share/code/code", "code"),
        ("Code.exe", "code"),
        ("CODE.EXE", "code"),
        ("C:\\Program Files\\Microsoft VS Code\\Code.exe", "code"),
        ("C:/Program Files/Mozilla Firefox/firefox.exe", "firefox"),
        ("Visual Studio Code", "visual studio code"),
        ("  Visual \t Studio  Code ", "visual studio code"),
        ("/Applications/Visual Studio Code.app/Contents/MacOS/Electron", "visual studio code"),
        (
            "/Applications/Visual Studio Code.app/Contents/Frameworks/"
            "Code Helper.app/Contents/MacOS/Code Helper",
            "visual studio code",  # helpers count as the outermost bundle
        ),
        ("/Applications/Safari.app/", "safari"),
        ("Safari.app", "safari"),
        ("com.microsoft.VSCode", "com.microsoft.vscode"),
        ("org.mozilla.firefox", "org.mozilla.firefox"),
        ("Notepad++.exe", "notepad++"),
        ("Code Helper (Renderer)", "code helper (renderer)"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),  # casefold, not lower
    ],
)
def test_normalize_app_name(name: str, expected: str) -> None:
    assert normalize_app_name(name) == expected


@pytest.mark.parametrize("name", ["", "   ", "/", "\\\\", ".exe"])
def test_normalize_app_name_rejects_empty(name: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_app_name(name)
    assert info.value.field == "app"


def test_subject_constructors() -> None:
    assert Subject.site("https://WWW.Example.com/a?b") == Subject(Source.WEB, "example.com", "/a")
    assert Subject.app("Code.exe", exe="C:\\x\\Code.exe", title="t") == Subject(
        Source.APP, "Code.exe", title="t", exe="C:\\x\\Code.exe"
    )
    assert Subject.output("/home/a/x.md") == Subject(Source.OUTPUT, "/home/a/x.md")
    with pytest.raises(ValidationError):
        Subject.site("about:blank")


# ------------------------------------------------------------------ rule parsing


def test_rule_from_dict_full_shape() -> None:
    rule = rule_from_dict(
        {
            "id": " yt ",
            "site": "https://www.YouTube.com/shorts/",
            "category": "distraction",
            "rate": "-2.5",
            "daily_cap": 60,
            "hourly_cap": 0.5,
            "enforcement": "block",
            "schedule": {"days": ["Mon", "friday"], "hours": "22:00-02:00"},
        },
        7,
    )
    assert rule == Rule(
        id="yt",
        matcher=SiteMatcher("youtube.com", "/shorts"),
        category=Category.DISTRACTION,
        rate=-2500,
        enforcement=Enforcement.BLOCK,
        daily_cap=60_000,
        hourly_cap=500,
        schedule=Schedule(frozenset({0, 4}), 22 * 60, 2 * 60),
        order=7,
    )


@pytest.mark.parametrize(
    ("data", "expected_id", "matcher"),
    [
        ({"site": "youtube.com/shorts"}, "site:youtube.com/shorts",
         SiteMatcher("youtube.com", "/shorts")),
        ({"site": "www.reddit.com/"}, "site:reddit.com", SiteMatcher("reddit.com", "")),
        ({"app": ["code", "Code.exe", "Visual Studio Code"]}, "app:code",
         AppMatcher(("code", "visual studio code"))),
        ({"app": "Code.exe", "title": "py$"}, "app:code~py$", AppMatcher(("code",), "py$")),
        ({"folder": "~/notes"}, "folder:~/notes", FolderMatcher("~/notes")),  # no expanduser
        ({"folder": "~\\notes\\"}, "folder:~/notes", FolderMatcher("~/notes")),
        ({"folder": "c:\\Users\\ada\\"}, "folder:C:/Users/ada", FolderMatcher("C:/Users/ada")),
        ({"folder": "/"}, "folder:/", FolderMatcher("/")),
    ],
)  # fmt: skip
def test_rule_from_dict_matchers_and_derived_ids(
    data: dict[str, object], expected_id: str, matcher: object
) -> None:
    rule = rule_from_dict({**data, "category": "focus", "rate": 1}, 0)
    assert (rule.id, rule.matcher, rule.enforcement, rule.schedule) == (
        expected_id,
        matcher,
        Enforcement.TRACK,
        None,
    )


def test_schedule_defaults_to_all_days_and_all_day() -> None:
    only_hours = rule_from_dict({"site": "a.com", "category": "focus", "rate": 1,
                                 "schedule": {"hours": "9:00 - 17:30"}}, 0)  # fmt: skip
    only_days = rule_from_dict({"site": "a.com", "category": "focus", "rate": 1,
                                "schedule": {"days": ["sat", "sun"]}}, 0)  # fmt: skip
    assert only_hours.schedule == Schedule(frozenset(range(7)), 540, 1050)
    assert only_days.schedule == Schedule(frozenset({5, 6}), 0, 1440)


BASE: dict[str, object] = {"site": "youtube.com", "category": "distraction", "rate": -3}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"category": "fun"}, "rules[3].category",
         "must be one of focus, learning, output, neutral, distraction, got 'fun'"),
        ({"category": None}, "rules[3].category", "must be one of"),
        ({"category": "Focus"}, "rules[3].category", "must be one of"),
        ({"rate": "abc"}, "rules[3].rate", "must be a number"),
        ({"rate": 0.0001}, "rules[3].rate", "at most 3 decimals"),
        ({"rate": True}, "rules[3].rate", "must be a number"),
        ({"rate": float("nan")}, "rules[3].rate", "finite"),
        ({"daily_cap": 0}, "rules[3].daily_cap", "more than 0"),
        ({"daily_cap": -5}, "rules[3].daily_cap", "more than 0"),
        ({"hourly_cap": "x"}, "rules[3].hourly_cap", "must be a number"),
        ({"enforcement": "warn"}, "rules[3].enforcement", "must be one of track, nudge, block"),
        ({"site": None, "app": "code", "enforcement": "nudge"}, "rules[3].enforcement",
         "only works on site rules"),
        ({"site": None, "folder": "/x", "enforcement": "block"}, "rules[3].enforcement",
         "only works on site rules"),
        ({"site": None}, "rules[3]", "exactly one of site, app, folder"),
        ({"app": "code"}, "rules[3]", "exactly one of site, app, folder"),
        ({"catgory": "focus"}, "rules[3].catgory", "did you mean 'category'"),
        ({"colour": "red"}, "rules[3].colour", "unknown key"),
        ({"site": "chrome://settings"}, "rules[3].site", "only http and https"),
        ({"site": ""}, "rules[3].site", "non-empty string"),
        ({"site": 5}, "rules[3].site", "non-empty string"),
        ({"site": "you tube.com"}, "rules[3].site", "not a valid domain"),
        ({"site": "*.youtube.com"}, "rules[3].site", "subdomains match"),
        ({"site": None, "app": []}, "rules[3].app", "list of names"),
        ({"site": None, "app": 5}, "rules[3].app", "list of names"),
        ({"site": None, "app": ["code", 3]}, "rules[3].app[1]", "must be a string"),
        ({"site": None, "app": ["code", " "]}, "rules[3].app[1]", "application name"),
        ({"title": "x"}, "rules[3].title", "only app rules"),
        ({"site": None, "app": "code", "title": "("}, "rules[3].title", "not a valid regex"),
        ({"site": None, "app": "code", "title": 5}, "rules[3].title", "regex string"),
        ({"site": None, "folder": "notes"}, "rules[3].folder", "absolute path"),
        ({"site": None, "folder": ""}, "rules[3].folder", "non-empty string"),
        ({"schedule": "weekdays"}, "rules[3].schedule", "days and/or hours"),
        ({"schedule": {"weekdays": ["mon"]}}, "rules[3].schedule.weekdays", "unknown key"),
        ({"schedule": {"days": ["funday"]}}, "rules[3].schedule.days", "'funday'"),
        ({"schedule": {"days": [0]}}, "rules[3].schedule.days", "got 0"),
        ({"schedule": {"days": []}}, "rules[3].schedule.days", "non-empty list"),
        ({"schedule": {"days": "mon"}}, "rules[3].schedule.days", "non-empty list"),
        ({"schedule": {"hours": "9-5"}}, "rules[3].schedule.hours", "09:00-17:00"),
        ({"schedule": {"hours": "25:00-26:00"}}, "rules[3].schedule.hours", "09:00-17:00"),
        ({"schedule": {"hours": "24:00-02:00"}}, "rules[3].schedule.hours", "09:00-17:00"),
        ({"schedule": {"hours": "09:60-10:00"}}, "rules[3].schedule.hours", "09:00-17:00"),
        ({"schedule": {"hours": "09:00-09:00"}}, "rules[3].schedule.hours", "09:00-17:00"),
        ({"schedule": {"hours": 9}}, "rules[3].schedule.hours", "09:00-17:00"),
        ({"id": ""}, "rules[3].id", "non-empty string"),
        ({"id": 5}, "rules[3].id", "non-empty string"),
    ],
)  # fmt: skip
def test_invalid_rule_names_the_field(changes: dict[str, object], field: str, message: str) -> None:
    data = {k: v for k, v in {**BASE, **changes}.items() if v is not None or k == "category"}
    with pytest.raises(ValidationError) as info:
        rule_from_dict(data, 3)
    assert info.value.field == field
    assert message in info.value.message
    assert str(info.value).startswith(f"{field}: ")


@pytest.mark.parametrize("missing", ["category", "rate"])
def test_required_keys(missing: str) -> None:
    data = {k: v for k, v in BASE.items() if k != missing}
    with pytest.raises(ValidationError, match="is required") as info:
        rule_from_dict(data, 0)
    assert info.value.field == f"rules[0].{missing}"


def test_rule_must_be_a_table() -> None:
    with pytest.raises(ValidationError) as info:
        rule_from_dict("youtube.com", 2)  # type: ignore[arg-type]
    assert info.value.field == "rules[2]"


def test_rules_from_dicts_orders_and_rejects_duplicate_ids() -> None:
    rules = rules_from_dicts([BASE, {**BASE, "site": "reddit.com"}])
    assert [(r.id, r.order) for r in rules] == [("site:youtube.com", 0), ("site:reddit.com", 1)]
    duplicate = r"duplicate id 'site:youtube.com' \(also rules\[0\]\)"
    with pytest.raises(ValidationError, match=duplicate) as info:
        rules_from_dicts([BASE, {**BASE, "site": "reddit.com"}, {**BASE, "site": "youtube.com/"}])
    assert info.value.field == "rules[2].id"
    with pytest.raises(ValidationError) as info:
        rules_from_dicts([{**BASE, "id": "a"}, {**BASE, "id": "a", "site": "b.com"}])
    assert info.value.field == "rules[1].id"
    with pytest.raises(ValidationError) as info:
        rules_from_dicts([BASE, {**BASE, "rate": "x"}])
    assert info.value.field == "rules[1].rate"


# ---------------------------------------------------------------- explain/schedule


def test_explain() -> None:
    rules = rules_from_dicts(
        [
            {"site": "youtube.com/shorts", "category": "distraction", "rate": -3,
             "enforcement": "nudge"},
            {"app": ["code", "Code.exe"], "title": "\\.py$", "category": "focus", "rate": 2.5},
            {"folder": "~/notes", "category": "output", "rate": 0},
            {"site": "reddit.com", "category": "distraction", "rate": -1, "daily_cap": 60,
             "hourly_cap": 10, "schedule": {"days": ["mon", "fri"], "hours": "22:00-02:00"}},
        ]
    )  # fmt: skip
    assert [explain(rule) for rule in rules] == [
        "site youtube.com/shorts → distraction, -3 pts/min, nudge",
        "app code (title ~ /\\.py$/) → focus, +2.5 pts/min",
        "folder ~/notes → output, 0 pts/min",
        "site reddit.com → distraction, -1 pts/min, cap 60/day, cap 10/hour, mon fri 22:00-02:00",
    ]


@pytest.mark.parametrize(
    ("when", "inside"),
    [
        ("2026-11-27T22:00", True),  # Friday, start
        ("2026-11-27T21:59", False),
        ("2026-11-28T01:59", True),  # Saturday morning belongs to Friday night
        ("2026-11-28T02:00", False),
        ("2026-11-28T23:00", False),
        ("2026-11-27T01:00", False),  # Friday morning belongs to Thursday
        ("2026-11-24T01:00", True),  # Tuesday morning belongs to Monday night
        ("2026-11-23T23:59:59+05:00", True),  # aware: its own wall clock counts
    ],
)
def test_in_schedule_wrapping(when: str, inside: bool) -> None:
    schedule = Schedule(frozenset({0, 4}), 22 * 60, 2 * 60)
    assert in_schedule(schedule, datetime.fromisoformat(when)) is inside


# -------------------------------------------------------------------- properties

LABEL = st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)
# Base URLs under which the vector rules define no deeper subdomain rule.
SUBDOMAIN_BASES = [
    ("reddit.com", "/r/learnpython/top", "reddit-learnpython"),
    ("reddit.com", "/", "reddit"),
    ("bücher.de", "/x", "buecher"),
    ("python.org", "/2/", "python"),
    ("news.example.com", "", "news-work"),
    ("github.com", "/ada", "site:github.com"),
    ("music.youtube.com", "/shorts/a", "youtube-music"),
]


@given(st.sampled_from(SUBDOMAIN_BASES), st.lists(LABEL, min_size=1, max_size=4))
def test_subdomains_keep_the_rule(base: tuple[str, str, str], labels: list[str]) -> None:
    host, path, expected = base
    url = f"https://{'.'.join([*labels, host])}{path}"
    assert matched_id(VECTOR_RULES, Subject.site(url)) == expected


VARIATION_BASES = [
    ("youtube.com", "/shorts/abc?x=1"),
    ("youtube.com", "/shortsx"),
    ("music.youtube.com", "/"),
    ("bücher.de", "/katalog"),
    ("xn--mnchen-3ya.de", ""),
    ("old.reddit.com", "/r/learnpython/"),
    ("docs.python.org", "/3/library"),
    ("notyoutube.com", "/shorts"),
    ("youtube.com.evil.net", "/"),
    ("tie.example.org", "#x"),
    ("localhost", "/admin"),
]


@given(
    st.sampled_from(VARIATION_BASES),
    st.data(),
    st.booleans(),
    st.booleans(),
    st.none() | st.integers(min_value=1, max_value=65535),
    st.sampled_from(["http://", "https://", "HTTPS://", ""]),
)
def test_host_variations_never_change_the_result(
    base: tuple[str, str],
    data: st.DataObject,
    www: bool,
    trailing_dot: bool,
    port: int | None,
    scheme: str,
) -> None:
    host, path = base
    upper = data.draw(st.lists(st.booleans(), min_size=len(host), max_size=len(host)))
    cased = "".join(c.upper() if up else c for c, up in zip(host, upper, strict=True))
    varied = f"{scheme}{'www.' if www else ''}{cased}{'.' if trailing_dot else ''}"
    varied += f":{port}" if port is not None else ""
    original = matched_id(VECTOR_RULES, Subject.site(f"https://{host}{path}"))
    assert matched_id(VECTOR_RULES, Subject.site(varied + path)) == original


def _rule(index: int, rule_id: str, **matcher: object) -> Rule:
    return rule_from_dict({"id": rule_id, **matcher, "category": "neutral", "rate": 0}, index)


DEEP_URL = Subject.site("https://a.b.example.com/x/y")
PATH_URL = Subject.site("https://example.com/x/y")
# (subject, the specific rule's matcher, the general rule's matcher)
SPECIFICITY_CASES: list[tuple[Subject, dict[str, object], dict[str, object]]] = [
    (DEEP_URL, {"site": "b.example.com"}, {"site": "example.com"}),
    (DEEP_URL, {"site": "a.b.example.com"}, {"site": "b.example.com/x/y"}),  # labels before path
    (PATH_URL, {"site": "example.com/x/y"}, {"site": "example.com/x"}),
    (PATH_URL, {"site": "example.com/x"}, {"site": "example.com"}),
    (Subject.app("Code.exe", title="a.py"), {"app": "code", "title": "py"}, {"app": "code"}),
    (Subject.app("x", exe="/usr/bin/code", title="a.py"), {"app": "code", "title": "py"},
     {"app": ["x", "code"]}),
    (Subject.output("/h/a/b/c.md"), {"folder": "/h/a/b"}, {"folder": "/h/a"}),
    (Subject.output("/h/a/b/c.md"), {"folder": "/h/a/b/c.md"}, {"folder": "/"}),
]  # fmt: skip
FILLER: list[dict[str, object]] = [
    {"site": "example.net"}, {"site": "b.example.com/z"}, {"site": "example.com/xy"},
    {"app": "codex"}, {"app": "code", "title": "zzz"}, {"folder": "/h/ab"}, {"folder": "/h/a/bc"},
]  # fmt: skip


@given(
    st.sampled_from(SPECIFICITY_CASES),
    st.lists(st.sampled_from(FILLER), max_size=6),
    st.data(),
)
def test_more_specific_rule_wins_wherever_it_is(
    case: tuple[Subject, dict[str, object], dict[str, object]],
    filler: list[dict[str, object]],
    data: st.DataObject,
) -> None:
    subject, specific, general = case
    entries = [("specific", specific), ("general", general)]
    entries += [(f"filler-{i}", m) for i, m in enumerate(filler)]
    shuffled = data.draw(st.permutations(entries))
    rules = RuleSet(_rule(i, rule_id, **m) for i, (rule_id, m) in enumerate(shuffled))
    assert matched_id(rules, subject) == "specific"
    without = RuleSet(r for r in rules.rules if r.id != "specific")
    assert matched_id(without, subject) == "general"


def test_ruleset_accepts_rules_in_any_order_and_without_schedules_for_when() -> None:
    first, second = _rule(0, "first", site="a.com"), _rule(1, "second", site="a.com")
    assert matched_id(RuleSet([second, first]), Subject.site("a.com")) == "first"
    assert matched_id(RuleSet([first]), Subject.site("a.com"), datetime(2026, 1, 1)) == "first"
    assert RuleSet([]).match(Subject.site("a.com")) is None


def test_hand_built_subject_with_raw_domain_is_normalised() -> None:
    rules = RuleSet([_rule(0, "yt", site="youtube.com")])
    assert matched_id(rules, Subject(Source.WEB, "WWW.YouTube.com.")) == "yt"
    assert matched_id(rules, Subject(Source.WEB, "not a host")) is None
    assert matched_id(rules, Subject(Source.APP, "youtube.com")) is None


def test_many_rules_still_match_by_index() -> None:
    rules = RuleSet(_rule(i, f"r{i}", site=f"site{i}.example.com") for i in range(5000))
    assert matched_id(rules, Subject.site("https://a.site4321.example.com/")) == "r4321"
    assert matched_id(rules, Subject.site("https://site5000.example.com/")) is None
