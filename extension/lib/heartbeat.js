/**
 * A tracked stretch of browsing (a "segment") → events in the shape of
 * shared/schemas/events.schema.json. A segment is what was in front from its
 * start until it was cut (tab switch, window focus, idle change, or the periodic
 * alarm); each cut becomes one event (pieces of at most an hour, the schema's
 * limit) with the scroll numbers measured during it as signals. Details (title,
 * path) are sent only when the user opted in on the desktop side.
 * Pure: ids and the clock come in as arguments.
 */

export const MAX_EVENT_MS = 3_600_000;

/** A segment counts only when a web page is in front of a focused, non-private window. */
export function isTracked(segment) {
  if (!segment || !segment.subject || segment.incognito || !segment.focused) return false;
  // Away from the keyboard only media playing counts (the desktop charges it on feeds).
  return !segment.idle || Boolean(segment.audible);
}

/** Split [start, end) into pieces of at most MAX_EVENT_MS. */
export function pieces(startMs, endMs, maxMs = MAX_EVENT_MS) {
  const result = [];
  for (let at = startMs; at < endMs; at += maxMs) result.push([at, Math.min(endMs, at + maxMs)]);
  return result;
}

function signalsFor(segment, durationMs, scroll) {
  const signals = {};
  if (segment.idle) signals.idle = true;
  if (segment.audible) signals.audible = true;
  if (segment.surcharge) signals.surcharge = true;
  if (scroll && scroll.px > 0) signals.scroll_px = Math.min(100_000_000, Math.round(scroll.px));
  if (scroll && scroll.ms > 0) signals.scroll_s = Math.min(durationMs, scroll.ms) / 1000;
  if (scroll && scroll.flings > 0) signals.flings = Math.min(100_000, scroll.flings);
  return signals;
}

/**
 * Events for `segment` from its start to `endMs`.
 * @param {object} privacy {store_titles, store_paths} from the desktop settings
 * @param {() => string} newId a fresh UUID per event
 */
export function buildEvents(segment, endMs, privacy, newId) {
  if (!isTracked(segment) || endMs <= segment.start) return [];
  const spans = pieces(segment.start, endMs);
  return spans.map(([start, end], index) => {
    const event = {
      id: newId(start),
      source: "web",
      subject: segment.subject,
      start: new Date(start).toISOString(),
      duration: (end - start) / 1000,
    };
    // The scroll numbers ride on the first piece (segments are normally under a minute).
    const signals = signalsFor(segment, end - start, index === 0 ? segment.scroll : null);
    if (Object.keys(signals).length > 0) event.signals = signals;
    const detail = {};
    if (privacy && privacy.store_titles && segment.title) detail.title = segment.title.slice(0, 1000);
    if (privacy && privacy.store_paths && segment.path) detail.path = segment.path.slice(0, 2000);
    if (Object.keys(detail).length > 0) event.detail = detail;
    return event;
  });
}

/**
 * Where a segment ends when it is cut at `nowMs`: never later than `maxGapMs`
 * after the last moment the extension saw it alive, so a browser that was
 * closed, a machine that slept or a service worker that was not woken does not
 * turn into browsing time.
 */
export function segmentEnd(segment, nowMs, maxGapMs) {
  const alive = Math.max(segment.lastSeen ?? segment.start, segment.start);
  return Math.min(nowMs, alive + maxGapMs);
}
