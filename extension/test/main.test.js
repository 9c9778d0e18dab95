// The background as a whole (background/main.js): the browser's events in, events at the desktop out.
import { clock, env, paired, reset, stored, waitFor, T0 } from "./fakes/install.js";
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";

const ORIGIN = "chrome-extension://ibnpehkffnpbllimldigpdhhlghdjljl/";
let starts = 0;

/** Start the background worker in the current fake browser (a fresh copy of main.js each time). */
async function startWorker() {
  starts += 1;
  await import(`../background/main.js?start=${starts}`);
  await waitFor(async () => (await stored("segment")).segment && env.browser.alarms.all.has("tick"), "the worker to wake");
}

const queued = async () => (await stored("queue")).queue ?? [];
const subjects = () => [...env.desktop.received.values()].map((e) => `${e.subject} ${e.duration}`);

// Listeners start work the test does not wait for (a badge update after a delivery);
// let it finish before the next test's fresh browser takes over.
afterEach(async () => {
  for (let i = 0; i < 50; i += 1) await new Promise((resolve) => setImmediate(resolve));
});

beforeEach(() => {
  const { desktop } = reset();
  desktop.rules = {
    "feed.localhost": { category: "distraction", rate: -6, enforcement: "nudge", verdict: "nudge", buy_minutes: 10, buy_cost: 60 },
  };
});

test("browsing two sites: each stretch reaches the desktop when the user switches tabs and at the 30 s tick", async () => {
  const { browser, windowId } = await paired({ url: "https://notes.localhost/a" });
  await startWorker();
  assert.equal(browser.alarms.all.get("tick").periodInMinutes, 0.5);
  clock.advance(20_000);
  const video = browser.openTab({ windowId, url: "https://video.localhost/watch" });
  browser.activate(video.id);
  await waitFor(() => env.desktop.received.size === 1, "the first stretch to be delivered");
  clock.advance(30_000);
  browser.alarms.onAlarm.fire({ name: "tick" });
  await waitFor(() => env.desktop.received.size === 2, "the tick's stretch to be delivered");
  assert.deepEqual(subjects(), ["notes.localhost 20", "video.localhost 30"]);
  assert.deepEqual((await stored("queue")).queue, []);
});

test("going to a nudge site shows the nudge page, and the time before it is counted", async () => {
  const { browser, tabId } = await paired({ url: "https://notes.localhost/a" });
  await startWorker();
  clock.advance(15_000);
  browser.navigate(tabId, "https://feed.localhost/home");
  await waitFor(() => browser.tabsById.get(tabId).url.startsWith(ORIGIN), "the nudge page");
  assert.equal(browser.tabsById.get(tabId).url, `${ORIGIN}pages/nudge.html?u=${encodeURIComponent("https://feed.localhost/home")}`);
  await waitFor(() => env.desktop.received.size === 1, "delivery");
  assert.deepEqual(subjects(), ["notes.localhost 15"]);
});

test("a private window's navigation is neither checked nor counted", async () => {
  const { browser } = await paired({ url: "https://notes.localhost/a" });
  await startWorker();
  const { tabId } = browser.openWindow({ url: "https://notes.localhost/", incognito: true });
  browser.navigate(tabId, "https://feed.localhost/home");
  clock.advance(30_000);
  browser.alarms.onAlarm.fire({ name: "tick" });
  await waitFor(() => env.desktop.received.size === 1, "the tick's delivery");
  assert.equal(browser.tabsById.get(tabId).url, "https://feed.localhost/home");
  assert.equal(env.desktop.requests.some((r) => r.path === "/api/v1/verdict" && r.query.get("url").includes("feed")), false);
  // The stretch before the private window took the focus is counted, the private one is not.
  clock.advance(30_000);
  browser.alarms.onAlarm.fire({ name: "tick" });
  await waitFor(async () => (await stored("segment")).segment.start === clock.now, "the second tick");
  assert.deepEqual(subjects(), ["notes.localhost 30"]);
});

test("going idle stops the count; coming back starts it again", async () => {
  const { browser } = await paired({ url: "https://notes.localhost/a" });
  await startWorker();
  clock.advance(10_000);
  browser.idle.onStateChanged.fire("idle");
  await waitFor(async () => (await stored("idleState")).idleState === "idle", "the idle state");
  clock.advance(600_000);
  browser.idle.onStateChanged.fire("active");
  await waitFor(async () => (await stored("idleState")).idleState === "active", "the active state");
  clock.advance(5_000);
  browser.alarms.onAlarm.fire({ name: "tick" });
  await waitFor(() => env.desktop.received.size === 2, "delivery");
  assert.deepEqual(subjects(), ["notes.localhost 10", "notes.localhost 5"]);
});

test("a new browser session does not count the closed browser; a restarted worker keeps the stretch", async () => {
  const { browser } = await paired({ url: "https://notes.localhost/a" });
  await startWorker();
  clock.advance(20_000);
  // The worker was stopped and started again in the same session: the stretch goes on.
  await startWorker();
  await waitFor(() => env.desktop.received.size === 1, "delivery");
  assert.deepEqual(subjects(), ["notes.localhost 20"]);
  // The browser quit (session storage is gone) and started two hours later.
  clock.advance(2 * 3_600_000);
  await browser.storage.session.clear();
  await startWorker();
  await waitFor(async () => (await stored("segment")).segment.start === clock.now, "the new stretch");
  await waitFor(async () => (await stored("queue")).queue.length === 0 && env.desktop.received.size === 1, "nothing more");
  assert.deepEqual(subjects(), ["notes.localhost 20"]);
});

test("installing opens the options page for pairing, unless already paired", async () => {
  const browser = env.browser;
  browser.openWindow({ url: "https://notes.localhost/" });
  await startWorker();
  browser.runtime.onInstalled.fire({ reason: "install" });
  await waitFor(() => browser.runtime.openedOptions === 1, "the options page");
  assert.equal(browser.badge.text, "!");
  reset();
  await paired();
  await startWorker();
  env.browser.runtime.onInstalled.fire({ reason: "update" });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal((await stored("conn")).conn.state, "paired");
  assert.equal(env.browser.runtime.openedOptions, 0);
});

test("the worker follows the desktop's idle threshold, never under 15 s", async () => {
  const { browser } = env;
  await browser.storage.local.set({ tracking: { idle_threshold_s: 10, store_titles: false, store_paths: false, fetchedAt: T0 } });
  browser.openWindow({ url: "https://notes.localhost/" });
  await startWorker();
  assert.equal(browser.idleState.interval, 15);
});

test("when a bought allowance ends, its alarm brings the nudge page back", async () => {
  const { browser, tabId } = await paired({ url: "https://feed.localhost/home" });
  await browser.storage.local.set({ passes: { "feed.localhost": { until: T0 + 60_000, kind: "allowance" } } });
  await startWorker();
  clock.advance(61_000);
  browser.alarms.onAlarm.fire({ name: "pass:feed.localhost" });
  await waitFor(() => browser.tabsById.get(tabId).url.startsWith(`${ORIGIN}pages/nudge.html`), "the nudge page");
});

test("the window losing the focus cuts the stretch there", async () => {
  const { browser } = await paired({ url: "https://notes.localhost/a" });
  await startWorker();
  clock.advance(12_000);
  browser.focus(null);
  await waitFor(() => env.desktop.received.size === 1, "delivery");
  clock.advance(60_000);
  browser.alarms.onAlarm.fire({ name: "tick" });
  await waitFor(async () => (await stored("segment")).segment.start === clock.now, "the tick");
  assert.deepEqual(subjects(), ["notes.localhost 12"]);
});

test("the worker answers the pages' messages", async () => {
  await paired();
  await startWorker();
  const status = await env.browser.sendFromPage("popup/popup.html", { kind: "status" });
  assert.equal(status.conn.state, "paired");
});

test("the 30 s tick fetches the desktop's settings again after 10 minutes, not before", async () => {
  const { browser, desktop } = await paired({ url: "https://notes.localhost/a" });
  await browser.storage.local.set({ tracking: { idle_threshold_s: 180, store_titles: false, store_paths: false, fetchedAt: T0 } });
  await startWorker();
  desktop.tracking = { idle_threshold_s: 300, store_titles: false, store_paths: false };
  const summaries = () => desktop.requests.filter((r) => r.path === "/api/v1/summary").length;
  clock.set(T0 + 10 * 60_000);
  browser.alarms.onAlarm.fire({ name: "tick" });
  await waitFor(async () => (await stored("segment")).segment.start === clock.now && env.desktop.received.size === 1, "the tick");
  await waitFor(() => browser.idleState.interval === 180, "the tick to finish");
  assert.equal(summaries(), 0);
  clock.advance(1);
  browser.alarms.onAlarm.fire({ name: "tick" });
  await waitFor(() => browser.idleState.interval === 300, "the new idle threshold");
  assert.equal(summaries(), 1);
});

test("media starting or the title changing in the tab in front cuts the stretch; a background tab's title does not", async () => {
  const { browser, tabId, windowId } = await paired({ url: "https://video.localhost/watch" });
  const other = browser.openTab({ windowId, url: "https://notes.localhost/", active: false });
  await startWorker();
  clock.advance(5_000);
  browser.tabs.onUpdated.fire(other.id, { title: "New mail" }, { ...other, title: "New mail" });
  clock.advance(5_000);
  const tab = browser.tabsById.get(tabId);
  tab.audible = true;
  browser.tabs.onUpdated.fire(tabId, { audible: true }, { ...tab });
  await waitFor(async () => (await queued()).length === 1, "the cut");
  clock.advance(7_000);
  browser.tabs.onUpdated.fire(tabId, { title: "Episode 2" }, { ...tab, title: "Episode 2" });
  await waitFor(async () => (await queued()).length === 2, "the cut");
  const queue = await queued();
  assert.deepEqual(queue.map((e) => e.duration), [10, 7]);
  assert.deepEqual(queue[1].signals, { audible: true });
});

test("closing a tab or a window ends the stretch there and forgets the tab", async () => {
  const { browser, tabId, windowId } = await paired({ url: "https://notes.localhost/a" });
  await browser.storage.local.set({ lastAllowed: { [tabId]: "https://notes.localhost/a" } });
  const second = browser.openTab({ windowId, url: "https://video.localhost/watch", active: false });
  await startWorker();
  clock.advance(8_000);
  browser.tabsById.delete(tabId);
  browser.tabsById.get(second.id).active = true;
  browser.tabs.onRemoved.fire(tabId, { windowId, isWindowClosing: false });
  await waitFor(async () => (await queued()).length === 1, "the cut");
  assert.deepEqual((await stored("lastAllowed")).lastAllowed, {});
  clock.advance(4_000);
  browser.windowsById.delete(windowId);
  browser.tabsById.delete(second.id);
  browser.windows.onRemoved.fire(windowId);
  await waitFor(async () => (await queued()).length === 2, "the cut");
  assert.deepEqual((await queued()).map((e) => `${e.subject} ${e.duration}`), ["notes.localhost 8", "video.localhost 4"]);
});
