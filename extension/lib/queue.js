/**
 * The offline queue of events, as plain arrays kept in extension storage.
 * Bounded: past `max` events new ones are not stored and counted as dropped, so
 * the caller can warn visibly (badge and popup) instead of losing them silently.
 * Delivery takes a batch from the front and removes exactly the acknowledged
 * ids, so a batch re-sent after a crash is answered as duplicates by the
 * desktop (event ids are its idempotency keys): exactly once in the ledger.
 * Pure.
 */

export const MAX_QUEUE = 20_000; // about a week of browsing at one event per 30 s
export const BATCH = 500; // the endpoint takes at most 1,000 per request

/** @returns {{queue: object[], dropped: number}} */
export function append(queue, events, max = MAX_QUEUE) {
  const room = Math.max(0, max - queue.length);
  const kept = events.slice(0, room);
  return { queue: kept.length ? queue.concat(kept) : queue, dropped: events.length - kept.length };
}

export function takeBatch(queue, size = BATCH) {
  return queue.slice(0, size);
}

/** The queue without the events whose ids were acknowledged (or refused for good). */
export function removeIds(queue, ids) {
  const gone = new Set(ids);
  return queue.filter((event) => !gone.has(event.id));
}

/** `events[3].start` in a 422 answer → 3; the event the desktop refuses for good. */
export function refusedIndex(field) {
  const match = /^events\[(\d+)\]/.exec(field || "");
  return match ? Number(match[1]) : null;
}
