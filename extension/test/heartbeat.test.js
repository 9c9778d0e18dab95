import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { MAX_EVENT_MS, buildEvents, isTracked, pieces, segmentEnd } from "../lib/heartbeat.js";

const T0 = Date.UTC(2026, 10, 26, 14, 0, 0);
let counter = 0;
const newId = () => `00000000-0000-7000-8000-${String(counter++).padStart(12, "0")}`;
const segment = (extra = {}) => ({
  tabId: 1, focused: true, incognito: false, subject: "feed.localhost", path: "/secret/page",
  title: "A private title", idle: false, audible: false, surcharge: false,
  start: T0, lastSeen: T0, scroll: { px: 0, ms: 0, flings: 0 }, ...extra,
});
const privacy = { store_titles: false, store_paths: false };

// The events schema, checked by hand for the fields the extension sends (no dependency).
const schema = JSON.parse(readFileSync(new URL("../../shared/schemas/events.schema.json", import.meta.url)));
function assertSchemaValid(event) {
  const def = schema.definitions.event;
  for (const key of def.required) assert.ok(key in event, `missing ${key}`);
  for (const key of Object.keys(event)) assert.ok(key in def.properties, `unknown ${key}`);
  assert.match(event.id, new RegExp(def.properties.id.pattern));
  assert.ok(event.duration >= 0 && event.duration <= 3600);
  assert.ok(!Number.isNaN(Date.parse(event.start)) && event.start.endsWith("Z"));
  for (const key of Object.keys(event.signals || {})) {
    assert.ok(key in def.properties.signals.properties, `unknown signal ${key}`);
  }
  for (const key of Object.keys(event.detail || {})) {
    assert.ok(key in def.properties.detail.properties, `unknown detail ${key}`);
  }
}

test("a segment becomes one web event with the domain only", () => {
  const [event, ...rest] = buildEvents(segment(), T0 + 42_500, privacy, newId);
  assert.equal(rest.length, 0);
  assert.equal(event.source, "web");
  assert.equal(event.subject, "feed.localhost");
  assert.equal(event.start, "2026-11-26T14:00:00.000Z");
  assert.equal(event.duration, 42.5);
  assert.equal(event.signals, undefined);
  assert.equal(event.detail, undefined); // no path, no title without the opt-in
  assertSchemaValid(event);
});

test("paths and titles are sent only when the user opted in", () => {
  const [event] = buildEvents(segment(), T0 + 1_000, { store_titles: true, store_paths: true }, newId);
  assert.deepEqual(event.detail, { title: "A private title", path: "/secret/page" });
  assertSchemaValid(event);
});

test("nothing is built for a background window, a private window, a browser page or an idle user", () => {
  for (const extra of [{ focused: false }, { incognito: true }, { subject: null }, { idle: true }]) {
    assert.deepEqual(buildEvents(segment(extra), T0 + 60_000, privacy, newId), [], JSON.stringify(extra));
    assert.equal(isTracked(segment(extra)), false);
  }
});

test("idle with media playing is reported as idle and audible (it costs on feeds)", () => {
  const [event] = buildEvents(segment({ idle: true, audible: true }), T0 + 30_000, privacy, newId);
  assert.deepEqual(event.signals, { idle: true, audible: true });
});

test("scroll numbers and the surcharge ride along as signals", () => {
  const scrolled = segment({ surcharge: true, scroll: { px: 12_345.4, ms: 20_000, flings: 3 } });
  const [event] = buildEvents(scrolled, T0 + 30_000, privacy, newId);
  assert.deepEqual(event.signals, { surcharge: true, scroll_px: 12_345, scroll_s: 20, flings: 3 });
  assertSchemaValid(event);
  // Scrolling time never exceeds the event's duration.
  const [short] = buildEvents(segment({ scroll: { px: 1, ms: 90_000, flings: 0 } }), T0 + 30_000, privacy, newId);
  assert.equal(short.signals.scroll_s, 30);
});

test("a segment longer than an hour is split into schema-sized pieces covering it exactly", () => {
  const end = T0 + 2.5 * MAX_EVENT_MS;
  const events = buildEvents(segment(), end, privacy, newId);
  assert.equal(events.length, 3);
  assert.deepEqual(events.map((e) => e.duration), [3600, 3600, 1800]);
  assert.equal(new Set(events.map((e) => e.id)).size, 3);
  assert.deepEqual(pieces(0, 10, 4), [[0, 4], [4, 8], [8, 10]]);
  events.forEach(assertSchemaValid);
});

test("a segment never grows past the last moment it was seen alive plus the gap", () => {
  const s = segment({ lastSeen: T0 + 30_000 });
  assert.equal(segmentEnd(s, T0 + 40_000, 75_000), T0 + 40_000);
  assert.equal(segmentEnd(s, T0 + 10 * 3_600_000, 75_000), T0 + 105_000); // the browser was closed
  assert.deepEqual(buildEvents(s, T0, privacy, newId), []);
});
