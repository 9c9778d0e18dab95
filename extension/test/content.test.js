// The scroll content script (content/scroll.js) in a page: what it sends, and when.
import { env, paired, reset, stored, waitFor } from "./fakes/install.js";
import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";
import { dispatch } from "../background/messages.js";
import { cut } from "../background/tracker.js";
import { installPage, loadPage } from "./fakes/dom.js";
import "../lib/scroll-meter.js"; // a classic script: defines globalThis.HumanPretrainingScrollMeter

const realPerformance = globalThis.performance;
let t = 0; // the page's clock (performance.now), in ms
let loads = 0;
let sent = [];

async function openPage() {
  const { tabId } = await paired({ url: "https://feed.localhost/home" });
  await cut();
  const page = installPage(loadPage(null));
  sent = [];
  env.browser.runtime.sendMessage = (message) => {
    sent.push(message);
    return env.browser.sendFromTab(tabId, message);
  };
  loads += 1;
  await import(`../content/scroll.js?load=${loads}`);
  return page;
}

function scrollTo(page, ms, y, target = page.document) {
  t = ms;
  page.window.scrollY = y;
  page.document.dispatch("scroll", { target });
}

beforeEach(() => {
  reset();
  env.browser.runtime.onMessage.addListener(dispatch);
  t = 0;
  globalThis.performance = { now: () => t };
  mock.timers.enable({ apis: ["setTimeout"] });
});

afterEach(() => {
  mock.timers.reset();
  globalThis.performance = realPerformance;
});

test("scrolling is sent a second after it stops and counted on the tab's stretch", async () => {
  const page = await openPage();
  scrollTo(page, 100, 300);
  scrollTo(page, 200, 600);
  scrollTo(page, 300, 900);
  mock.timers.tick(999);
  assert.deepEqual(sent, []);
  mock.timers.tick(1);
  // 900 px; 150 ms for the first event's burst tail plus 2 × 100 ms between events; 3,000 px/s is no fling.
  assert.deepEqual(sent, [{ kind: "scroll", px: 900, ms: 350, flings: 0 }]);
  const { segment } = await waitFor(async () => {
    const value = await stored("segment");
    return value.segment.scroll.px ? value : null;
  }, "the numbers to reach the background");
  assert.deepEqual(segment.scroll, { px: 900, ms: 350, flings: 0 });
});

test("a fast flick counts as a fling; a scrolling container's own position is measured", async () => {
  const page = await openPage();
  const feed = { scrollTop: 0, scrollLeft: 0 };
  scrollTo(page, 0, 0, feed);
  feed.scrollTop = 2_000;
  scrollTo(page, 100, 0, feed); // 20,000 px/s
  mock.timers.tick(1_000);
  assert.deepEqual(sent, [{ kind: "scroll", px: 2_000, ms: 250, flings: 1 }]);
});

test("long scrolling is sent at least every 5 s", async () => {
  const page = await openPage();
  for (let ms = 0; ms <= 6_000; ms += 200) {
    scrollTo(page, ms, ms);
    mock.timers.tick(200);
  }
  assert.equal(sent.length, 1);
  assert.equal(sent[0].kind, "scroll");
  assert.ok(sent[0].px >= 4_800 && sent[0].px <= 5_000, `sent after ${sent[0].px} px`);
});

test("a page never scrolled sends nothing; hiding it sends what was measured at once", async () => {
  const page = await openPage();
  page.document.visibilityState = "hidden";
  page.document.dispatch("visibilitychange");
  page.window.dispatch("pagehide");
  assert.deepEqual(sent, []);
  page.document.visibilityState = "visible";
  scrollTo(page, 10, 40);
  page.document.visibilityState = "hidden";
  page.document.dispatch("visibilitychange");
  assert.deepEqual(sent, [{ kind: "scroll", px: 40, ms: 150, flings: 0 }]);
  mock.timers.tick(5_000);
  assert.equal(sent.length, 1); // nothing twice
});

test("the window losing or regaining the focus is reported (the browser does not always say)", async () => {
  const page = await openPage();
  page.window.dispatch("blur");
  page.window.dispatch("focus");
  assert.deepEqual(sent, [{ kind: "focus" }, { kind: "focus" }]);
});
