/**
 * Delivering the queue: batches from the front of the stored queue, removing
 * exactly the acknowledged ids afterwards. A batch that reached the desktop but
 * whose answer was lost (the worker stopped mid-request) is simply sent again and
 * answered as duplicates, so every event counts exactly once. While the app is
 * down, retries back off (lib/backoff.js); a user action (opening the popup)
 * retries at once.
 */

import { load, save } from "../lib/browser.js";
import { retryDelay } from "../lib/backoff.js";
import { refusedIndex, removeIds, takeBatch } from "../lib/queue.js";
import { ApiError, Offline, call } from "./client.js";
import { noteResult, updateBadge } from "./connection.js";
import { DEFAULTS, locked } from "./state.js";

let running = null;

/** Send what is queued; `force` ignores the backoff. Concurrent calls share one run. */
export function flush({ force = false } = {}) {
  if (!running) running = deliver(force).finally(() => (running = null));
  return running;
}

async function deliver(force) {
  const start = await load({ conn: DEFAULTS.conn, backoff: DEFAULTS.backoff });
  if (!start.conn.token || start.conn.state === "revoked") return { sent: 0 };
  if (!force && start.backoff.nextAt > Date.now()) return { sent: 0, waiting: true };
  let sent = 0;
  for (let round = 0; round < 50; round += 1) {
    const { queue, conn } = await load({ queue: [], conn: DEFAULTS.conn });
    const batch = takeBatch(queue);
    if (batch.length === 0) break;
    try {
      await call(conn, "POST", "/api/v1/events", { events: batch });
    } catch (error) {
      if (error instanceof ApiError && error.status === 422 && refusedIndex(error.body.field) !== null) {
        // One event the desktop will never take (e.g. older than 30 days): drop it, keep the rest.
        const bad = batch[refusedIndex(error.body.field)];
        if (bad) {
          await locked(async () => {
            const now = await load({ queue: [], refused: 0 });
            await save({ queue: removeIds(now.queue, [bad.id]), refused: now.refused + 1 });
          });
          continue;
        }
      }
      await noteResult(error);
      if (!(error instanceof ApiError && error.status === 401)) await scheduleRetry();
      return { sent, error: error.message, offline: error instanceof Offline };
    }
    sent += batch.length;
    await locked(async () => {
      const now = await load({ queue: [] });
      await save({ queue: removeIds(now.queue, batch.map((e) => e.id)), backoff: DEFAULTS.backoff });
    });
    await noteResult(null);
  }
  await updateBadge();
  return { sent };
}

function scheduleRetry() {
  return locked(async () => {
    const { backoff } = await load({ backoff: DEFAULTS.backoff });
    const failures = backoff.failures + 1;
    await save({ backoff: { failures, nextAt: Date.now() + retryDelay(failures) } });
  });
}
