"""Fuzzing the local endpoint over real HTTP: the OpenAPI contract, event ingestion, Host/Origin.

Every test here talks to a real waitress server (the ``live`` fixture) around a
test app whose clock stands still at 2026-11-26 14:00 UTC.

* ``test_contract`` lets schemathesis drive ``shared/openapi.json``: every
  operation, schema-valid and schema-breaking data. No answer may be a 5xx, every
  answer must be a documented status with a documented shape, and every batch of
  events the server accepts must really be valid (schema with a strict RFC 3339
  ``start``, inside the ingestion window); the ``seen_events`` table must hold
  exactly as many ids as the server reported accepted.
* ``test_valid_batches_are_accepted_exactly_once`` generates valid batches near the
  clock by hand: each is accepted, and re-sending it changes nothing.
* ``test_ingestion_window_edges`` probes both ends of the 30-day/5-minute window
  to the millisecond.
* ``test_start_spellings`` pins the RFC 3339 corner cases a fuzzer rarely hits.
* ``test_unpaired_surrogates_are_not_a_server_error`` sends strings that are valid
  JSON but not valid Unicode text, which schemathesis does not generate (its text
  is always UTF-8-encodable).
* ``test_undeclared_methods_get_405_with_allow`` is the ``unsupported_method``
  check, kept out of ``test_contract`` so that one finding cannot hide the others.
* ``test_host_and_origin_are_enforced`` fuzzes the DNS-rebinding and cross-origin
  guard: a 2xx exactly when Host is a loopback name with the port and Origin is
  absent or the Chrome extension's.

Everything is derandomized and keeps no example database, so a run is reproducible.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import jsonschema
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from human_pretraining.contracts import shared_path
from human_pretraining.store.models import SeenEvent
from tests.api.conftest import CHROME_ORIGIN, Live, make_event
from tests.conftest import NOW

EVENTS = "POST /api/v1/events"
NOW_MS = int(NOW.timestamp() * 1000)
SECOND_MS = 1000
HOUR_MS = 3600 * SECOND_MS
DAY_MS = 24 * HOUR_MS
# The ingestion window as documented in services/events.py, restated here so the
# test is an independent oracle: nothing older than 30 days, nothing ending more
# than 5 minutes after the app's clock.
MAX_AGE_MS = 30 * DAY_MS
MAX_SKEW_MS = 5 * 60 * SECOND_MS

# For the hand-written Hypothesis tests (schemathesis takes the same from CONFIG below).
FUZZ_SETTINGS = settings(max_examples=60, derandomize=True, database=None, deadline=None)


# --- The contract, with the JSON Schemas of shared/schemas inlined --------------------------


def _rewrite_refs(node: Any, mapping: dict[str, str]) -> Any:
    if isinstance(node, dict):
        rewritten = {key: _rewrite_refs(value, mapping) for key, value in node.items()}
        if rewritten.get("$ref") in mapping:
            rewritten["$ref"] = mapping[rewritten["$ref"]]
        return rewritten
    if isinstance(node, list):
        return [_rewrite_refs(value, mapping) for value in node]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def load_contract() -> dict[str, Any]:
    """``shared/openapi.json`` as one document: each ``{"$ref": "schemas/x.schema.json"}``
    component is replaced by that file, and the file's ``definitions`` become components
    of their own (``Events`` + ``definitions/event`` -> ``Events_event``) with the local
    ``#/definitions/...`` refs rewritten to point at them."""
    contract: dict[str, Any] = json.loads(shared_path("openapi.json").read_text("utf-8"))
    components: dict[str, Any] = contract["components"]["schemas"]
    for name, component in list(components.items()):
        ref = component.get("$ref", "")
        if not ref or ref.startswith("#"):
            continue
        loaded = json.loads(shared_path(*ref.split("/")).read_text("utf-8"))
        loaded.pop("$schema", None)  # not an OpenAPI 3.0 schema keyword
        definitions: dict[str, Any] = loaded.pop("definitions", {})
        mapping = {f"#/definitions/{d}": f"#/components/schemas/{name}_{d}" for d in definitions}
        for definition, body in definitions.items():
            assert f"{name}_{definition}" not in components
            components[f"{name}_{definition}"] = _rewrite_refs(body, mapping)
        components[name] = _rewrite_refs(loaded, mapping)
    prefix = "#/components/schemas/"
    left = [ref for ref in _refs(contract) if ref.removeprefix(prefix) not in components]
    assert not left, f"$refs that do not resolve inside the document: {left}"
    return contract


CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",  # schema-valid and schema-breaking data
            "max-examples": 100,  # per operation, fuzzing phase (examples/coverage come on top)
            "deterministic": True,
            "database": "none",
            # Unknown query parameters are ignored, as HTTP APIs usually do, and the contract
            # does not forbid them: an extra one does not make a request invalid.
            "allow-extra-parameters": False,
            # The token comes from pairing and is sent by the test on every call, so a
            # generated (or missing) Authorization header says nothing about the request.
            "with-security-parameters": False,
        },
        "checks": {
            # A real finding (405 answers lack the Allow header RFC 9110 requires); it is
            # asserted in test_undeclared_methods_get_405_with_allow instead, so that it
            # cannot stop this test before it looks at anything else.
            "unsupported_method": {"enabled": False},
        },
        # Schema-valid is not always acceptable: some rules cannot be written as JSON
        # Schema. Each operation lists the refusals its valid data may legitimately get.
        "operations": [
            {
                # 422: start outside the 30-day/5-minute window, or a web subject that is no domain.
                "include-operation-id": "postEvents",
                "checks": {"positive_data_acceptance": {"expected-statuses": ["200", "422"]}},
            },
            {
                # 422: the url is a string in the schema but must be an http(s) page.
                "include-operation-id": "verdict",
                "checks": {"positive_data_acceptance": {"expected-statuses": ["200", "422"]}},
            },
            {
                # 402: the balance is zero; 409: a free site; 422: the site is no URL or domain.
                "include-operation-id": "buyAllowance",
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": ["201", "402", "409", "422"]}
                },
            },
        ],
    }
)
contract = schemathesis.openapi.from_dict(load_contract(), config=CONFIG)


# --- What an acceptable event is: schema, strict RFC 3339, ingestion window -----------------

# RFC 3339 section 5.6 (T and Z may be lower case), checked with a full date-time parse below.
RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def is_rfc3339(value: object) -> bool:
    if not isinstance(value, str):
        return True  # formats only constrain strings
    if not RFC3339.fullmatch(value):
        return False
    try:
        start_ms(value)
    except ValueError:  # impossible dates and times (2026-02-31, 12:99:00); the hook calls
        return False  # this directly too, so it must answer rather than raise
    return True


def start_ms(text: str) -> int:
    moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    return int(moment.timestamp() * 1000)


EVENTS_SCHEMA = json.loads(shared_path("schemas", "events.schema.json").read_text("utf-8"))
EVENTS_VALIDATOR = jsonschema.Draft7Validator(EVENTS_SCHEMA, format_checker=FORMATS)


def assert_acceptable(body: Any, now_ms: int) -> None:
    """Fail unless ``body`` is a batch the contract allows the server to accept."""
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in EVENTS_VALIDATOR.iter_errors(body)]
    assert not errors, f"accepted a batch that breaks events.schema.json: {errors}"
    for i, event in enumerate(body["events"]):
        start = start_ms(event["start"])
        end = start + round(event["duration"] * 1000)
        assert start >= now_ms - MAX_AGE_MS, f"accepted events[{i}] older than 30 days: {event}"
        assert end <= now_ms + MAX_SKEW_MS, f"accepted events[{i}] ending in the future: {event}"


def stored_event_ids(live: Live) -> int:
    with live.app.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(SeenEvent)).scalar_one())


# --- Event strategies --------------------------------------------------------------------------


def rfc3339(instant_ms: int, offset_minutes: int, millis: bool) -> str:
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=instant_ms)
    local = moment.astimezone(timezone(timedelta(minutes=offset_minutes)))
    return local.isoformat(timespec="milliseconds" if millis else "seconds").replace("+00:00", "Z")


def start_ending(duration_ms: int, ended_ago_ms: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    """RFC 3339 starts of an event of ``duration_ms`` that ended ``ended_ago_ms`` before the
    clock, in any UTC offset, with or without milliseconds (seconds-only spellings truncate,
    which moves the event earlier by less than a second)."""
    return st.builds(
        rfc3339,
        ended_ago_ms.map(lambda ago: NOW_MS - ago - duration_ms),
        st.integers(-(23 * 60 + 59), 23 * 60 + 59),
        st.booleans(),
    )


# Mostly inside the window, but also around both of its ends, so both refusals get exercised
# and a window that grew by a minute would get an event accepted that the oracle refuses.
ENDED_AGO_MS = st.one_of(
    st.integers(0, DAY_MS),
    st.integers(-MAX_SKEW_MS - HOUR_MS, MAX_AGE_MS + HOUR_MS),
    st.integers(-MAX_SKEW_MS - 2 * SECOND_MS, -MAX_SKEW_MS + 2 * SECOND_MS),
    st.integers(MAX_AGE_MS - 2 * HOUR_MS, MAX_AGE_MS),
)


def is_duration(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 3600


@contract.hook
def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
    """Move generated event starts near the test clock, so fuzzed batches can be accepted.

    A start is replaced only when it meets every schema rule (a strict RFC 3339 string
    of at most 40 characters); the replacement meets them too, so a schema-breaking
    batch stays schema-breaking and a valid one stays valid.
    """
    operation = context.operation
    events = body.get("events") if isinstance(body, dict) else None
    if operation is None or operation.label != EVENTS or not isinstance(events, list):
        return st.just(body)
    slots = [
        i
        for i, event in enumerate(events)
        if isinstance(event, dict)
        and isinstance(event.get("start"), str)
        and len(event["start"]) <= 40
        and is_rfc3339(event["start"])
    ]
    new_starts = [
        start_ending(
            round(events[i]["duration"] * 1000) if is_duration(events[i].get("duration")) else 0,
            ENDED_AGO_MS,
        )
        for i in slots
    ]

    def moved(drawn: tuple[str, ...]) -> Any:
        patched = [dict(event) if isinstance(event, dict) else event for event in events]
        for i, start in zip(slots, drawn, strict=True):
            patched[i]["start"] = start
        return {**body, "events": patched}

    return st.tuples(*new_starts).map(moved)


LABEL = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
WEB_SUBJECTS = st.one_of(
    st.builds(
        "{}{}.{}{}".format,
        st.sampled_from(["", "www.", "m.", "WWW."]),
        st.lists(LABEL, min_size=1, max_size=3).map(".".join),
        st.sampled_from(["com", "org", "de", "io", "co.uk"]),
        st.sampled_from(["", "/", "/shorts", "/r/programming", "/watch"]),
    ),
    st.sampled_from(["youtube.com/shorts", "bücher.de", "localhost", "[::1]", "example.com."]),
)
# App names and output paths are whatever the OS reports: any text that is valid Unicode.
ANY_TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=500)


@st.composite
def valid_events(draw: st.DrawFn) -> dict[str, Any]:
    source = draw(st.sampled_from(["web", "app", "output"]))
    duration_ms = draw(st.integers(0, 3600 * SECOND_MS))
    # The end lies within the last day (or the allowed 5 minutes ahead of the clock).
    end_ago_ms = draw(st.integers(-MAX_SKEW_MS, DAY_MS))
    event_id = str(draw(st.uuids()))
    event: dict[str, Any] = {
        "id": event_id.upper() if draw(st.booleans()) else event_id,
        "source": source,
        "subject": draw(WEB_SUBJECTS if source == "web" else ANY_TEXT),
        "start": draw(start_ending(duration_ms, st.just(end_ago_ms))),
        "duration": duration_ms / 1000,
    }
    signals: dict[str, Any] = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "idle": st.booleans(),
                "audible": st.booleans(),
                "focused": st.booleans(),
                "browser": st.booleans(),
                "scroll_px": st.integers(0, 100_000_000),
                "scroll_s": st.floats(0, 3600),
                "words": st.integers(0, 1_000_000),
            },
        )
    )
    if signals or draw(st.booleans()):
        event["signals"] = signals
    detail = draw(
        st.fixed_dictionaries(
            {}, optional={"title": st.text(max_size=1000), "path": st.text(max_size=2000)}
        )
    )
    if detail:
        event["detail"] = detail
    return event


@st.composite
def valid_batches(draw: st.DrawFn) -> list[dict[str, Any]]:
    batch = draw(st.lists(valid_events(), min_size=1, max_size=20))
    # Sometimes repeat an event inside the batch (its id in another case): a duplicate too.
    for event in draw(st.lists(st.sampled_from(batch), max_size=2)):
        batch.append({**event, "id": event["id"].swapcase()})
    return batch


# --- 1. The OpenAPI contract --------------------------------------------------------------------


@dataclass
class Tally:
    accepted: int = 0


@pytest.fixture
def tally() -> Tally:
    """Events the server reported accepted during one operation's fuzzing."""
    return Tally()


@contract.parametrize()
# One server per operation, shared by all its generated cases on purpose: the stored
# events accumulate, and `tally` keeps count of them next to it.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_contract(case: schemathesis.Case, live: Live, token: str, tally: Tally) -> None:
    assert live.app.clock() == NOW_MS
    auth = {"Authorization": f"Bearer {token}"}
    response = case.call(base_url=live.base, headers=auth, timeout=10)
    assert response.status_code < 500, f"{case.as_curl_command()}\n-> {response.text}"
    if case.operation.label == EVENTS:
        if response.status_code == 200:
            assert_acceptable(case.body, live.app.clock())
            tally.accepted += response.json()["accepted"]
        # Checked after every call, so the request that stored too much is the one reported.
        assert stored_event_ids(live) == tally.accepted, "seen_events disagrees with 'accepted'"
    case.validate_response(
        response, headers=auth, transport_kwargs={"base_url": live.base, "headers": auth}
    )


# --- 2. Valid events near the clock: accepted once, then duplicates ---------------------------


def test_valid_batches_are_accepted_exactly_once(live: Live, auth: dict[str, str]) -> None:
    seen: set[str] = set()

    @FUZZ_SETTINGS
    @given(batch=valid_batches())
    def post_twice(batch: list[dict[str, Any]]) -> None:
        assert_acceptable({"events": batch}, NOW_MS)  # the generator's own promise
        first = live.session.post(live.url("/api/v1/events"), json={"events": batch}, headers=auth)
        assert first.status_code == 200, first.text
        ids = [event["id"].lower() for event in batch]
        fresh = set(ids) - seen
        seen.update(ids)
        assert first.json() == {"accepted": len(fresh), "duplicates": len(ids) - len(fresh)}
        again = live.session.post(live.url("/api/v1/events"), json={"events": batch}, headers=auth)
        assert again.status_code == 200, again.text
        assert again.json() == {"accepted": 0, "duplicates": len(ids)}

    post_twice()
    assert stored_event_ids(live) == len(seen)


def test_ingestion_window_edges(live: Live, auth: dict[str, str]) -> None:
    """To the millisecond: a start 30 days back is accepted, one millisecond earlier is
    not; an end 5 minutes ahead of the clock is accepted, one millisecond later is not."""

    @FUZZ_SETTINGS
    @given(
        edge=st.sampled_from(["old", "future"]),
        shift_ms=st.integers(-2 * SECOND_MS, 2 * SECOND_MS),
        duration_ms=st.integers(0, 3600 * SECOND_MS),
        offset_minutes=st.integers(-(23 * 60 + 59), 23 * 60 + 59),
    )
    @example(edge="old", shift_ms=0, duration_ms=0, offset_minutes=0)
    @example(edge="old", shift_ms=-1, duration_ms=0, offset_minutes=0)
    @example(edge="future", shift_ms=0, duration_ms=60_000, offset_minutes=0)
    @example(edge="future", shift_ms=1, duration_ms=60_000, offset_minutes=0)
    def post_one(edge: str, shift_ms: int, duration_ms: int, offset_minutes: int) -> None:
        if edge == "old":
            start = NOW_MS - MAX_AGE_MS + shift_ms
        else:  # the end is shifted around the clock plus the allowed skew
            start = NOW_MS + MAX_SKEW_MS + shift_ms - duration_ms
        event = make_event()
        event["start"] = rfc3339(start, offset_minutes, millis=True)
        event["duration"] = duration_ms / 1000
        inside = start >= NOW_MS - MAX_AGE_MS and start + duration_ms <= NOW_MS + MAX_SKEW_MS
        response = live.session.post(
            live.url("/api/v1/events"), json={"events": [event]}, headers=auth
        )
        assert response.status_code == (200 if inside else 422), f"{event} -> {response.text}"

    post_one()


# --- 3. RFC 3339 corner cases -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "status"),
    [
        ("2026-11-26T13:00:00Z", 200),
        ("2026-11-26T14:00:00+01:00", 200),
        ("2026-11-26T07:30:00.123456789-05:30", 200),
        # RFC 3339 5.6: "T" and "Z" may be lower case; the schema's date-time lets them pass.
        ("2026-11-26t13:00:00z", 200),
        # Not RFC 3339: the offset needs its colon and minutes, the time needs its zone.
        ("2026-11-26T14:00:00+0100", 422),
        ("2026-11-26T14:00:00+01", 422),
        ("2026-11-26T13:00:00", 422),
        ("2026-11-26 13:00:00Z", 422),
        ("2026-02-31T13:00:00Z", 422),
    ],
)
def test_start_spellings(live: Live, auth: dict[str, str], start: str, status: int) -> None:
    event = make_event()
    event["start"] = start
    response = live.session.post(live.url("/api/v1/events"), json={"events": [event]}, headers=auth)
    assert response.status_code == status, response.text
    if status == 200:
        assert_acceptable({"events": [event]}, NOW_MS)


# --- 4. JSON strings that are not Unicode text --------------------------------------------------

# Valid JSON (RFC 8259 allows "\ud800"), but no UTF-8 can hold it: a 4xx, never a 500.
SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
UNPAIRED = st.builds("{}{}{}".format, st.text(max_size=4), SURROGATE, st.text(max_size=4))


NOT_IN_HOST = str.maketrans("", "", "/?#\\")


def _event_with(subject: str = "code", source: str = "app", **detail: str) -> dict[str, Any]:
    event = make_event(subject=subject, source=source)
    if detail:
        event["detail"] = detail
    return {"events": [event]}


BODIES: dict[str, tuple[str, Callable[[Live, str], Any]]] = {
    "app-subject": ("/api/v1/events", lambda live, text: _event_with(text)),
    "output-subject": ("/api/v1/events", lambda live, text: _event_with(text, "output")),
    "web-domain": (  # the host part only: no character that would start a path
        "/api/v1/events",
        lambda live, text: _event_with(text.translate(NOT_IN_HOST) + ".com", "web"),
    ),
    "web-path": ("/api/v1/events", lambda live, text: _event_with("a.com/" + text, "web")),
    "detail-title": ("/api/v1/events", lambda live, text: _event_with(title=text)),
    "pair-client": (
        "/api/v1/pair",
        lambda live, text: {"code": live.app.pairing.new_code().code, "client": text},
    ),
    "allowance-site": ("/api/v1/allowances", lambda live, text: {"site": text, "minutes": 5}),
}


@pytest.mark.parametrize("field", BODIES)
def test_unpaired_surrogates_are_not_a_server_error(
    live: Live, auth: dict[str, str], field: str
) -> None:
    path, make_body = BODIES[field]

    @FUZZ_SETTINGS
    @given(text=UNPAIRED)
    @example(text="\ud800")
    def post(text: str) -> None:
        data = json.dumps(make_body(live, text))  # ensure_ascii: sent as "\ud800" escapes
        headers = {**auth, "Content-Type": "application/json"}
        response = live.session.post(live.url(path), data=data, headers=headers)
        assert response.status_code < 500, f"POST {path} {data[:300]}\n-> {response.text}"

    post()


# --- 5. Methods the contract does not declare ---------------------------------------------------


def test_undeclared_methods_get_405_with_allow(live: Live, auth: dict[str, str]) -> None:
    problems = []
    for path, operations in load_contract()["paths"].items():
        declared = {method.upper() for method in operations}
        for method in sorted({"GET", "POST", "PUT", "PATCH", "DELETE", "TRACE"} - declared):
            # With a JSON body, so that the guard's 415 for bodiless POSTs does not answer first.
            response = live.session.request(method, live.url(path), json={}, headers=auth)
            allow = {m.strip().upper() for m in response.headers.get("Allow", "").split(",")}
            if response.status_code != 405 or not declared <= allow:
                got = f"{response.status_code}, Allow: {response.headers.get('Allow')!r}"
                problems.append(f"{method} {path} -> {got} (want 405 listing {sorted(declared)})")
    assert not problems, "\n".join(problems)


# --- 6. Host and Origin -------------------------------------------------------------------------

# Header values requests can send: Latin-1 without control characters and without
# leading white space (requests refuses it; trailing white space is stripped by the server).
HEADER_TEXT = st.text(st.characters(codec="latin-1", exclude_categories=("Cc", "Cs")), max_size=40)
HEADER_TEXT = HEADER_TEXT.map(str.lstrip)
HOST_TEXT = st.text("abz019.-:", max_size=5)


def test_host_and_origin_are_enforced(live: Live, token: str) -> None:
    port = live.server.port
    loopback = [f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"]
    tricky_hosts = [
        f"127.0.0.1:{port}.evil.com",
        f"localhost:{port}@evil",
        f"evil.com:{port}",
        f"127.0.0.1:{port}:{port}",
        f"127.0.0.1:{port + 1}",
        f"127.0.0.1:{port}0",
        f"localhost.evil.com:{port}",
        f"evil.localhost:{port}",
        f"127.0.0.1.evil.com:{port}",
        f"127.0.0.1:0{port}",
        f"127.0.0.1:{port}/",
        f"user@127.0.0.1:{port}",
        f"localhost.:{port}",
        f"127.0.0.2:{port}",
        f"0.0.0.0:{port}",
        f"2130706433:{port}",
        f"[::ffff:127.0.0.1]:{port}",
        f"127.0.0.1.nip.io:{port}",
        f"LOCALHOST:{port}",  # host names are case-insensitive: allowed
        f"127.0.0.1:{port} ",  # trailing white space is not part of the value: allowed
        "127.0.0.1",
        "localhost",
        "",
    ]
    tricky_origins = [
        CHROME_ORIGIN,
        "null",
        "",
        "chrome-extension://otherid",
        "moz-extension://x",  # a Firefox origin is only good once paired with this token
        CHROME_ORIGIN + "/",
        CHROME_ORIGIN + ".evil.com",
        CHROME_ORIGIN.upper(),
        f"http://127.0.0.1:{port}",
        f"http://localhost:{port}",
        "https://evil.com",
    ]
    posted = 0

    def check(host: str, origin: str | None, endpoint: str) -> None:
        nonlocal posted
        method, path = endpoint.split(" ")
        headers = {"Host": host, "Authorization": f"Bearer {token}"}
        if origin is not None:
            headers["Origin"] = origin
        body = {"events": [make_event()]} if method == "POST" else None
        response = requests.request(
            method, live.url(path), json=body, headers=headers, timeout=10, allow_redirects=False
        )
        # Header values are compared without surrounding white space (RFC 9110 5.5).
        allowed = host.strip(" \t").lower() in loopback and (
            origin is None or origin.strip(" \t") == CHROME_ORIGIN
        )
        got_2xx = 200 <= response.status_code < 300
        if got_2xx and method == "POST":
            posted += 1
        assert got_2xx == allowed, (
            f"{endpoint} Host={host!r} Origin={origin!r} -> {response.status_code} {response.text}"
        )

    # Every hand-picked value once, each alone in an otherwise good request; the first
    # rows are the positive controls (a server refusing everything would fail them).
    for host in loopback + tricky_hosts:
        check(host, None, EVENTS)
    for origin in tricky_origins:
        check(loopback[0], origin, EVENTS)

    # Then random combinations, on an open endpoint, an authenticated read and a write.
    loopback_names = st.sampled_from(loopback)
    hosts = st.one_of(
        st.sampled_from(loopback + tricky_hosts),
        HEADER_TEXT,
        st.builds("{}{}{}".format, HEADER_TEXT, loopback_names, HEADER_TEXT),
        # Junk that is still a well-formed host[:port], so that it gets past werkzeug's
        # syntax check and reaches the guard's own comparison.
        st.builds("{}{}".format, HOST_TEXT, loopback_names),
        st.builds("{}{}".format, loopback_names, HOST_TEXT),
    )
    origins = st.one_of(
        st.none(),
        st.sampled_from(tricky_origins),
        HEADER_TEXT,
        st.builds("{}{}".format, st.just(CHROME_ORIGIN), HEADER_TEXT),
    )
    endpoints = st.sampled_from(["GET /api/v1/health", "GET /api/v1/summary", EVENTS])

    @settings(FUZZ_SETTINGS, max_examples=200)  # one cheap request each
    @given(host=hosts, origin=origins, endpoint=endpoints)
    def probe(host: str, origin: str | None, endpoint: str) -> None:
        check(host, origin, endpoint)

    probe()
    assert stored_event_ids(live) == posted, "a refused request stored events"
