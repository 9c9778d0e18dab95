/**
 * What is being browsed right now, cut into events whenever it changes.
 *
 * The "segment" in storage says what was in front since when: the active tab of
 * the focused window, its subject (from the desktop's verdict for the page, or
 * the host name while the app cannot be asked), idle/audible state, a running
 * "continue anyway" surcharge and the scroll numbers the content script sent.
 * Every change (tab, URL, window focus, idle state, audible) and every tick of
 * the periodic alarm cuts it: the time so far becomes an event in the queue and
 * a new segment starts. A browser without the focus, a private window,
 * a browser page or an idle user without media produce no events.
 */

import { WINDOW_ID_NONE, ext, load, save } from "../lib/browser.js";
import { buildEvents, segmentEnd } from "../lib/heartbeat.js";
import { append } from "../lib/queue.js";
import { activePass, subjectFor } from "../lib/subjects.js";
import { pageOf, verdictKey } from "../lib/url.js";
import { uuidv7 } from "../lib/uuid.js";
import { updateBadge } from "./connection.js";
import { DEFAULTS, locked } from "./state.js";

export const TICK_MINUTES = 0.5;
// A segment not seen alive for longer than this (closed browser, sleep, a worker
// nobody woke) ends where it was last seen instead of growing into the gap.
export const MAX_GAP_MS = 75_000;

async function observe(stored, now) {
  // Asked at every cut rather than remembered from focus events: on X11 Chromium sends
  // WINDOW_ID_NONE around switches between its own windows, and none at all when
  // another application takes the focus.
  const win = await ext.windows.getLastFocused().catch(() => null);
  if (!win || !win.focused || win.id === WINDOW_ID_NONE) return { focused: false };
  const windowId = win.id;
  const [tab] = await ext.tabs.query({ active: true, windowId });
  if (!tab) return { focused: false };
  const page = pageOf(tab.url);
  const subject = page && !tab.incognito ? subjectFor(tab.url, stored.verdicts) : null;
  const pass = activePass(stored.passes, subject, now);
  return {
    tabId: tab.id,
    windowId,
    focused: true,
    incognito: Boolean(tab.incognito),
    key: page ? verdictKey(tab.url) : null,
    subject,
    path: page ? page.path : null,
    title: page && stored.tracking.store_titles ? tab.title : null,
    idle: stored.idleState !== "active",
    audible: Boolean(tab.audible),
    surcharge: Boolean(pass && pass.kind === "surcharge"),
  };
}

/**
 * Close the current segment at `now` (queueing its events) and start the next
 * from what is in front. `patch` (e.g. a new focus or idle state) is stored first.
 * `endAtLastSeen` ends the old segment where it was last seen (a new browser session).
 */
export function cut(patch = {}, { endAtLastSeen = false } = {}) {
  return locked(async () => {
    const now = Date.now();
    if (Object.keys(patch).length) await save(patch);
    const stored = await load({
      segment: null,
      queue: [],
      dropped: 0,
      tracking: DEFAULTS.tracking,
      idleState: "active",
      verdicts: {},
      passes: {},
    });
    const updates = {};
    const old = stored.segment;
    if (old) {
      const end = endAtLastSeen ? Math.min(now, old.lastSeen ?? old.start) : segmentEnd(old, now, MAX_GAP_MS);
      const events = buildEvents(old, end, stored.tracking, (start) => uuidv7(start));
      if (events.length) {
        const { queue, dropped } = append(stored.queue, events);
        updates.queue = queue;
        if (dropped) updates.dropped = stored.dropped + dropped;
      }
    }
    const next = await observe(stored, now);
    updates.segment = { ...next, start: now, lastSeen: now, scroll: { px: 0, ms: 0, flings: 0 } };
    await save(updates);
    if (updates.dropped) await updateBadge();
    return updates.segment;
  });
}

/** The scroll numbers a content script measured in the tab in front. */
export function addScroll(tabId, numbers) {
  return locked(async () => {
    const { segment } = await load({ segment: null });
    if (!segment || segment.tabId !== tabId) return false;
    const scroll = segment.scroll || { px: 0, ms: 0, flings: 0 };
    const clean = (n) => (Number.isFinite(n) && n > 0 ? n : 0);
    await save({
      segment: {
        ...segment,
        scroll: {
          px: scroll.px + clean(numbers.px),
          ms: scroll.ms + clean(numbers.ms),
          flings: scroll.flings + clean(numbers.flings),
        },
      },
    });
    return true;
  });
}

/** The verdict named a subject for the page in front: report it for the whole segment. */

export function correctSubject(tabId, key, subject) {
  return locked(async () => {
    const { segment, passes } = await load({ segment: null, passes: {} });
    if (!segment || segment.tabId !== tabId || segment.key !== key || !segment.subject) return;
    if (segment.subject === subject) return;
    const pass = activePass(passes, subject);
    await save({ segment: { ...segment, subject, surcharge: Boolean(pass && pass.kind === "surcharge") } });
  });
}

/** The page in front was replaced by the nudge or block page before it was seen: not browsing. */
export function discard(tabId, key) {
  return locked(async () => {
    const { segment } = await load({ segment: null });
    if (!segment || segment.tabId !== tabId || segment.key !== key) return;
    await save({ segment: { ...segment, subject: null, start: Date.now(), lastSeen: Date.now() } });
  });
}
