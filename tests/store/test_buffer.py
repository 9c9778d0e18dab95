"""The local event buffer: durable, ordered, one row per event id, emptied only on request."""

from __future__ import annotations

from pathlib import Path

from human_pretraining.core.model import Source
from human_pretraining.core.timeline import Flags, Heartbeat
from human_pretraining.store.buffer import EventBuffer


def beat(start: int, words: int = 0) -> Heartbeat:
    return Heartbeat(Source.APP, "code", start, 60_000, Flags.AUDIBLE, 5, 6, words, "t")


def test_buffered_events_survive_a_restart_once_each_in_order(tmp_path: Path) -> None:
    path = tmp_path / "data" / "pending-events.sqlite3"
    buffer = EventBuffer(path)
    assert buffer.count() == 0 and buffer.oldest(10) == [] and not path.exists()
    buffer.add([("b", beat(2)), ("a", beat(1))])
    buffer.add([("a", beat(1)), ("c", beat(3, words=7))])  # a retry of "a" is kept once

    reopened = EventBuffer(path)  # e.g. after the process was killed
    assert reopened.count() == 3
    assert reopened.oldest(2) == [("b", beat(2)), ("a", beat(1))]
    reopened.remove(["b", "a"])
    assert reopened.oldest(10) == [("c", beat(3, words=7))]
