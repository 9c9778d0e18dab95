"""Time-ordered event ids: UUID version 7 (RFC 9562, section 5.7).

Any UUID is a valid event id, but ids that start with their creation time let the
database append new ones instead of inserting each on a random page, which keeps
ingestion fast as history grows. The app's own sources (demo data, the monitor,
the browser extension) send these; ``shared/schemas/events.schema.json`` says so.
"""

from __future__ import annotations

import secrets
import uuid

_RANDOM_BITS = 74  # 12 bits rand_a + 62 bits rand_b


def uuid7(unix_ms: int, random_bits: int) -> str:
    """The version-7 UUID for a millisecond timestamp and 74 random bits."""
    rand_a = (random_bits >> 62) & 0xFFF
    rand_b = random_bits & ((1 << 62) - 1)
    value = (
        (unix_ms & ((1 << 48) - 1)) << 80
        | 0x7 << 76  # version
        | rand_a << 64
        | 0b10 << 62  # RFC 9562 variant
        | rand_b
    )
    return str(uuid.UUID(int=value))


def new_event_id(unix_ms: int) -> str:
    return uuid7(unix_ms, secrets.randbits(_RANDOM_BITS))
