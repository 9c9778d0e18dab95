"""Validating incoming events against the shared contract and turning them into heartbeats.

The JSON Schema in ``shared/schemas/events.schema.json`` is the only definition of
an event's shape (compiled once with fastjsonschema, which is fast enough for the
ingestion targets); on top of it come the checks a schema cannot express: a real
time zone on ``start``, no events from the future or from before the ingestion
window, and privacy (details are dropped unless the user opted in).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from human_pretraining.core.clock import parse_rfc3339
from human_pretraining.core.model import DAY_MS, Settings, Source, ValidationError
from human_pretraining.core.subjects import parse_site
from human_pretraining.core.timeline import Flags, Heartbeat
from human_pretraining.services.schemas import validate

MAX_AGE_MS = 30 * DAY_MS  # older events are refused: the duplicate check only looks back this far
MAX_SKEW_MS = 5 * 60_000  # a sender's clock may run this far ahead


def validate_batch(body: Any) -> list[Mapping[str, Any]]:
    """Check ``{"events": [...]}`` against the schema; errors name the field."""
    validate("events", body)
    events: list[Mapping[str, Any]] = body["events"]
    return events


def _start_ms(text: str, index: int) -> int:
    # Checked here as well as by the schema: the monitor and the demo ingest without it.
    try:
        return parse_rfc3339(text)
    except ValueError as exc:
        raise ValidationError(f"events[{index}].start", str(exc)) from None


# Looked up, not constructed: enum calls and IntFlag arithmetic are slow per event.
_SOURCES = {source.value: source for source in Source}
_FLAGS = [Flags(mask) for mask in range(32)]


def to_heartbeat(
    event: Mapping[str, Any], index: int, settings: Settings, now_ms: int, max_age_ms: int
) -> Heartbeat:
    """One schema-valid event → a Heartbeat, or a ValidationError naming ``events[i].field``."""
    start = _start_ms(event["start"], index)
    duration = round(float(event["duration"]) * 1000)
    if start + duration > now_ms + MAX_SKEW_MS:
        raise ValidationError(
            f"events[{index}].start", "lies in the future (check the sender's clock)"
        )
    if start < now_ms - max_age_ms:
        days = max_age_ms // DAY_MS
        raise ValidationError(f"events[{index}].start", f"is older than {days} days; not accepted")
    source = _SOURCES[event["source"]]
    subject: str = event["subject"]
    if source is Source.WEB:
        try:
            domain, path = parse_site(subject)
        except ValidationError as exc:
            raise ValidationError(f"events[{index}].subject", exc.message) from None
        subject = domain + path
    signals: Mapping[str, Any] = event.get("signals", {})
    mask = 0
    if signals:
        if signals.get("idle"):
            mask |= Flags.IDLE.value
        if signals.get("audible"):
            mask |= Flags.AUDIBLE.value
        if signals.get("focused") is False:
            mask |= Flags.UNFOCUSED.value
        if signals.get("browser") and source is Source.APP:
            mask |= Flags.BROWSER.value
        if signals.get("surcharge") and source is Source.WEB:
            mask |= Flags.SURCHARGE.value
    flags = _FLAGS[mask]
    scroll_ms = min(round(float(signals.get("scroll_s", 0)) * 1000), duration)
    detail: Mapping[str, str] = event.get("detail", {})
    kept = None
    if settings.store_titles and "title" in detail:
        kept = detail["title"]
    elif settings.store_paths and "path" in detail:
        kept = detail["path"]
    return Heartbeat(
        source=source,
        subject=subject,
        start_ms=start,
        duration_ms=duration,
        flags=flags,
        scroll_px=int(signals.get("scroll_px", 0)),
        scroll_ms=scroll_ms,
        words=int(signals.get("words", 0)) if source is Source.OUTPUT else 0,
        detail=kept,
    )


def parse_events(
    events: Sequence[Mapping[str, Any]],
    settings: Settings,
    now_ms: int,
    max_age_ms: int = MAX_AGE_MS,
) -> list[tuple[str, Heartbeat]]:
    """Schema-valid events → (lower-case id, heartbeat) pairs; the whole batch or nothing."""
    try:
        return [
            (str(e["id"]).lower(), to_heartbeat(e, i, settings, now_ms, max_age_ms))
            for i, e in enumerate(events)
        ]
    except ValidationError:
        raise
    except (KeyError, TypeError, ValueError) as exc:  # shapes the schema should have caught
        raise ValidationError("events", f"malformed event: {exc}") from None
