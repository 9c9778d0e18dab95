// What the user reads and clicks: the popup, the options page, the nudge and block pages,
// run against the real background dispatcher, the fake browser and the fake desktop.
import { clock, env, paired, reset, stored, waitFor, T0 } from "./fakes/install.js";
import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";
import { dispatch } from "../background/messages.js";
import { cut } from "../background/tracker.js";
import { installPage, loadPage } from "./fakes/dom.js";

let loads = 0;
const FEED = "https://feed.localhost/home";

/** Open `html` (e.g. "popup/popup.html") as the page in tab `tabId` and run its script. */
async function open(html, script, { search = "", tabId } = {}) {
  const page = installPage(loadPage(html, { search }));
  const path = html + search;
  env.browser.runtime.sendMessage = (message) => env.browser.sendFromPage(path, message, tabId);
  loads += 1;
  await import(`../${script}?load=${loads}`);
  const text = (id) => page.elements.get(id).textContent;
  return { ...page, $: (id) => page.document.getElementById(id), text };
}

beforeEach(() => {
  reset();
  env.browser.runtime.onMessage.addListener(dispatch);
  env.desktop.rules = {
    "feed.localhost": { category: "distraction", rate: -6, enforcement: "nudge", verdict: "nudge", pause_s: 3, surcharge_pct: 200, buy_minutes: 10, buy_cost: 60 },
    "casino.localhost": { category: "distraction", rate: -10, enforcement: "block", verdict: "block", buy_minutes: 1, buy_cost: 10 },
    "docs.localhost": { category: "learning", rate: 2, enforcement: "track", verdict: "allow", buy_cost: null },
  };
});

afterEach(() => {
  mock.timers.reset();
});

test("popup: balance, today, the site's rule and price; buying shows what was bought", async () => {
  await paired({ url: FEED });
  const popup = await open("popup/popup.html", "popup/popup.js");
  await waitFor(() => popup.document.body.dataset.ready === "true", "the popup");
  assert.equal(popup.text("conn"), "Paired with the desktop app.");
  assert.equal(popup.$("numbers").hidden, false);
  assert.equal(popup.text("balance"), "100");
  assert.equal(popup.text("earned"), "+12.5");
  assert.equal(popup.text("spent"), "0");
  assert.equal(popup.$("site").hidden, false);
  assert.equal(popup.text("subject"), "feed.localhost");
  assert.equal(popup.text("category"), "distraction");
  assert.equal(popup.text("rate"), "-6 points/min");
  assert.equal(popup.text("allowance"), "none");
  assert.equal(popup.text("buy"), "Buy 10 minutes for 60 points");
  assert.equal(popup.$("dropped").hidden, true);
  await popup.$("buy").click();
  await waitFor(() => popup.text("buy-result") !== "", "the purchase");
  assert.equal(popup.text("buy-result"), "Bought: 10 min of feed.localhost. Balance 40.");
  assert.equal(env.desktop.balance, 40);
});

test("popup: a free site offers nothing to buy; a browser page shows no site", async () => {
  await paired({ url: "https://docs.localhost/python" });
  const popup = await open("popup/popup.html", "popup/popup.js");
  await waitFor(() => popup.document.body.dataset.ready === "true", "the popup");
  assert.equal(popup.text("rate"), "2 points/min");
  assert.equal(popup.$("buy").hidden, true);
  reset();
  env.browser.runtime.onMessage.addListener(dispatch);
  await paired({ url: "chrome://newtab/" });
  const other = await open("popup/popup.html", "popup/popup.js");
  await waitFor(() => other.document.body.dataset.ready === "true", "the popup");
  assert.equal(other.$("site").hidden, true);
});

test("popup: with the app down it says so and how much waits; a full queue is shown until dismissed", async () => {
  const { browser, desktop } = await paired({ url: "https://notes.localhost/" });
  desktop.up = false;
  const queue = Array.from({ length: 19_999 }, (_, i) => ({
    id: `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`,
    source: "web", subject: "notes.localhost", start: new Date(T0 - 600_000).toISOString(), duration: 30,
  }));
  await browser.storage.local.set({ queue });
  await cut();
  clock.advance(30_000);
  await cut(); // fills the queue
  clock.advance(30_000);
  await cut(); // does not fit
  clock.advance(30_000);
  const popup = await open("popup/popup.html", "popup/popup.js"); // opening cuts once more: 2 lost
  await waitFor(() => popup.document.body.dataset.ready === "true", "the popup");
  assert.match(popup.text("conn"), /not running/);
  assert.equal(popup.$("numbers").hidden, true);
  assert.equal(popup.text("queue"), "20000 events waiting for the desktop app.");
  assert.equal(popup.$("dropped").hidden, false);
  assert.equal(popup.$("dropped").querySelector("span").textContent, "Queue full: 2 events could not be recorded while the app was away.");
  assert.equal(browser.badge.text, "FULL");
  await popup.$("dismiss").click();
  await waitFor(() => popup.$("dropped").hidden, "the warning to go");
  assert.equal((await stored("dropped")).dropped, 0);
});

test("options: pairing with the code shows Paired and the waiting events go out", async () => {
  env.browser.openWindow({ url: "https://notes.localhost/" });
  await cut();
  clock.advance(30_000);
  await cut();
  const options = await open("options/options.html", "options/options.js");
  await waitFor(() => options.document.body.dataset.ready === "true", "the options page");
  assert.equal(options.$("state").dataset.state, "unpaired");
  assert.match(options.text("state"), /Not paired yet/);
  assert.equal(options.$("port").value, 5747);
  assert.equal(options.text("queue"), "1 events are waiting to be delivered.");
  options.$("code").value = "WRONG9";
  await options.$("pair").submit();
  assert.equal(options.text("result"), "Pairing failed. The code is wrong or expired.");
  assert.equal(options.$("result").className, "warn");
  options.$("code").value = "ABC123";
  await options.$("pair").submit();
  assert.equal(options.text("result"), "Paired.");
  assert.equal(options.$("code").value, "");
  assert.equal(options.$("state").dataset.state, "paired");
  assert.equal(options.text("queue"), "");
  assert.equal(env.desktop.received.size, 1);
  assert.equal(options.$("submit").disabled, false);
});

test("options: a revoked browser is told to pair again", async () => {
  const { desktop } = await paired();
  desktop.tokens.clear();
  const options = await open("options/options.html", "options/options.js");
  await waitFor(() => options.document.body.dataset.ready === "true", "the options page");
  assert.equal(options.$("state").dataset.state, "revoked");
  assert.match(options.text("state"), /revoked this browser's access/);
});

test("nudge page: a pause, then the price, the balance and three choices; continue lets the page through", async () => {
  mock.timers.enable({ apis: ["setInterval"] });
  const { tabId } = await paired({ url: "https://notes.localhost/" });
  const nudge = await open("pages/nudge.html", "pages/gate.js", { search: `?u=${encodeURIComponent(FEED)}`, tabId });
  await waitFor(() => nudge.document.body.dataset.ready === "true", "the nudge page");
  assert.equal(nudge.text("site"), "feed.localhost");
  assert.equal(nudge.text("rate"), "6 points per minute");
  assert.equal(nudge.text("balance"), "100 points");
  assert.equal(nudge.text("buy"), "Buy 10 minutes for 60 points");
  assert.equal(nudge.text("continue"), "Continue anyway (12 points per minute)");
  assert.equal(nudge.$("pause").hidden, false);
  assert.equal(nudge.text("seconds"), "3");
  assert.equal(nudge.$("choices").hidden, true); // no choices during the pause
  mock.timers.tick(2_000);
  assert.equal(nudge.text("seconds"), "1");
  assert.equal(nudge.$("choices").hidden, true);
  mock.timers.tick(1_000);
  await waitFor(() => nudge.document.body.dataset.choices === "true", "the choices");
  assert.equal(nudge.$("pause").hidden, true);
  assert.equal(nudge.$("choices").hidden, false);
  await nudge.$("continue").click();
  assert.deepEqual(nudge.location.replaced, [FEED]);
  assert.deepEqual((await stored("passes")).passes["feed.localhost"], { until: T0 + 600_000, kind: "surcharge" });
});

test("block page: buy or go back only; a failed purchase says why and lets the user choose again", async () => {
  const { tabId, desktop } = await paired({ url: "https://notes.localhost/" });
  desktop.balance = 5;
  const casino = "https://casino.localhost/";
  const block = await open("pages/block.html", "pages/gate.js", { search: `?u=${encodeURIComponent(casino)}`, tabId });
  await waitFor(() => block.document.body.dataset.choices === "true", "the choices");
  assert.equal(block.$("continue"), null);
  assert.equal(block.$("pause").hidden, true);
  assert.equal(block.text("buy"), "Buy 1 minute for 10 points");
  await block.$("buy").click();
  assert.equal(block.text("message"), "Not enough points.");
  assert.equal(block.$("buy").disabled, false);
  assert.deepEqual(block.location.replaced, []);
  desktop.balance = 50;
  await block.$("buy").click();
  assert.deepEqual(block.location.replaced, [casino]);
  assert.equal(desktop.balance, 40);
});

test("nudge page: 'go back' with no earlier page closes the tab", async () => {
  const { tabId } = await paired({ url: "https://notes.localhost/" });
  env.desktop.rules["feed.localhost"].pause_s = 0;
  const nudge = await open("pages/nudge.html", "pages/gate.js", { search: `?u=${encodeURIComponent(FEED)}`, tabId });
  await waitFor(() => nudge.document.body.dataset.choices === "true", "the choices");
  await nudge.$("back").click();
  await waitFor(() => !env.browser.tabsById.has(tabId), "the tab to close");
});

test("the gate page sends the user on at once when the app is down or now allows the page", async () => {
  const { tabId, desktop } = await paired({ url: "https://notes.localhost/" });
  desktop.up = false;
  const down = await open("pages/nudge.html", "pages/gate.js", { search: `?u=${encodeURIComponent(FEED)}`, tabId });
  await waitFor(() => down.location.replaced.length === 1, "the redirect");
  assert.deepEqual(down.location.replaced, [FEED]);
  desktop.up = true;
  const docs = "https://docs.localhost/python";
  const allowed = await open("pages/block.html", "pages/gate.js", { search: `?u=${encodeURIComponent(docs)}`, tabId });
  await waitFor(() => allowed.location.replaced.length === 1, "the redirect");
  assert.deepEqual(allowed.location.replaced, [docs]);
});
