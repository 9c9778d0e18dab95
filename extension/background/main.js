/**
 * The background service worker (a background script in Firefox). Every
 * listener is registered synchronously at the top level, as Manifest V3 requires
 * of a worker that can be stopped and woken at any moment; the state they work
 * on is in extension storage (state.js) and periodic work runs on alarms.
 */

import { ext, load } from "../lib/browser.js";
import { fetchSummary, updateBadge } from "./connection.js";
import { flush } from "./delivery.js";
import { checkTab, forgetTab, onPassAlarm } from "./gate.js";
import { dispatch } from "./messages.js";
import { DEFAULTS } from "./state.js";
import { TICK_MINUTES, cut } from "./tracker.js";

const TICK = "tick";
const TRACKING_REFRESH_MS = 10 * 60_000;

/** Runs every time the worker starts: a new browser session ends the old segment where it was last seen. */
async function wake() {
  const session = await ext.storage.session.get("alive");
  const newSession = !session.alive;
  if (newSession) await ext.storage.session.set({ alive: true });
  const { tracking } = await load({ tracking: DEFAULTS.tracking });
  const threshold = Math.max(15, tracking.idle_threshold_s);
  ext.idle.setDetectionInterval(threshold);
  const idleState = await ext.idle.queryState(threshold);
  if (!(await ext.alarms.get(TICK))) await ext.alarms.create(TICK, { periodInMinutes: TICK_MINUTES });
  await cut({ idleState }, { endAtLastSeen: newSession });
  await updateBadge();
  await flush();
}

async function tick() {
  await cut();
  await flush();
  const { tracking } = await load({ tracking: DEFAULTS.tracking });
  if (Date.now() - tracking.fetchedAt > TRACKING_REFRESH_MS) await fetchSummary().catch(() => null);
}

function report(promise) {
  promise.catch((error) => console.error("Human Pretraining:", error));
}

// ------------------------------------------------------------------ listeners

ext.runtime.onMessage.addListener(dispatch);

ext.runtime.onInstalled.addListener(() => {
  if (ext.runtime.openOptionsPage) report(load({ conn: DEFAULTS.conn }).then(({ conn }) => {
    if (!conn.token) return ext.runtime.openOptionsPage();
    return undefined;
  }));
});

ext.tabs.onActivated.addListener(() => report(cut().then(() => flush())));

ext.tabs.onUpdated.addListener((tabId, change, tab) => {
  // Private windows: nothing is tracked, checked or remembered.
  if (tab.incognito) return;
  if (change.url !== undefined) {
    report(cut().then(() => checkTab(tabId, change.url)).then(() => flush()));
  } else if (change.audible !== undefined || (change.title !== undefined && tab.active)) {
    report(cut());
  }
});

ext.tabs.onRemoved.addListener((tabId) => report(forgetTab(tabId).then(() => cut())));

ext.windows.onRemoved.addListener(() => report(cut()));

ext.windows.onFocusChanged.addListener(() => report(cut().then(() => flush())));

ext.idle.onStateChanged.addListener((idleState) => report(cut({ idleState })));

ext.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === TICK) report(tick());
  else report(onPassAlarm(alarm.name));
});

report(wake());
