"""Heartbeat merging (the pulsetime rule) and who owns each moment (browser precedence)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from human_pretraining.core.model import Source
from human_pretraining.core.timeline import (
    MAX_SPAN_MS,
    Flags,
    Heartbeat,
    Span,
    foreground_pieces,
    merge_heartbeats,
)

PULSE = 30_000


def beat(
    start_s: float,
    dur_s: float,
    subject: str = "code",
    source: Source = Source.APP,
    flags: Flags = Flags.NONE,
) -> Heartbeat:
    return Heartbeat(source, subject, int(start_s * 1000), int(dur_s * 1000), flags)


def test_heartbeats_within_pulsetime_merge_and_fill_the_gap() -> None:
    spans = merge_heartbeats([beat(0, 10), beat(35, 10)], PULSE)  # gap of 25 s < 30 s
    assert [(s.start_ms, s.end_ms) for s in spans] == [(0, 45_000)]


def test_web_reports_bridge_only_a_second() -> None:
    """The extension reports exact intervals: a gap is time spent elsewhere, never filled."""
    web = [beat(0, 10, "feed.localhost", Source.WEB), beat(10.5, 10, "feed.localhost", Source.WEB)]
    assert [(s.start_ms, s.end_ms) for s in merge_heartbeats(web, PULSE)] == [(0, 20_500)]
    away = [beat(0, 10, "feed.localhost", Source.WEB), beat(15, 10, "feed.localhost", Source.WEB)]
    spans = merge_heartbeats(away, PULSE)
    assert [(s.start_ms, s.end_ms) for s in spans] == [(0, 10_000), (15_000, 25_000)]


def test_a_gap_longer_than_pulsetime_is_never_filled() -> None:
    # A 2-hour suspend between two heartbeats of the same app.
    spans = merge_heartbeats([beat(0, 10), beat(7210, 10)], PULSE)
    assert [(s.start_ms, s.end_ms) for s in spans] == [(0, 10_000), (7_210_000, 7_220_000)]


def test_different_signals_do_not_merge() -> None:
    spans = merge_heartbeats([beat(0, 10), beat(10, 10, flags=Flags.IDLE)], PULSE)
    assert len(spans) == 2


def test_a_merged_span_never_exceeds_an_hour() -> None:
    beats = [beat(i * 60, 60) for i in range(150)]  # 150 contiguous minutes
    spans = merge_heartbeats(beats, PULSE)
    assert [s.duration_ms for s in spans] == [MAX_SPAN_MS, MAX_SPAN_MS, 30 * 60_000]


def test_a_clock_jump_backwards_starts_a_new_span() -> None:
    spans = merge_heartbeats([beat(1000, 10), beat(500, 10)], PULSE)
    assert len(spans) == 2
    assert sum(s.duration_ms for s in spans) == 20_000


@given(st.lists(st.tuples(st.integers(0, 120), st.integers(0, 900)), min_size=1, max_size=40))
def test_merging_follows_the_pulsetime_rule(steps: list[tuple[int, int]]) -> None:
    """Consecutive same-data heartbeats merge exactly when the gap is at most pulsetime."""
    beats, t = [], 0
    for gap, duration in steps:
        beats.append(beat(t, duration))
        t += duration + gap
    spans = merge_heartbeats(beats, PULSE)
    expected = 1
    span_start, span_end = beats[0].start_ms, beats[0].end_ms
    for b in beats[1:]:
        if b.start_ms <= span_end + PULSE and b.end_ms - span_start <= MAX_SPAN_MS:
            span_end = max(span_end, b.end_ms)
        else:
            expected += 1
            span_start, span_end = b.start_ms, b.end_ms
    assert len(spans) == expected
    # Merged time covers every heartbeat and never more than first start..last end.
    assert spans[0].start_ms == beats[0].start_ms
    assert spans[-1].end_ms == beats[-1].end_ms
    assert sum(s.duration_ms for s in spans) >= sum(b.duration_ms for b in beats)


def span(
    source: Source,
    subject: str,
    start_s: int,
    end_s: int,
    flags: Flags = Flags.NONE,
    device: int = 1,
) -> Span:
    return Span(source, subject, start_s * 1000, end_s * 1000, flags, device=device)


def owned(pieces: list[Span]) -> list[tuple[str, int, int]]:
    return [(p.subject, p.start_ms // 1000, p.end_ms // 1000) for p in pieces]


def test_browser_time_belongs_to_the_reported_site_never_both() -> None:
    pieces = foreground_pieces(
        [
            span(Source.APP, "firefox", 0, 100, Flags.BROWSER),
            span(Source.WEB, "docs.python.org", 20, 60),
        ]
    )
    assert owned(pieces) == [("firefox", 0, 20), ("docs.python.org", 20, 60), ("firefox", 60, 100)]


def test_site_reports_do_not_count_while_another_app_is_in_front() -> None:
    pieces = foreground_pieces(
        [
            span(Source.APP, "code", 0, 100),
            span(Source.WEB, "youtube.com", 50, 150),
        ]
    )
    assert owned(pieces) == [("code", 0, 100), ("youtube.com", 100, 150)]


def test_without_a_monitor_the_extension_sites_count() -> None:
    pieces = foreground_pieces([span(Source.WEB, "arxiv.org", 0, 60)])
    assert owned(pieces) == [("arxiv.org", 0, 60)]


def test_overlapping_reports_never_exceed_wall_clock_time() -> None:
    pieces = foreground_pieces(
        [
            span(Source.WEB, "a.com", 0, 60),
            span(Source.WEB, "b.com", 30, 90),
        ]
    )
    assert sum(p.duration_ms for p in pieces) == 90_000


def test_devices_are_resolved_separately() -> None:
    pieces = foreground_pieces(
        [
            span(Source.APP, "code", 0, 60, device=1),
            span(Source.WEB, "x.com", 0, 60, device=2),
        ]
    )
    assert sorted(owned(pieces)) == [("code", 0, 60), ("x.com", 0, 60)]


@given(
    st.lists(
        st.tuples(
            st.sampled_from([Source.APP, Source.WEB]),
            st.booleans(),
            st.integers(0, 500),
            st.integers(1, 200),
        ),
        max_size=25,
    )
)
def test_one_device_never_accrues_more_than_wall_clock(
    items: list[tuple[Source, bool, int, int]],
) -> None:
    spans = [
        span(source, "s", start, start + length, Flags.BROWSER if browser else Flags.NONE)
        for source, browser, start, length in items
    ]
    pieces = foreground_pieces(spans)
    covered: set[int] = set()
    for p in pieces:
        seconds = set(range(p.start_ms // 1000, p.end_ms // 1000))
        assert not covered & seconds, "a second counted twice"
        covered |= seconds
