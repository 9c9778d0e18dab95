// Nudge and block: the desktop's verdict decides which page the user sees (background/gate.js).
import { clock, env, paired, reset, stored, T0 } from "./fakes/install.js";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { buy, checkTab, continueAnyway, forgetTab, leave, onPassAlarm, verdictFor } from "../background/gate.js";
import { cut } from "../background/tracker.js";

const ORIGIN = "chrome-extension://ibnpehkffnpbllimldigpdhhlghdjljl/";
const FEED = "https://feed.localhost/home";
const CASINO = "https://casino.localhost/";
const nudgePage = (url) => `${ORIGIN}pages/nudge.html?u=${encodeURIComponent(url)}`;
const blockPage = (url) => `${ORIGIN}pages/block.html?u=${encodeURIComponent(url)}`;

beforeEach(() => {
  const { desktop } = reset();
  desktop.rules = {
    "feed.localhost": { category: "distraction", rate: -6, enforcement: "nudge", verdict: "nudge", pause_s: 5, buy_minutes: 10, buy_cost: 60 },
    "casino.localhost": { category: "distraction", rate: -10, enforcement: "block", verdict: "block", buy_minutes: 1, buy_cost: 10 },
  };
});

const urlOf = (tabId) => env.browser.tabsById.get(tabId).url;
const verdictRequests = () => env.desktop.requests.filter((r) => r.path === "/api/v1/verdict").length;

test("an allowed page stays; a nudge site shows the nudge page; a blocked site the block page", async () => {
  const { tabId, windowId } = await paired({ url: "https://notes.localhost/a" });
  assert.equal(await checkTab(tabId, "https://notes.localhost/a"), "allow");
  assert.equal(urlOf(tabId), "https://notes.localhost/a");
  const feedTab = env.browser.openTab({ windowId, url: FEED }).id;
  assert.equal(await checkTab(feedTab, FEED), "nudge");
  assert.equal(urlOf(feedTab), nudgePage(FEED));
  const casinoTab = env.browser.openTab({ windowId, url: CASINO }).id;
  assert.equal(await checkTab(casinoTab, CASINO), "block");
  assert.equal(urlOf(casinoTab), blockPage(CASINO));
  assert.equal(await checkTab(tabId, "chrome://settings/"), "ignored");
});

test("when the desktop cannot be asked every page is allowed (never blocked because the app is down)", async () => {
  const { tabId, desktop } = await paired({ url: CASINO });
  desktop.up = false;
  assert.equal(await checkTab(tabId, CASINO), "allow");
  assert.equal(urlOf(tabId), CASINO);
  assert.equal((await stored("conn")).conn.state, "offline");
  // Unpaired: not even asked.
  reset();
  const { tabId: tab } = env.browser.openWindow({ url: CASINO });
  assert.equal(await checkTab(tab, CASINO), "allow");
  assert.equal(env.desktop.requests.length, 0);
});

test("a revoked token allows the page and says so", async () => {
  const { tabId, desktop } = await paired({ url: CASINO });
  desktop.tokens.clear();
  assert.equal(await checkTab(tabId, CASINO), "allow");
  assert.equal((await stored("conn")).conn.state, "revoked");
});

test("verdicts are asked again after 30 s, and forgotten after 30 min", async () => {
  await paired();
  await verdictFor(FEED);
  await verdictFor(FEED + "?page=2"); // the same page: the query is not part of the key
  assert.equal(verdictRequests(), 1);
  clock.advance(29_000);
  await verdictFor(FEED);
  assert.equal(verdictRequests(), 1);
  await verdictFor(FEED, { fresh: true });
  assert.equal(verdictRequests(), 2);
  clock.advance(30_000);
  await verdictFor(FEED);
  assert.equal(verdictRequests(), 3);
  clock.advance(31 * 60_000);
  await verdictFor("https://notes.localhost/x");
  const { verdicts } = await stored("verdicts");
  assert.deepEqual(Object.keys(verdicts), ["notes.localhost/x"]); // feed.localhost was visited too long ago
  assert.equal(await verdictFor("about:blank"), null);
});

test("buying time debits the desktop, lets the site through and sets an alarm for the end", async () => {
  const { tabId, desktop } = await paired({ url: FEED });
  await checkTab(tabId, FEED);
  const bought = await buy(FEED, 10);
  assert.equal(bought.cost, 60);
  assert.equal(desktop.balance, 40);
  const allowances = desktop.requests.filter((r) => r.path === "/api/v1/allowances");
  assert.deepEqual(allowances.map((r) => r.body), [{ site: FEED, minutes: 10 }]);
  const { passes } = await stored("passes");
  assert.deepEqual(passes, { "feed.localhost": { until: T0 + 600_000, kind: "allowance" } });
  assert.equal(env.browser.alarms.all.get("pass:feed.localhost").scheduledTime, T0 + 601_000);
  env.browser.tabsById.get(tabId).url = FEED;
  assert.equal(await checkTab(tabId, FEED), "allow");
  assert.equal(urlOf(tabId), FEED);
});

test("buying with too few points or without the desktop fails with a message and lets nothing through", async () => {
  const { tabId, desktop } = await paired({ url: FEED });
  desktop.balance = 5;
  await assert.rejects(buy(FEED, 10), /Not enough points/);
  assert.deepEqual((await stored("passes")).passes ?? {}, {});
  desktop.up = false;
  await assert.rejects(buy(FEED, 10), /not reachable/);
  desktop.up = true;
  assert.equal(await checkTab(tabId, FEED), "nudge");
});

test("'continue anyway' passes a nudge site for its minutes at the surcharge; a blocked site refuses it", async () => {
  const { tabId, desktop } = await paired({ url: FEED });
  const { until } = await continueAnyway(FEED);
  assert.equal(until, T0 + 10 * 60_000);
  assert.deepEqual((await stored("passes")).passes["feed.localhost"], { until, kind: "surcharge" });
  assert.equal(desktop.balance, 100); // nothing bought: the time is charged as it is spent
  env.browser.tabsById.get(tabId).url = FEED;
  assert.equal(await checkTab(tabId, FEED), "allow");
  await assert.rejects(continueAnyway(CASINO), /blocked/);
  assert.equal((await stored("passes")).passes["casino.localhost"], undefined);
  reset(); // an unpaired browser cannot ask: "continue" lets the page through at once
  assert.deepEqual(await continueAnyway("https://unknown.localhost/"), { until: T0 });
});

test("a cached verdict from before a pass does not keep the page gated", async () => {
  const { tabId } = await paired({ url: FEED });
  await checkTab(tabId, FEED); // caches "nudge"
  await continueAnyway(FEED);
  const { verdicts } = await stored("verdicts");
  assert.equal(Object.values(verdicts).some((v) => v.body.subject === "feed.localhost"), false);
});

test("when a pass ends, tabs on that site see the page again; other tabs stay", async () => {
  const { tabId, windowId } = await paired({ url: FEED });
  const notes = env.browser.openTab({ windowId, url: "https://notes.localhost/", active: false }).id;
  await buy(FEED, 10);
  await cut();
  clock.advance(601_000);
  assert.equal(await onPassAlarm("pass:feed.localhost"), true);
  assert.deepEqual((await stored("passes")).passes, {});
  assert.equal(urlOf(tabId), nudgePage(FEED));
  assert.equal(urlOf(notes), "https://notes.localhost/");
  assert.equal(await onPassAlarm("tick"), false);
});

test("'go back' returns to the tab's last allowed page, or closes a tab that has none", async () => {
  const { tabId, windowId } = await paired({ url: "https://notes.localhost/a" });
  await checkTab(tabId, "https://notes.localhost/a");
  env.browser.tabsById.get(tabId).url = FEED;
  await checkTab(tabId, FEED);
  await leave(tabId);
  assert.equal(urlOf(tabId), "https://notes.localhost/a");
  const fresh = env.browser.openTab({ windowId, url: CASINO }).id;
  await checkTab(fresh, CASINO);
  await leave(fresh);
  assert.equal(env.browser.tabsById.has(fresh), false);
  // A closed tab's history is forgotten.
  await forgetTab(tabId);
  assert.deepEqual((await stored("lastAllowed")).lastAllowed, {});
  await forgetTab(12345);
});

test("a remembered verdict names subjects for 30 minutes, not a moment longer", async () => {
  await paired();
  await verdictFor(FEED);
  clock.advance(30 * 60_000 - 1);
  await verdictFor("https://notes.localhost/x");
  assert.ok("feed.localhost/home" in (await stored("verdicts")).verdicts);
  clock.advance(1);
  await verdictFor("https://notes.localhost/y");
  assert.equal("feed.localhost/home" in (await stored("verdicts")).verdicts, false);
});

test("navigating checks with the cached verdict (one request per page per 30 s)", async () => {
  const { tabId } = await paired({ url: "https://notes.localhost/a" });
  await checkTab(tabId, "https://notes.localhost/a");
  await checkTab(tabId, "https://notes.localhost/a");
  assert.equal(verdictRequests(), 1);
});

test("the subject the verdict names is reported for the page; a gated page's time is not counted", async () => {
  env.desktop.rules["video.localhost/shorts"] = { category: "distraction", rate: -6 };
  const { tabId } = await paired({ url: "https://video.localhost/shorts/abc" });
  await cut();
  await checkTab(tabId, "https://video.localhost/shorts/abc");
  clock.advance(10_000);
  env.browser.tabsById.get(tabId).url = FEED;
  await cut();
  await checkTab(tabId, FEED); // nudged: the page was replaced before it was seen
  clock.advance(10_000);
  await cut();
  assert.deepEqual((await stored("queue")).queue.map((e) => `${e.subject} ${e.duration}`), ["video.localhost/shorts 10"]);
});

test("a pass that has just ended is not kept when another is granted", async () => {
  await paired();
  await env.browser.storage.local.set({ passes: { "old.localhost": { until: T0, kind: "surcharge" } } });
  await continueAnyway(FEED);
  assert.deepEqual(Object.keys((await stored("passes")).passes), ["feed.localhost"]);
});

test("buying right after the app stopped says nothing can be bought, even with a fresh cached verdict", async () => {
  const { desktop } = await paired({ url: FEED });
  await verdictFor(FEED);
  desktop.up = false;
  await assert.rejects(buy(FEED, 10), /nothing can be bought now/);
  assert.equal(desktop.requests.filter((r) => r.path === "/api/v1/allowances").length, 0);
});

test("a purchase refused because the token was revoked shows the revoked state", async () => {
  const { desktop } = await paired({ url: FEED });
  const answer = desktop.answer;
  desktop.answer = (request) =>
    request.path === "/api/v1/allowances"
      ? new Response(JSON.stringify({ error: "unauthorized", message: "A valid token is required" }), { status: 401 })
      : answer(request);
  await assert.rejects(buy(FEED, 10), /valid token/);
  assert.equal((await stored("conn")).conn.state, "revoked");
});

test("when a pass ends the page is asked again, even if it was allowed seconds ago; browser pages are left alone", async () => {
  const { tabId, windowId } = await paired({ url: FEED });
  const settings = env.browser.openTab({ windowId, url: "chrome://settings/", active: false }).id;
  await buy(FEED, 10);
  clock.advance(600_000 - 10_000);
  assert.equal(await checkTab(tabId, FEED), "allow"); // the desktop says allow: time is bought
  clock.advance(11_000);
  await onPassAlarm("pass:feed.localhost");
  assert.equal(urlOf(tabId), nudgePage(FEED));
  assert.equal(urlOf(settings), "chrome://settings/");
});

test("a verdict after the app came back shows the connection as paired again", async () => {
  const { desktop } = await paired();
  desktop.up = false;
  await verdictFor(FEED, { fresh: true });
  assert.equal((await stored("conn")).conn.state, "offline");
  desktop.up = true;
  await verdictFor(FEED, { fresh: true });
  assert.equal((await stored("conn")).conn.state, "paired");
});
