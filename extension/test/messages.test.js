// The one message dispatcher: who may ask what, and what the popup and pages get back.
import { clock, env, paired, reset, stored, T0 } from "./fakes/install.js";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { dispatch } from "../background/messages.js";
import { cut } from "../background/tracker.js";

beforeEach(() => {
  reset();
  env.browser.runtime.onMessage.addListener(dispatch);
  env.desktop.rules = {
    "feed.localhost": { category: "distraction", rate: -6, enforcement: "nudge", verdict: "nudge", buy_minutes: 10, buy_cost: 60 },
  };
});

const fromPopup = (message) => env.browser.sendFromPage("popup/popup.html", message);

test("the popup's status never contains the token", async () => {
  const { token } = await paired();
  const status = await fromPopup({ kind: "status" });
  assert.deepEqual(status, {
    conn: { port: 5747, state: "paired", message: "", paired: true },
    queued: 0,
    dropped: 0,
    refused: 0,
  });
  assert.equal(JSON.stringify(status).includes(token), false);
});

test("opening the popup delivers the queue at once and describes the site in front", async () => {
  const { desktop } = await paired({ url: "https://feed.localhost/home" });
  await cut();
  clock.advance(20_000);
  // The app was down a moment ago: delivery is backing off, but the popup retries now.
  await env.browser.storage.local.set({ backoff: { failures: 3, nextAt: T0 + 600_000 } });
  const answer = await fromPopup({ kind: "popup" });
  assert.equal(desktop.received.size, 1);
  assert.equal(answer.queued, 0);
  assert.equal(answer.summary.balance, 100);
  assert.equal(answer.site.url, "https://feed.localhost/home");
  assert.equal(answer.site.verdict.subject, "feed.localhost");
  assert.equal(answer.site.verdict.verdict, "nudge");
  assert.equal(answer.conn.paired, true);
});

test("the popup opened as a page describes the tab it names; a browser page has no site", async () => {
  const { windowId } = await paired({ url: "https://feed.localhost/home" });
  const notes = env.browser.openTab({ windowId, url: "https://notes.localhost/", active: false });
  const answer = await fromPopup({ kind: "popup", tabId: notes.id });
  assert.equal(answer.site.url, "https://notes.localhost/");
  assert.equal(answer.site.verdict.verdict, "allow");
  const settings = env.browser.openTab({ windowId, url: "chrome://settings/" });
  assert.equal((await fromPopup({ kind: "popup", tabId: settings.id })).site, null);
  assert.equal((await fromPopup({ kind: "popup", tabId: 999 })).site, null); // a closed tab
});

test("pairing from the options page checks the port and code, then delivers what waited", async () => {
  env.browser.openWindow({ url: "https://notes.localhost/" });
  await cut();
  clock.advance(30_000);
  await cut(); // browsed before pairing: queued
  const options = (message) => env.browser.sendFromPage("options/options.html", message);
  for (const port of ["80", "70000", "abc", "5747.5"]) {
    const answer = await options({ kind: "pair", port, code: "ABC123" });
    assert.equal(answer.ok, false, port);
    assert.match(answer.message, /1024 to 65535/);
  }
  assert.match((await options({ kind: "pair", port: "5747", code: "  " })).message, /Type the code/);
  assert.equal(env.desktop.requests.length, 0);
  const answer = await options({ kind: "pair", port: "5747", code: "ABC123" });
  assert.equal(answer.ok, true);
  assert.equal(answer.conn.state, "paired");
  assert.equal(answer.queued, 0);
  assert.equal(env.desktop.received.size, 1);
  const refused = await options({ kind: "pair", port: "5747", code: "ABC123" }); // each code works once
  assert.equal(refused.state, "refused");
});

test("the nudge page's choices: verdict, buy, continue, go back", async () => {
  const { tabId, desktop } = await paired({ url: "https://notes.localhost/" });
  const feed = "https://feed.localhost/home";
  const page = (message) => env.browser.sendFromPage(`pages/nudge.html?u=${encodeURIComponent(feed)}`, message, tabId);
  const { verdict } = await page({ kind: "verdict", url: feed });
  assert.equal(verdict.verdict, "nudge");
  const { bought } = await page({ kind: "buy", url: feed, minutes: "10" });
  assert.equal(bought.cost, 60);
  assert.equal(desktop.balance, 40);
  const going = await page({ kind: "continue", url: feed });
  assert.equal(going.until, T0 + 600_000);
  // "Go back" from a tab that was never on an allowed page closes it.
  assert.deepEqual(await page({ kind: "leave" }), {});
  assert.equal(env.browser.tabsById.has(tabId), false);
  desktop.balance = 0;
  assert.match((await page({ kind: "buy", url: feed, minutes: 10 })).error, /Not enough points/);
});

test("a content script may report scrolling and focus, and nothing else", async () => {
  const { tabId } = await paired({ url: "https://feed.localhost/home" });
  await cut();
  assert.deepEqual(await env.browser.sendFromTab(tabId, { kind: "scroll", px: 900, ms: 2_000, flings: 1 }), { counted: true });
  clock.advance(10_000);
  assert.deepEqual(await env.browser.sendFromTab(tabId, { kind: "focus" }), {}); // cuts the stretch
  const [event] = (await stored("queue")).queue;
  assert.deepEqual(event.signals, { scroll_px: 900, scroll_s: 2, flings: 1 });
  for (const kind of ["status", "pair", "buy", "continue", "flush", "ackDropped", "popup"]) {
    const answer = await env.browser.sendFromTab(tabId, { kind, url: "https://feed.localhost/home", minutes: 10 });
    assert.match(answer.error, /unknown message kind/, kind);
  }
  assert.equal(env.desktop.balance, 100);
});

test("pages may not send scroll numbers, and other extensions get nothing", async () => {
  const { tabId } = await paired({ url: "https://feed.localhost/home" });
  await cut();
  const answer = await fromPopup({ kind: "scroll", px: 5_000 });
  assert.match(answer.error, /unknown message kind "scroll"/);
  const stranger = await env.browser.send({ kind: "status" }, { id: "another-extension", url: "chrome-extension://another-extension/x.html" });
  assert.match(stranger.error, /unknown message kind/);
  const lookalike = await env.browser.send(
    { kind: "scroll", px: 5_000 },
    { id: "another-extension", url: "https://feed.localhost/home", tab: { id: tabId } },
  );
  assert.match(lookalike.error, /unknown message kind/);
  assert.match((await fromPopup({ kind: "nonsense" })).error, /unknown message kind "nonsense"/);
  assert.match((await fromPopup(null)).error, /unknown message kind/);
  const { segment } = await stored("segment");
  assert.deepEqual(segment.scroll, { px: 0, ms: 0, flings: 0 });
});

test("dismissing the full-queue warning clears the count and the badge", async () => {
  await paired();
  await env.browser.storage.local.set({ dropped: 5 });
  const answer = await fromPopup({ kind: "ackDropped" });
  assert.equal(answer.dropped, 0);
  assert.equal(env.browser.badge.text, "");
});

test("'check' asks the desktop now and reports a revoked token", async () => {
  const { desktop } = await paired();
  desktop.tokens.clear();
  const answer = await fromPopup({ kind: "check" });
  assert.equal(answer.conn.state, "revoked");
  await env.browser.storage.local.set({ queue: [{ id: "00000000-0000-7000-8000-000000000001", source: "web", subject: "notes.localhost", start: new Date(T0).toISOString(), duration: 1 }] });
  assert.equal((await fromPopup({ kind: "flush" })).sent, 0);
  assert.equal(desktop.requests.filter((r) => r.path === "/api/v1/events").length, 0);
});

test("ports 1024 and 65535 are accepted (then the app is simply not found there)", async () => {
  const options = (message) => env.browser.sendFromPage("options/options.html", message);
  for (const port of ["1024", "65535"]) {
    const answer = await options({ kind: "pair", port, code: "ABC123" });
    assert.equal(answer.state, "offline", port);
    assert.match(answer.message, new RegExp(`not reachable on port ${port}`));
  }
  for (const port of ["1023", "65536"]) {
    assert.match((await options({ kind: "pair", port, code: "ABC123" })).message, /1024 to 65535/);
  }
});
