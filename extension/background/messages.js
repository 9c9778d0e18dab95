/**
 * The one message dispatcher: every surface (popup, options, nudge/block pages,
 * the content script) talks to the background with `{kind, ...}` and gets
 * `{...answer}` or `{error}`. Only the content script may send `scroll`; every
 * other kind is accepted only from the extension's own pages.
 */

import { ext, load, save } from "../lib/browser.js";
import { pageOf } from "../lib/url.js";
import { fetchSummary, pair, updateBadge } from "./connection.js";
import { flush } from "./delivery.js";
import { buy, continueAnyway, leave, verdictFor } from "./gate.js";
import { DEFAULTS, locked } from "./state.js";
import { addScroll, cut } from "./tracker.js";

async function status() {
  const s = await load({ conn: DEFAULTS.conn, queue: [], dropped: 0, refused: 0 });
  const { token, ...conn } = s.conn; // the token never leaves the background
  return { conn: { ...conn, paired: Boolean(token) }, queued: s.queue.length, dropped: s.dropped, refused: s.refused };
}

/** The tab the popup describes: the active one, or the one named when the popup is a page. */
async function activeTab(tabId) {
  if (Number.isInteger(tabId)) return ext.tabs.get(tabId).catch(() => null);
  const [tab] = await ext.tabs.query({ active: true, lastFocusedWindow: true });
  return tab;
}

const handlers = {
  async pair({ port, code }) {
    const number = Number(port);
    if (!Number.isInteger(number) || number < 1024 || number > 65535) {
      return { ok: false, state: "refused", message: "The port is a number from 1024 to 65535." };
    }
    if (!code || !String(code).trim()) return { ok: false, state: "refused", message: "Type the code first." };
    const result = await pair(number, String(code));
    if (result.ok) await flush({ force: true });
    return { ...result, ...(await status()) };
  },

  async status() {
    return status();
  },

  /** Ask the desktop now (the summary needs the token): paired, not running or revoked. */
  async check() {
    await fetchSummary().catch(() => null);
    await flush({ force: true });
    return status();
  },

  /** Everything the popup shows; opening it also delivers the queue at once. */
  async popup({ tabId }) {
    await cut();
    await flush({ force: true });
    const summary = await fetchSummary().catch(() => null);
    const tab = await activeTab(tabId);
    const url = tab && pageOf(tab.url) ? tab.url : null;
    const verdict = url ? await verdictFor(url, { fresh: true }) : null;
    return { ...(await status()), summary, site: url ? { url, verdict } : null };
  },

  async verdict({ url }) {
    return { verdict: await verdictFor(url, { fresh: true }), ...(await status()) };
  },

  async buy({ url, minutes }) {
    const bought = await buy(url, Number(minutes));
    return { bought };
  },

  async continue({ url }) {
    return continueAnyway(url);
  },

  async leave(_message, sender) {
    await leave(sender.tab.id);
    return {};
  },

  async flush() {
    return flush({ force: true });
  },

  async ackDropped() {
    await locked(() => save({ dropped: 0 }));
    await updateBadge();
    return status();
  },
};

const contentKinds = {
  async focus() {
    await cut();
    return {};
  },

  async scroll({ px, ms, flings }, sender) {
    return { counted: await addScroll(sender.tab.id, { px, ms, flings }) };
  },
};

export function dispatch(message, sender, sendResponse) {
  const fromPage = sender.id === ext.runtime.id && (sender.url || "").startsWith(ext.runtime.getURL(""));
  const fromContent = sender.id === ext.runtime.id && sender.tab && !fromPage;
  const kind = message && message.kind;
  const handler = (fromPage && handlers[kind]) || (fromContent && contentKinds[kind]);
  if (!handler) {
    sendResponse({ error: `unknown message kind ${JSON.stringify(kind)}` });
    return false;
  }
  handler(message, sender).then(
    (answer) => sendResponse(answer ?? {}),
    (error) => sendResponse({ error: error.message || String(error) }),
  );
  return true; // the answer comes asynchronously
}
