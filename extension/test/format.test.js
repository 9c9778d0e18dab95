// The numbers and states the pages show (lib/format.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { STATES, duration, minutes, points } from "../lib/format.js";

test("points: at most three decimals, thousands separated, a dash when unknown", () => {
  assert.equal(points(12.5), "12.5");
  assert.equal(points(-6), "-6");
  assert.equal(points(1234.5678), "1,234.568");
  assert.equal(points(0.0004), "0");
  assert.equal(points(0), "0");
  assert.equal(points(null), "–");
  assert.equal(points(undefined), "–");
});

test("durations: seconds under a minute, minutes and padded seconds above", () => {
  assert.equal(duration(0), "0 s");
  assert.equal(duration(59.4), "59 s");
  assert.equal(duration(60), "1 min 00 s");
  assert.equal(duration(605), "10 min 05 s");
  assert.equal(duration(-3), "0 s");
});

test("minutes: singular and plural", () => {
  assert.equal(minutes(1), "1 minute");
  assert.equal(minutes(10), "10 minutes");
  assert.equal(minutes(0), "0 minutes");
});

test("every connection state has a sentence for people", () => {
  for (const state of ["paired", "offline", "revoked", "unpaired", "refused"]) {
    assert.ok(STATES[state] && STATES[state].endsWith("."), state);
  }
  assert.match(STATES.offline, /still counted/);
});
