/**
 * Nudge and block pages, following the desktop's verdict for each page.
 *
 * On every top-level navigation the background asks the verdict endpoint (cached
 * per page for a short while); "nudge" or "block" sends the tab to the
 * extension's own page with the original URL, unless a pass is running: a bought
 * allowance, or "continue anyway" (time then costs the surcharge). Each pass has
 * an alarm at its end that sends tabs on that site back to the page. When the
 * desktop cannot be asked, everything is allowed: the browser is never blocked
 * because the app is down.
 */

import { ext, extensionUrl, load, save } from "../lib/browser.js";
import { pageOf, subjectCovers, verdictKey } from "../lib/url.js";
import { ApiError, Offline, call } from "./client.js";
import { noteResult } from "./connection.js";
import { DEFAULTS, locked } from "./state.js";
import { activePass } from "../lib/subjects.js";
import { correctSubject, cut, discard } from "./tracker.js";

const VERDICT_TTL_MS = 30_000;
// Old verdicts still name subjects while offline; kept briefly, as they name pages visited.
const VERDICT_KEEP_MS = 30 * 60_000;
const PASS_ALARM = "pass:";

/** The desktop's verdict for a page, or null when it cannot be asked (then: allow). */
export async function verdictFor(url, { fresh = false } = {}) {
  const key = verdictKey(url);
  if (!key) return null;
  const { conn, verdicts } = await load({ conn: DEFAULTS.conn, verdicts: {} });
  const cached = verdicts[key];
  if (!fresh && cached && Date.now() - cached.at < VERDICT_TTL_MS) return cached.body;
  if (!conn.token) return null;
  let body;
  try {
    body = await call(conn, "GET", `/api/v1/verdict?url=${encodeURIComponent(url)}`);
  } catch (error) {
    await noteResult(error);
    if (error instanceof Offline || error instanceof ApiError) return null;
    throw error;
  }
  await noteResult(null);
  await locked(async () => {
    const now = Date.now();
    const stored = await load({ verdicts: {} });
    const kept = Object.fromEntries(
      Object.entries(stored.verdicts).filter(([, v]) => now - v.at < VERDICT_KEEP_MS),
    );
    kept[key] = { at: now, body };
    await save({ verdicts: kept });
  });
  return body;
}

function gatePage(verdict, url) {
  return extensionUrl(`pages/${verdict}.html?u=${encodeURIComponent(url)}`);
}

/** A tab went to `url`: allow it, or show the nudge/block page. */
export async function checkTab(tabId, url, { fresh = false } = {}) {
  if (!pageOf(url)) return "ignored";
  const verdict = await verdictFor(url, { fresh });
  if (verdict) await correctSubject(tabId, verdictKey(url), verdict.subject);
  const { passes } = await load({ passes: {} });
  if (!verdict || verdict.verdict === "allow" || activePass(passes, verdict.subject)) {
    await locked(async () => {
      const { lastAllowed } = await load({ lastAllowed: {} });
      await save({ lastAllowed: { ...lastAllowed, [tabId]: url } });
    });
    return "allow";
  }
  await discard(tabId, verdictKey(url));
  await ext.tabs.update(tabId, { url: gatePage(verdict.verdict, url) });
  return verdict.verdict;
}

async function grant(subject, until, kind) {
  await locked(async () => {
    const { passes, verdicts } = await load({ passes: {}, verdicts: {} });
    const fresh = Object.fromEntries(Object.entries(passes).filter(([, p]) => p.until > Date.now()));
    // The cached verdicts for this subject predate the pass.
    const kept = Object.fromEntries(
      Object.entries(verdicts).filter(([, v]) => v.body.subject !== subject),
    );
    await save({ passes: { ...fresh, [subject]: { until, kind } }, verdicts: kept });
  });
  // One second past the end, so the desktop agrees the allowance is over.
  await ext.alarms.create(PASS_ALARM + subject, { when: until + 1_000 });
}

/** Buy `minutes` of the page's site (debits points on the desktop) and let it through. */
export async function buy(url, minutes) {
  const { conn } = await load({ conn: DEFAULTS.conn });
  const verdict = await verdictFor(url, { fresh: true });
  if (!verdict) throw new Error("The desktop app is not reachable, so nothing can be bought now.");
  let bought;
  try {
    bought = await call(conn, "POST", "/api/v1/allowances", { site: url, minutes });
  } catch (error) {
    await noteResult(error);
    throw error;
  }
  await grant(verdict.subject, Date.now() + bought.remaining_s * 1000, "allowance");
  return bought;
}

/** "Continue anyway": let the page through for the offered minutes at the surcharge. */
export async function continueAnyway(url) {
  const verdict = await verdictFor(url);
  if (!verdict) return { until: Date.now() };
  if (verdict.verdict === "block") throw new Error("This site is blocked: buy time or go back.");
  const until = Date.now() + verdict.buy_minutes * 60_000;
  await grant(verdict.subject, until, "surcharge");
  return { until };
}

/** "Go back": to the last allowed page of this tab, or close the tab when there is none. */
export async function leave(tabId) {
  const { lastAllowed } = await load({ lastAllowed: {} });
  const target = lastAllowed[tabId];
  if (target) await ext.tabs.update(tabId, { url: target });
  else await ext.tabs.remove(tabId);
}

/** A pass alarm fired: the allowance is over, so tabs on that site see the page again. */
export async function onPassAlarm(name) {
  if (!name.startsWith(PASS_ALARM)) return false;
  const subject = name.slice(PASS_ALARM.length);
  await locked(async () => {
    const { passes } = await load({ passes: {} });
    const { [subject]: _gone, ...rest } = passes;
    await save({ passes: rest });
  });
  await cut(); // the time after the end is no longer covered (nor surcharged)
  const tabs = await ext.tabs.query({});
  for (const tab of tabs) {
    const page = pageOf(tab.url);
    if (page && subjectCovers(subject, page)) await checkTab(tab.id, tab.url, { fresh: true });
  }
  return true;
}

export function forgetTab(tabId) {
  return locked(async () => {
    const { lastAllowed } = await load({ lastAllowed: {} });
    if (!(tabId in lastAllowed)) return;
    const { [tabId]: _gone, ...rest } = lastAllowed;
    await save({ lastAllowed: rest });
  });
}
