// The tracker: what is in front, cut into events at every change (background/tracker.js).
import { clock, env, reset, stored, T0 } from "./fakes/install.js";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { addScroll, correctSubject, cut, discard } from "../background/tracker.js";

beforeEach(() => {
  reset();
});

async function queued() {
  return (await stored("queue")).queue ?? [];
}

/** Browse `url` for `seconds` (from a cut to a cut) and return the events queued. */
async function browse(url, seconds, setup = {}) {
  const { browser } = env;
  const opened = browser.openWindow({ url, ...setup });
  await cut();
  clock.advance(seconds * 1000);
  await cut();
  return { ...opened, events: await queued() };
}

test("time on a site becomes one event, cut when the user switches tabs", async () => {
  const { browser } = env;
  const { windowId } = browser.openWindow({ url: "https://notes.localhost/page?q=1#top" });
  await cut();
  clock.advance(42_500);
  browser.openTab({ windowId, url: "https://video.localhost/watch" });
  await cut();
  const [event, ...rest] = await queued();
  assert.equal(rest.length, 0);
  assert.equal(event.source, "web");
  assert.equal(event.subject, "notes.localhost"); // the host only: no path, no query
  assert.equal(event.start, "2026-11-26T14:00:00.000Z");
  assert.equal(event.duration, 42.5);
  assert.equal(event.detail, undefined);
  assert.match(event.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // The new stretch is the other tab's, from now.
  clock.advance(10_000);
  await cut();
  const [, second] = await queued();
  assert.equal(second.subject, "video.localhost");
  assert.equal(second.duration, 10);
  assert.equal(Date.parse(second.start), T0 + 42_500);
  assert.notEqual(second.id, event.id);
});

test("nothing is counted in a private window, on a browser page or while another application is in front", async () => {
  for (const [what, url, setup] of [
    ["private window", "https://notes.localhost/", { incognito: true }],
    ["browser page", "chrome://settings/", {}],
    ["extension page", "chrome-extension://ibnpehkffnpbllimldigpdhhlghdjljl/options/options.html", {}],
  ]) {
    reset();
    const { events } = await browse(url, 60, setup);
    assert.deepEqual(events, [], what);
  }
  reset();
  env.browser.openWindow({ url: "https://notes.localhost/" });
  env.browser.focus(null); // another application took the focus
  await cut();
  clock.advance(60_000);
  await cut();
  assert.deepEqual(await queued(), []);
});

test("an idle user counts nothing, unless media is playing (then the event says idle and audible)", async () => {
  env.browser.openWindow({ url: "https://notes.localhost/" });
  await cut({ idleState: "idle" });
  clock.advance(60_000);
  await cut();
  assert.deepEqual(await queued(), []);

  reset();
  env.browser.openWindow({ url: "https://video.localhost/watch", audible: true });
  await cut({ idleState: "idle" });
  clock.advance(60_000);
  await cut({ idleState: "active" });
  const [event] = await queued();
  assert.equal(event.duration, 60);
  assert.deepEqual(event.signals, { idle: true, audible: true });
  // Back at the keyboard: a plain event again.
  clock.advance(5_000);
  await cut();
  const [, next] = await queued();
  assert.deepEqual(next.signals, { audible: true });
});

test("the subject is the one the desktop named for the page; offline a known subject of the host is reused", async () => {
  await env.browser.storage.local.set({
    verdicts: { "video.localhost/shorts/abc": { at: T0, body: { subject: "video.localhost/shorts" } } },
  });
  const { browser } = env;
  const { tabId } = browser.openWindow({ url: "https://video.localhost/shorts/abc" });
  await cut();
  clock.advance(10_000);
  browser.tabsById.get(tabId).url = "https://www.video.localhost/shorts/other"; // never asked about
  await cut();
  clock.advance(10_000);
  browser.tabsById.get(tabId).url = "https://video.localhost/watch"; // outside the rule's prefix
  await cut();
  clock.advance(10_000);
  await cut();
  const subjects = (await queued()).map((e) => e.subject);
  assert.deepEqual(subjects, ["video.localhost/shorts", "video.localhost/shorts", "video.localhost"]);
});

test("paths and titles are sent only when the user opted in on the desktop", async () => {
  await env.browser.storage.local.set({
    tracking: { idle_threshold_s: 180, store_titles: true, store_paths: true, fetchedAt: T0 },
  });
  const { events } = await browse("https://notes.localhost/secret/page?q=1", 5, { title: "My notes" });
  assert.deepEqual(events[0].detail, { title: "My notes", path: "/secret/page" });
});

test("time after 'continue anyway' carries the surcharge until the pass ends; a bought allowance does not", async () => {
  await env.browser.storage.local.set({
    passes: {
      "feed.localhost": { until: T0 + 60_000, kind: "surcharge" },
      "shop.localhost": { until: T0 + 60_000, kind: "allowance" },
    },
  });
  const { events } = await browse("https://feed.localhost/", 30);
  assert.deepEqual(events[0].signals, { surcharge: true });
  clock.advance(40_000); // the pass ended 10 s ago; the next stretch starts now
  await cut();
  clock.advance(5_000);
  await cut();
  const last = (await queued()).at(-1);
  assert.equal(last.signals, undefined);
  reset();
  await env.browser.storage.local.set({ passes: { "shop.localhost": { until: T0 + 60_000, kind: "allowance" } } });
  const bought = await browse("https://shop.localhost/", 30);
  assert.equal(bought.events[0].signals, undefined);
});

test("scroll numbers from the tab in front ride on its event; other tabs' are ignored", async () => {
  const { browser } = env;
  const { windowId, tabId } = browser.openWindow({ url: "https://feed.localhost/" });
  const background = browser.openTab({ windowId, url: "https://other.localhost/", active: false });
  await cut();
  assert.equal(await addScroll(tabId, { px: 1_200, ms: 3_000, flings: 1 }), true);
  assert.equal(await addScroll(tabId, { px: 800, ms: -5, flings: Number.NaN }), true);
  assert.equal(await addScroll(background.id, { px: 99_999, ms: 9_000, flings: 9 }), false);
  clock.advance(30_000);
  await cut();
  const [event] = await queued();
  assert.deepEqual(event.signals, { scroll_px: 2_000, scroll_s: 3, flings: 1 });
  // The meter starts again from zero for the next stretch.
  clock.advance(30_000);
  await cut();
  assert.equal((await queued())[1].signals, undefined);
});

test("scroll numbers sent during a cut are not lost (the steps are serialised)", async () => {
  const { tabId } = env.browser.openWindow({ url: "https://feed.localhost/" });
  await cut();
  clock.advance(30_000);
  await Promise.all([addScroll(tabId, { px: 500, ms: 1_000, flings: 0 }), cut(), addScroll(tabId, { px: 70, ms: 100, flings: 0 })]);
  clock.advance(30_000);
  await cut();
  const [first, second] = await queued();
  assert.equal(first.signals.scroll_px, 500);
  assert.equal(second.signals.scroll_px, 70);
});

test("a browser that slept or a worker nobody woke adds at most 75 s, not the whole gap", async () => {
  env.browser.openWindow({ url: "https://notes.localhost/" });
  await cut();
  clock.advance(3 * 3_600_000); // the laptop was closed for three hours
  await cut();
  const [event] = await queued();
  assert.equal(event.duration, 75);
});

test("a new browser session does not count the time the browser was closed", async () => {
  env.browser.openWindow({ url: "https://notes.localhost/" });
  await cut();
  clock.advance(20_000);
  await cut();
  clock.advance(5 * 3_600_000);
  const segment = await cut({}, { endAtLastSeen: true });
  assert.deepEqual((await queued()).map((e) => e.duration), [20]);
  assert.equal(segment.start, clock.now);
});

test("the subject the desktop names later is reported for the whole stretch, only for that page", async () => {
  const { browser } = env;
  const { tabId } = browser.openWindow({ url: "https://video.localhost/shorts/abc" });
  await cut();
  await correctSubject(tabId + 1, "video.localhost/shorts/abc", "wrong.localhost"); // another tab
  await correctSubject(tabId, "video.localhost/watch", "wrong.localhost"); // another page
  await correctSubject(tabId, "video.localhost/shorts/abc", "video.localhost/shorts");
  clock.advance(10_000);
  await cut();
  assert.deepEqual((await queued()).map((e) => e.subject), ["video.localhost/shorts"]);
});

test("a corrected subject under a running 'continue anyway' pass is surcharged", async () => {
  await env.browser.storage.local.set({ passes: { "video.localhost/shorts": { until: T0 + 600_000, kind: "surcharge" } } });
  const { tabId } = env.browser.openWindow({ url: "https://video.localhost/shorts/abc" });
  await cut();
  await correctSubject(tabId, "video.localhost/shorts/abc", "video.localhost/shorts");
  clock.advance(10_000);
  await cut();
  assert.deepEqual((await queued())[0].signals, { surcharge: true });
});

test("a page replaced by the nudge page before it was seen is not counted", async () => {
  const { tabId } = env.browser.openWindow({ url: "https://feed.localhost/" });
  await cut();
  clock.advance(2_000);
  await discard(tabId + 1, "feed.localhost/"); // another tab: no effect
  await discard(tabId, "feed.localhost/other"); // another page: no effect
  const { segment } = await stored("segment");
  assert.equal(segment.subject, "feed.localhost");
  await discard(tabId, "feed.localhost/");
  clock.advance(10_000);
  await cut();
  assert.deepEqual(await queued(), []);
});
