import assert from "node:assert/strict";
import { test } from "node:test";
import { BATCH, append, refusedIndex, removeIds, takeBatch } from "../lib/queue.js";

const ev = (id) => ({ id: String(id) });

test("append keeps order and counts what did not fit", () => {
  let { queue, dropped } = append([], [ev(1), ev(2)], 3);
  assert.deepEqual(queue.map((e) => e.id), ["1", "2"]);
  assert.equal(dropped, 0);
  ({ queue, dropped } = append(queue, [ev(3), ev(4), ev(5)], 3));
  assert.deepEqual(queue.map((e) => e.id), ["1", "2", "3"]);
  assert.equal(dropped, 2);
  ({ queue, dropped } = append(queue, [ev(6)], 3));
  assert.equal(queue.length, 3);
  assert.equal(dropped, 1);
});

test("a batch is the front of the queue, at most BATCH events (the endpoint takes 1,000)", () => {
  const queue = Array.from({ length: 1_234 }, (_, i) => ev(i));
  const batch = takeBatch(queue);
  assert.equal(batch.length, BATCH);
  assert.ok(BATCH <= 1_000);
  assert.equal(batch[0].id, "0");
});

test("acknowledging removes exactly those ids, including events queued meanwhile staying", () => {
  const queue = [ev(1), ev(2), ev(3)];
  const batch = takeBatch(queue, 2);
  const grown = append(queue, [ev(4)]).queue; // a cut happened while the batch was in flight
  assert.deepEqual(removeIds(grown, batch.map((e) => e.id)).map((e) => e.id), ["3", "4"]);
});

test("delivering the queue in any batch sizes sends every event exactly once", () => {
  const events = Array.from({ length: 2_000 }, (_, i) => ev(i));
  for (const size of [1, 7, 500, 999, 5_000]) {
    let queue = events.slice();
    const seen = [];
    while (queue.length) {
      const batch = takeBatch(queue, size);
      seen.push(...batch.map((e) => e.id));
      queue = removeIds(queue, batch.map((e) => e.id));
    }
    assert.deepEqual(seen, events.map((e) => e.id));
  }
});

test("the refused event's index comes from the 422 field", () => {
  assert.equal(refusedIndex("events[12].start"), 12);
  assert.equal(refusedIndex("events"), null);
  assert.equal(refusedIndex(undefined), null);
});

test("removeIds removes by id, wherever the ids are in the queue", () => {
  const queue = [ev("a"), ev("b"), ev("c"), ev("d"), ev("e")];
  assert.deepEqual(removeIds(queue, ["d", "b"]).map((e) => e.id), ["a", "c", "e"]);
  assert.deepEqual(removeIds(queue, ["e"]).map((e) => e.id), ["a", "b", "c", "d"]);
  // Ids that are not queued (already removed) change nothing.
  assert.deepEqual(removeIds(queue, ["x", "y"]).map((e) => e.id), ["a", "b", "c", "d", "e"]);
  assert.deepEqual(removeIds(queue, []), queue);
});

test("append fills exactly to capacity and keeps the queue it was given otherwise", () => {
  const full = append([ev(1)], [ev(2), ev(3)], 2);
  assert.deepEqual(full.queue.map((e) => e.id), ["1", "2"]);
  assert.equal(full.dropped, 1);
  const nothing = append([ev(1)], [], 2);
  assert.deepEqual(nothing, { queue: [ev(1)], dropped: 0 });
  const over = append([ev(1), ev(2), ev(3)], [ev(4)], 2); // a capacity lowered below the queue
  assert.deepEqual(over.queue.map((e) => e.id), ["1", "2", "3"]);
  assert.equal(over.dropped, 1);
});

test("the default capacity is the 20,000 events the README promises", async () => {
  const { MAX_QUEUE } = await import("../lib/queue.js");
  assert.equal(MAX_QUEUE, 20_000);
  const queue = Array.from({ length: 19_999 }, (_, i) => ev(i));
  const { queue: filled, dropped } = append(queue, [ev("x"), ev("y")]);
  assert.equal(filled.length, 20_000);
  assert.equal(dropped, 1);
});

test("a 422 names the refused event only in an events[i] field at the start", () => {
  assert.equal(refusedIndex("events[0]"), 0);
  assert.equal(refusedIndex("events[7].signals.scroll_s"), 7);
  assert.equal(refusedIndex("other.events[3]"), null);
  assert.equal(refusedIndex("events[x]"), null);
  assert.equal(refusedIndex(""), null);
});
