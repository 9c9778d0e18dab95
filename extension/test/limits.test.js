// The exact limits and boundaries of the pure modules, with the numbers written out
// (not read back from the modules' own constants): retry delays, event caps, the
// scroll meter's burst and fling thresholds.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";
import { retryDelay } from "../lib/backoff.js";
import { buildEvents, pieces } from "../lib/heartbeat.js";

const context = vm.createContext({});
vm.runInContext(readFileSync(new URL("../lib/scroll-meter.js", import.meta.url), "utf8"), context);
const ScrollMeter = vm.runInContext("HumanPretrainingScrollMeter", context);

test("retries wait 2 s, 4 s, 8 s … and never more than 5 minutes; jitter takes off at most a fifth", () => {
  assert.equal(retryDelay(1, () => 0), 2_000);
  assert.equal(retryDelay(1, () => 1), 1_600);
  assert.equal(retryDelay(3, () => 0), 8_000);
  assert.equal(retryDelay(8, () => 0), 256_000);
  assert.equal(retryDelay(9, () => 0), 300_000);
  assert.equal(retryDelay(10_000, () => 0), 300_000);
  assert.equal(retryDelay(-1, () => 0), 0);
});

const T0 = Date.UTC(2026, 10, 26, 14, 0, 0);
let n = 0;
const newId = () => `00000000-0000-7000-8000-${String(n++).padStart(12, "0")}`;
const segment = (extra = {}) => ({
  focused: true, incognito: false, subject: "feed.localhost", idle: false, audible: false, surcharge: false,
  start: T0, lastSeen: T0, scroll: { px: 0, ms: 0, flings: 0 }, ...extra,
});

test("exactly two hours are two events, not a third empty one", () => {
  const events = buildEvents(segment(), T0 + 7_200_000, {}, newId);
  assert.deepEqual(events.map((e) => e.duration), [3600, 3600]);
  assert.deepEqual(pieces(0, 10, 5), [[0, 5], [5, 10]]);
});

test("signals are capped where the schema caps them, and the smallest amounts still count", () => {
  const huge = buildEvents(segment({ scroll: { px: 2e8, ms: 10_000, flings: 250_000 } }), T0 + 60_000, {}, newId)[0];
  assert.deepEqual(huge.signals, { scroll_px: 100_000_000, scroll_s: 10, flings: 100_000 });
  const tiny = buildEvents(segment({ scroll: { px: 1, ms: 1, flings: 1 } }), T0 + 60_000, {}, newId)[0];
  assert.deepEqual(tiny.signals, { scroll_px: 1, scroll_s: 0.001, flings: 1 });
});

test("a title is cut at 1,000 characters and a path at 2,000; one opt-in alone is enough", () => {
  const long = segment({ title: "t".repeat(1_500), path: "/" + "p".repeat(2_999) });
  const [both] = buildEvents(long, T0 + 1_000, { store_titles: true, store_paths: true }, newId);
  assert.equal(both.detail.title.length, 1_000);
  assert.equal(both.detail.path.length, 2_000);
  const [pathOnly] = buildEvents(segment({ path: "/a" }), T0 + 1_000, { store_paths: true }, newId);
  assert.deepEqual(pathOnly.detail, { path: "/a" });
});

test("scroll events up to 400 ms apart are one burst; a longer pause starts another", () => {
  const together = new ScrollMeter();
  together.anchor(0);
  together.observe(0, 0);
  together.observe(400, 100);
  assert.equal(together.take().ms, 150 + 400);
  const apart = new ScrollMeter();
  apart.anchor(0);
  apart.observe(0, 0);
  apart.observe(401, 100);
  assert.equal(apart.take().ms, 150 + 150);
});

test("two scroll events at the same moment are one burst and no fling", () => {
  const meter = new ScrollMeter();
  meter.anchor(0);
  meter.observe(0, 0);
  meter.observe(0, 500);
  assert.deepEqual({ ...meter.take() }, { px: 500, ms: 150, flings: 0 });
});

test("a fling is 4,000 px/s or faster: exactly 4,000 counts, just under does not", () => {
  const at = new ScrollMeter();
  at.anchor(0);
  at.observe(0, 0);
  at.observe(100, 400);
  assert.equal(at.take().flings, 1);
  const under = new ScrollMeter();
  under.anchor(0);
  under.observe(0, 0);
  under.observe(100, 399.9);
  assert.equal(under.take().flings, 0);
  const quick = new ScrollMeter(); // 1 ms apart is a real interval, not "the same moment"
  quick.anchor(0);
  quick.observe(0, 0);
  quick.observe(1, 10);
  assert.equal(quick.take().flings, 1);
});

test("a meter that was never anchored measures from its first event", () => {
  const meter = new ScrollMeter();
  meter.observe(0, 100);
  meter.observe(100, 200);
  assert.equal(meter.take().px, 100);
});
