/**
 * Everything the background keeps, in extension storage (the service worker can
 * be stopped at any moment, so nothing lives only in memory), with one default
 * per key, and a lock that serialises the read-modify-write steps of this
 * worker so concurrent listeners never overwrite each other's changes.
 */

export const DEFAULT_PORT = 5747;

export const DEFAULTS = {
  conn: { port: DEFAULT_PORT, token: null, state: "unpaired", message: "" },
  tracking: { idle_threshold_s: 180, store_titles: false, store_paths: false, fetchedAt: 0 },
  segment: null, // what is in front now and since when (see tracker.js)
  queue: [], // events not yet acknowledged by the desktop
  dropped: 0, // events not recorded because the queue was full
  refused: 0, // events the desktop refused for good (e.g. older than 30 days)
  backoff: { failures: 0, nextAt: 0 },
  verdicts: {}, // page key (host + path) -> {at, body}
  passes: {}, // subject -> {until, kind: "allowance" | "surcharge"}
  idleState: "active",
  lastAllowed: {}, // tab id -> the last page that was allowed (where "go back" leads)
};

let chain = Promise.resolve();

/** Run `fn` after every earlier locked step has finished; returns its result. */
export function locked(fn) {
  const run = chain.then(fn, fn);
  chain = run.catch(() => undefined);
  return run;
}
