/**
 * Import this first in a test file (before any product module): it puts the fake
 * browser (fakes/browser.js) where lib/browser.js looks for it (`globalThis.chrome`),
 * the fake desktop (fakes/desktop.js) behind `fetch`, and a test clock behind
 * `Date.now`, so no test depends on the wall clock. `reset()` gives every test a
 * fresh browser, desktop and clock; `globalThis.chrome` forwards to the current
 * browser, so modules that captured it at import see the fresh one.
 */

import { createBrowser } from "./browser.js";
import { createDesktop } from "./desktop.js";

export const T0 = Date.UTC(2026, 10, 26, 14, 0, 0); // a Thursday afternoon, any real date works

let now = T0;
export const clock = {
  get now() {
    return now;
  },
  set(ms) {
    now = ms;
  },
  advance(ms) {
    now += ms;
    return now;
  },
};
Date.now = () => now;

export const env = { browser: createBrowser(), desktop: createDesktop() };

globalThis.chrome = new Proxy({}, { get: (_target, key) => env.browser[key] });
globalThis.fetch = (url, init) => env.desktop.fetch(url, init);
// Node 20 has no navigator; the background reads the user agent when pairing.
if (!globalThis.navigator) globalThis.navigator = { userAgent: "Mozilla/5.0 Chrome/130.0 (node test)" };
Object.defineProperty(globalThis.navigator, "userAgent", { value: "Mozilla/5.0 Chrome/130.0 (node test)", configurable: true });

/** A fresh browser, desktop and clock (call in beforeEach). */
export function reset() {
  env.browser = createBrowser();
  env.desktop = createDesktop();
  now = T0;
  return env;
}

/**
 * A browser already paired with the running desktop: the token in storage, a
 * focused window with one tab at `url`.
 */
export async function paired({ url = "https://notes.localhost/page" } = {}) {
  const { browser, desktop } = env;
  const token = desktop.issueToken();
  await browser.storage.local.set({ conn: { port: desktop.port, token, state: "paired", message: "" } });
  const { windowId, tabId } = browser.openWindow({ url });
  return { browser, desktop, windowId, tabId, token };
}

/** Stored values, read through the fake's own API (what the product would read next). */
export async function stored(...keys) {
  return env.browser.storage.local.get(keys);
}

/** Wait until `check()` is truthy, letting pending promises and I/O run; fails after `ms`. */
export async function waitFor(check, what = "the condition", ms = 2_000) {
  const since = () => Number(process.hrtime.bigint() / 1_000_000n); // real time: Date.now is the test clock
  const deadline = since() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (since() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
