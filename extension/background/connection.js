/**
 * Pairing and the connection state the options page and popup show: paired,
 * app not running (offline), token revoked (the app answered 401), or not
 * paired yet. Also keeps the desktop's tracking settings (idle threshold,
 * privacy opt-ins) and the toolbar badge that warns when something is wrong.
 */

import { ext, load, save } from "../lib/browser.js";
import { ApiError, Offline, call } from "./client.js";
import { DEFAULTS, locked } from "./state.js";

const MIN_IDLE_S = 15; // the idle API's smallest detection interval

export async function pair(port, code) {
  const conn = { ...DEFAULTS.conn, port };
  const client = `${navigator.userAgent.includes("Firefox") ? "Firefox" : "Chrome"} extension`;
  let answer;
  try {
    answer = await call(conn, "POST", "/api/v1/pair", { code: code.trim(), client });
  } catch (error) {
    if (error instanceof Offline) return { ok: false, state: "offline", message: error.message };
    return { ok: false, state: "refused", message: error.message };
  }
  await locked(() =>
    save({ conn: { port, token: answer.token, state: "paired", message: "" }, backoff: DEFAULTS.backoff }),
  );
  await refreshTracking();
  await updateBadge();
  return { ok: true, state: "paired" };
}

/** Record what the last request said about the connection; returns the new state. */
export async function noteResult(error) {
  return locked(async () => {
    const { conn } = await load({ conn: DEFAULTS.conn });
    let state = conn.token ? "paired" : "unpaired";
    let message = "";
    if (error instanceof Offline) {
      state = "offline";
      message = error.message;
    } else if (error instanceof ApiError && error.status === 401) {
      state = "revoked";
      message = error.message;
    }
    if (state !== conn.state || message !== conn.message) {
      await save({ conn: { ...conn, state, message } });
    }
    return state;
  }).finally(updateBadge);
}

/** Fetch the summary (the popup's numbers) and take the tracking settings from it. */
export async function fetchSummary() {
  const { conn } = await load({ conn: DEFAULTS.conn });
  if (!conn.token) return null;
  try {
    const summary = await call(conn, "GET", "/api/v1/summary");
    await applyTracking(summary.tracking);
    await noteResult(null);
    return summary;
  } catch (error) {
    await noteResult(error);
    if (error instanceof Offline || (error instanceof ApiError && error.status === 401)) return null;
    throw error;
  }
}

export async function refreshTracking() {
  await fetchSummary().catch(() => null);
}

async function applyTracking(tracking) {
  if (!tracking) return;
  await locked(() => save({ tracking: { ...tracking, fetchedAt: Date.now() } }));
  ext.idle.setDetectionInterval(Math.max(MIN_IDLE_S, tracking.idle_threshold_s));
}

/** The badge: FULL when events were not recorded, ! when the token was revoked or never set. */
export async function updateBadge() {
  const { conn, dropped } = await load({ conn: DEFAULTS.conn, dropped: 0 });
  let text = "";
  let title = "Human Pretraining";
  if (dropped > 0) {
    text = "FULL";
    title = `Queue full: ${dropped} events could not be recorded. Start the desktop app.`;
  } else if (conn.state === "revoked") {
    text = "!";
    title = "The desktop app revoked this browser: pair again in the options.";
  } else if (!conn.token) {
    text = "!";
    title = "Not paired: open the options and type the code the desktop app shows.";
  }
  await ext.action.setBadgeText({ text });
  await ext.action.setBadgeBackgroundColor({ color: dropped > 0 ? "#b3261e" : "#8a5a00" });
  await ext.action.setTitle({ title });
}
