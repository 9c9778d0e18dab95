import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

// The meter is a classic script (content scripts cannot be modules): run it as the browser does.
const context = vm.createContext({});
vm.runInContext(readFileSync(new URL("../lib/scroll-meter.js", import.meta.url), "utf8"), context);
const ScrollMeter = vm.runInContext("HumanPretrainingScrollMeter", context);

test("pixels are the distance scrolled in either direction", () => {
  const meter = new ScrollMeter();
  meter.anchor(0);
  for (const [t, y] of [[0, 100], [100, 300], [200, 250]]) meter.observe(t, y);
  assert.equal(meter.take().px, 350);
});

test("active time is each burst's span plus a tail; a pause splits bursts", () => {
  const meter = new ScrollMeter({ gapMs: 400, tailMs: 150 });
  meter.anchor(0);
  for (let t = 0; t <= 1_000; t += 100) meter.observe(t, t); // one 1 s burst, slow
  meter.observe(5_000, 2_000); // a lone wheel tick later
  const numbers = meter.take();
  assert.equal(numbers.ms, 1_000 + 150 + 150);
  assert.equal(numbers.flings, 0);
});

test("a fast burst counts as one fling, however many fast events it has", () => {
  const meter = new ScrollMeter({ flingPxPerS: 4_000 });
  meter.anchor(0);
  for (let i = 1; i <= 10; i += 1) meter.observe(i * 16, i * 200); // 12,500 px/s
  meter.observe(2_000, 2_100); // after a pause: a new, slow burst
  meter.observe(2_100, 2_150);
  assert.equal(meter.take().flings, 1);
});

test("reading someone's page slowly is not doomscrolling; flicking through a feed is", () => {
  const reading = new ScrollMeter();
  reading.anchor(0);
  for (let minute = 0; minute < 5; minute += 1) reading.observe(minute * 60_000, minute * 400);
  const read = reading.take();
  const feed = new ScrollMeter();
  feed.anchor(0);
  let y = 0;
  // Flick for 600 ms, look for 600 ms, again and again.
  for (let t = 0; t < 60_000; t += 50) if (t % 1_200 < 600) feed.observe(t, (y += 300));
  const fed = feed.take();
  assert.ok(read.ms / (5 * 60_000) < 0.4, `reading share ${read.ms}`);
  assert.ok(fed.ms / 60_000 >= 0.4, `feed share ${fed.ms}`);
  assert.ok(fed.flings >= 20);
});

test("take starts again from zero", () => {
  const meter = new ScrollMeter();
  meter.observe(0, 0);
  meter.observe(100, 500);
  meter.take();
  assert.equal(JSON.stringify(meter.take()), JSON.stringify({ px: 0, ms: 0, flings: 0 }));
});
