"""Heartbeats into spans, and spans into the time that actually counts.

Merging follows ActivityWatch's heartbeat rule: a heartbeat with the same data
as the last span extends it when it starts no later than the span's end plus the
*pulsetime*; a larger gap (suspend, sleep, a clock jump) is never filled in. Web
reports from the extension are exact intervals, so between them at most a second
is bridged (see :func:`continues`).

:func:`foreground_pieces` decides what each moment belongs to, per device, so
nothing is counted twice: while the foreground app is a browser, the moment
belongs to the site the extension reported for it (and, without fresh extension
data, to the browser's own app rule); while any other app is in front, browser
reports for that moment do not count; with no app data at all (no monitor), the
extension's sites count. Overlapping reports from one source are clipped so a
device never accrues more than wall-clock time.

A merged span never grows past :data:`MAX_SPAN_MS`; the next heartbeat starts a
new, adjacent span. That bounds how far before a day a span touching it can
start, so a day's spans are found with one index range.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import IntFlag
from typing import NamedTuple

from human_pretraining.core.model import HOUR_MS, Source

MAX_SPAN_MS = HOUR_MS
WEB_JOIN_MS = 1_000  # rounding and a page load between two web reports, nothing more


class Flags(IntFlag):
    """Signals that change how a span counts; stored as one integer."""

    NONE = 0
    IDLE = 1  # no input for longer than the idle threshold
    AUDIBLE = 2  # media playing (counts against distraction even while idle)
    UNFOCUSED = 4  # the reporting window was not focused: never counts
    BROWSER = 8  # an app span whose app is a web browser
    SURCHARGE = 16  # the user chose "continue anyway" on a nudge: distraction costs more


class Heartbeat(NamedTuple):
    """One validated observation: ``subject`` was in front from ``start_ms`` for ``duration_ms``.

    A named tuple rather than a dataclass: one is built per incoming event, and a
    tuple is immutable and several times cheaper to construct.
    """

    source: Source
    subject: str
    start_ms: int
    duration_ms: int
    flags: Flags = Flags.NONE
    scroll_px: int = 0
    scroll_ms: int = 0
    words: int = 0
    detail: str | None = None

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.duration_ms


@dataclass(frozen=True)
class Span:
    """A stretch of time on one subject with unchanged signals (merged heartbeats)."""

    source: Source
    subject: str
    start_ms: int
    end_ms: int
    flags: Flags = Flags.NONE
    scroll_px: int = 0
    scroll_ms: int = 0
    words: int = 0
    detail: str | None = None
    device: int = 0

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


def same_data(span: Span, beat: Heartbeat) -> bool:
    """True when a heartbeat describes the same thing as a span (merge candidates)."""
    return (
        span.source == beat.source
        and span.subject == beat.subject
        and span.flags == beat.flags
        and span.detail == beat.detail
    )


def continues(start_ms: int, end_ms: int, beat: Heartbeat, pulsetime_ms: int) -> bool:
    """Whether ``beat`` extends a span [start, end] of the same data.

    ActivityWatch's rule: it starts inside the span or within pulsetime of its end;
    plus this app's cap: the merged span stays within :data:`MAX_SPAN_MS`. Web
    reports are exact, back-to-back intervals (the extension cuts one where the
    next begins), so a gap between two of them is time spent elsewhere (another
    site, a nudge page, a closed browser): only :data:`WEB_JOIN_MS` is bridged.
    """
    gap_ms = min(pulsetime_ms, WEB_JOIN_MS) if beat.source is Source.WEB else pulsetime_ms
    return (
        start_ms <= beat.start_ms <= end_ms + gap_ms
        and max(end_ms, beat.end_ms) - start_ms <= MAX_SPAN_MS
    )


def can_merge(span: Span, beat: Heartbeat, pulsetime_ms: int) -> bool:
    """Same data, and the heartbeat continues the span (see :func:`continues`)."""
    return same_data(span, beat) and continues(span.start_ms, span.end_ms, beat, pulsetime_ms)


def extend(span: Span, beat: Heartbeat) -> Span:
    """The span after absorbing a mergeable heartbeat (the gap up to it is filled)."""
    return replace(
        span,
        end_ms=max(span.end_ms, beat.end_ms),
        scroll_px=span.scroll_px + beat.scroll_px,
        scroll_ms=span.scroll_ms + beat.scroll_ms,
        words=span.words + beat.words,
    )


def to_span(beat: Heartbeat, device: int = 0) -> Span:
    return Span(
        source=beat.source,
        subject=beat.subject,
        start_ms=beat.start_ms,
        end_ms=beat.end_ms,
        flags=beat.flags,
        scroll_px=beat.scroll_px,
        scroll_ms=beat.scroll_ms,
        words=beat.words,
        detail=beat.detail,
        device=device,
    )


def merge_heartbeats(beats: Iterable[Heartbeat], pulsetime_ms: int) -> list[Span]:
    """Merge heartbeats (in arrival order) into spans, keeping the last span per subject open."""
    spans: list[Span] = []
    last_index: dict[tuple[Source, str], int] = {}
    for beat in beats:
        key = (beat.source, beat.subject)
        index = last_index.get(key)
        if index is not None and can_merge(spans[index], beat, pulsetime_ms):
            spans[index] = extend(spans[index], beat)
        else:
            last_index[key] = len(spans)
            spans.append(to_span(beat))
    return spans


# ----------------------------------------------------------------- precedence


Interval = tuple[int, int]


def _clip_overlaps(spans: Sequence[Span]) -> list[Span]:
    """Sorted, non-overlapping spans: a later-starting span loses the overlapped part."""
    result: list[Span] = []
    horizon = -(2**62)
    for span in sorted(spans, key=lambda s: (s.start_ms, s.end_ms)):
        start = max(span.start_ms, horizon)
        if start >= span.end_ms:
            continue
        result.append(span if start == span.start_ms else replace(span, start_ms=start))
        horizon = span.end_ms
    return result


def _subtract(spans: Sequence[Span], cutters: Sequence[Interval]) -> list[Span]:
    """Remove the sorted, disjoint ``cutters`` intervals from sorted, disjoint ``spans``."""
    result: list[Span] = []
    j = 0
    for span in spans:
        start = span.start_ms
        while j < len(cutters) and cutters[j][1] <= start:
            j += 1
        k = j
        while k < len(cutters) and cutters[k][0] < span.end_ms:
            cut_start, cut_end = cutters[k]
            if cut_start > start:
                result.append(replace(span, start_ms=start, end_ms=cut_start))
            start = max(start, cut_end)
            k += 1
        if start < span.end_ms:
            result.append(span if start == span.start_ms else replace(span, start_ms=start))
    return result


def _intervals(spans: Iterable[Span]) -> list[Interval]:
    return [(s.start_ms, s.end_ms) for s in spans]


def foreground_pieces(spans: Sequence[Span]) -> list[Span]:
    """The pieces of time that count, each moment owned by at most one subject per device.

    Output spans (words written) are not time on screen and pass through unchanged.
    """
    by_device: dict[int, list[Span]] = {}
    for span in spans:
        by_device.setdefault(span.device, []).append(span)
    pieces: list[Span] = []
    for device_spans in by_device.values():
        pieces.extend(s for s in device_spans if s.source is Source.OUTPUT)
        apps = _clip_overlaps([s for s in device_spans if s.source is Source.APP])
        webs = _clip_overlaps([s for s in device_spans if s.source is Source.WEB])
        # Web reports do not count while a non-browser app is in front...
        non_browser = [s for s in apps if not s.flags & Flags.BROWSER]
        webs = _subtract(webs, _intervals(non_browser))
        # ...and a browser's own app time yields to the sites reported for that moment.
        browser = [s for s in apps if s.flags & Flags.BROWSER]
        pieces.extend(non_browser)
        pieces.extend(_subtract(browser, _intervals(webs)))
        pieces.extend(webs)
    pieces.sort(key=lambda s: (s.start_ms, s.source, s.subject))
    return pieces
