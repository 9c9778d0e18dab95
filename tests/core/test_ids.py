"""Time-ordered event ids (UUIDv7): valid UUIDs whose order follows time."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from human_pretraining.core.ids import new_event_id, uuid7


@given(st.integers(0, 2**48 - 1), st.integers(0, 2**74 - 1))
def test_uuid7_is_a_version_7_rfc_uuid_carrying_its_time(ms: int, bits: int) -> None:
    parsed = uuid.UUID(uuid7(ms, bits))
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert parsed.int >> 80 == ms


@given(st.lists(st.integers(0, 2**48 - 1), min_size=2, max_size=20, unique=True))
def test_later_ids_sort_after_earlier_ones(times: list[int]) -> None:
    ids = [new_event_id(ms) for ms in times]
    assert [i for _, i in sorted(zip(times, ids, strict=True))] == sorted(ids)


def test_the_same_millisecond_still_gives_distinct_ids() -> None:
    assert len({new_event_id(1_700_000_000_000) for _ in range(1000)}) == 1000
