// Delivery of the offline queue to the desktop: nothing lost, nothing counted twice.
import { clock, env, paired, reset, stored, T0 } from "./fakes/install.js";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { flush } from "../background/delivery.js";
import { cut } from "../background/tracker.js";

const DAY_MS = 86_400_000;

/** A queued event as the tracker stores it, with a readable fixed id. */
function event(n, { start = T0 - 60_000 } = {}) {
  return {
    id: `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`,
    source: "web",
    subject: "notes.localhost",
    start: new Date(start).toISOString(),
    duration: 30,
  };
}
const ids = (events) => events.map((e) => e.id);
const sortedIds = (map) => [...map.keys()].sort();

async function queue(events) {
  await env.browser.storage.local.set({ queue: events });
}

beforeEach(() => {
  reset();
});

test("every queued event reaches the desktop once and the queue empties", async () => {
  const { desktop } = await paired();
  const events = Array.from({ length: 2_600 }, (_, i) => event(i)); // six batches
  await queue(events);
  const result = await flush();
  assert.equal(result.sent, 2_600);
  assert.deepEqual(sortedIds(desktop.received), ids(events));
  assert.ok([...desktop.sentCounts().values()].every((n) => n === 1), "an event was sent twice");
  assert.ok(desktop.batches.every((b) => b.length <= 1_000), "a batch larger than the endpoint takes");
  assert.deepEqual((await stored("queue")).queue, []);
  assert.equal(env.browser.badge.text, "");
});

test("an event queued while a batch is in flight is delivered after the batch succeeds", async () => {
  const { desktop } = await paired();
  await cut(); // the user is on notes.localhost from T0
  clock.advance(20_000);
  await cut();
  const [first] = (await stored("queue")).queue;
  const held = desktop.hold();
  const delivering = flush();
  await held.arrived; // the batch [first] is on its way
  clock.advance(15_000);
  await cut(); // a tab switch queues another event meanwhile
  const { queue: during } = await stored("queue");
  assert.equal(during.length, 2);
  held.release();
  const result = await delivering;
  assert.equal(result.sent, 2);
  assert.deepEqual(sortedIds(desktop.received), ids(during).sort());
  assert.deepEqual(desktop.batches, [[first.id], [during[1].id]]);
  assert.deepEqual((await stored("queue")).queue, []);
});

test("a batch whose answer was lost is sent again and counted once", async () => {
  const { desktop } = await paired();
  const events = [event(1), event(2), event(3)];
  await queue(events);
  desktop.loseNextAnswer = true;
  const lost = await flush();
  assert.equal(lost.offline, true);
  assert.deepEqual(ids((await stored("queue")).queue), ids(events), "unacknowledged events must stay queued");
  const again = await flush({ force: true });
  assert.equal(again.sent, 3);
  assert.deepEqual(sortedIds(desktop.received), ids(events));
  assert.equal(desktop.batches.length, 2); // the same batch twice; the desktop saw duplicates
  assert.deepEqual((await stored("queue")).queue, []);
});

test("an event the desktop refuses for good (422 naming it) is dropped alone; the others are delivered", async () => {
  const { desktop } = await paired();
  const tooOld = event(2, { start: T0 - 31 * DAY_MS });
  const events = [event(1), tooOld, event(3), event(4)];
  await queue(events);
  const result = await flush();
  assert.deepEqual(sortedIds(desktop.received), ids([event(1), event(3), event(4)]));
  assert.equal(result.sent, 3);
  const after = await stored("queue", "refused", "conn");
  assert.deepEqual(after.queue, []);
  assert.equal(after.refused, 1);
  assert.equal(after.conn.state, "paired");
});

test("a refused event in the middle of a long queue: exactly that one is dropped", async () => {
  const { desktop } = await paired();
  const events = Array.from({ length: 700 }, (_, i) => event(i));
  events[620] = event(620, { start: T0 - 40 * DAY_MS }); // in the second batch, not at its front
  events[3] = event(3, { start: T0 + DAY_MS }); // a clock that ran ahead: refused too
  await queue(events);
  await flush();
  const expected = ids(events.filter((_, i) => i !== 620 && i !== 3));
  assert.deepEqual(sortedIds(desktop.received), expected);
  assert.equal((await stored("refused")).refused, 2);
  assert.deepEqual((await stored("queue")).queue, []);
});

test("a 422 that names no single event drops nothing and retries later", async () => {
  const { desktop } = await paired();
  const events = [event(1), event(2)];
  await queue(events);
  const answer = desktop.answer;
  desktop.answer = () => new Response(JSON.stringify({ error: "invalid", message: "bad batch", field: "events" }), { status: 422 });
  const result = await flush();
  assert.equal(result.sent, 0);
  assert.equal(result.error, "bad batch");
  const after = await stored("queue", "refused", "backoff");
  assert.deepEqual(ids(after.queue), ids(events));
  assert.equal(after.refused ?? 0, 0);
  assert.equal(after.backoff.failures, 1);
  desktop.answer = answer;
  await flush({ force: true });
  assert.deepEqual(sortedIds(desktop.received), ids(events));
});

test("while the app is down events wait; retries back off from 2 s and then deliver", async () => {
  const { desktop } = await paired();
  await queue([event(1)]);
  desktop.up = false;
  const down = await flush();
  assert.equal(down.offline, true);
  assert.equal((await stored("conn")).conn.state, "offline");
  desktop.up = true;
  // The first retry waits 2 s less up to 20 % jitter: not before 1.6 s, due by 2 s.
  clock.advance(1_500);
  assert.deepEqual(await flush(), { sent: 0, waiting: true });
  assert.equal(desktop.received.size, 0);
  clock.advance(500);
  assert.equal((await flush()).sent, 1);
  const after = await stored("conn", "backoff", "queue");
  assert.equal(after.conn.state, "paired");
  assert.deepEqual(after.backoff, { failures: 0, nextAt: 0 });
  assert.deepEqual(after.queue, []);
});

test("each failure doubles the wait; opening the popup (force) retries at once", async () => {
  const { desktop } = await paired();
  await queue([event(1)]);
  desktop.up = false;
  await flush();
  clock.advance(2_000);
  await flush();
  const { backoff } = await stored("backoff");
  assert.equal(backoff.failures, 2);
  const wait = backoff.nextAt - clock.now;
  assert.ok(wait > 3_200 && wait <= 4_000, `second wait ${wait} ms`);
  desktop.up = true;
  assert.equal((await flush({ force: true })).sent, 1);
});

test("a revoked token stops delivery without losing events", async () => {
  const { desktop } = await paired();
  await queue([event(1), event(2)]);
  desktop.tokens.clear(); // `human-pretraining tokens revoke`
  const result = await flush();
  assert.equal(result.sent, 0);
  const after = await stored("conn", "queue", "backoff");
  assert.equal(after.conn.state, "revoked");
  assert.equal(after.queue.length, 2);
  assert.equal(after.backoff?.failures ?? 0, 0); // no point retrying with a revoked token
  assert.equal(env.browser.badge.text, "!");
  const requests = desktop.requests.length;
  assert.deepEqual(await flush({ force: true }), { sent: 0 });
  assert.equal(desktop.requests.length, requests, "nothing is sent with a revoked token");
});

test("an unpaired browser keeps its events and sends nothing", async () => {
  const { desktop } = env;
  env.browser.openWindow({ url: "https://notes.localhost/" });
  await queue([event(1)]);
  assert.deepEqual(await flush({ force: true }), { sent: 0 });
  assert.equal(desktop.requests.length, 0);
  assert.equal((await stored("queue")).queue.length, 1);
});

test("flushes started together share one delivery: every event is sent once", async () => {
  const { desktop } = await paired();
  await queue([event(1), event(2), event(3)]);
  const [a, b, c] = await Promise.all([flush(), flush(), flush({ force: true })]);
  assert.equal(a.sent, 3);
  assert.deepEqual(b, a);
  assert.deepEqual(c, a);
  assert.deepEqual(desktop.batches, [ids([event(1), event(2), event(3)])]);
  // A later flush is a new run.
  await queue([event(4)]);
  assert.equal((await flush()).sent, 1);
});

test("a retry is due exactly at its time, not a moment later", async () => {
  const { desktop } = await paired();
  await queue([event(1)]);
  desktop.up = false;
  await flush();
  desktop.up = true;
  const { backoff } = await stored("backoff");
  clock.set(backoff.nextAt - 1);
  assert.deepEqual(await flush(), { sent: 0, waiting: true });
  clock.set(backoff.nextAt);
  assert.equal((await flush()).sent, 1);
});

test("only a 422 refuses an event for good: another error naming one drops nothing", async () => {
  const { desktop } = await paired();
  const events = [event(1), event(2)];
  await queue(events);
  const answer = desktop.answer;
  desktop.answer = () =>
    new Response(JSON.stringify({ error: "bad_request", message: "try again", field: "events[1].start" }), { status: 400 });
  await flush();
  const after = await stored("queue", "refused");
  assert.deepEqual(ids(after.queue), ids(events));
  assert.equal(after.refused ?? 0, 0);
  desktop.answer = answer;
  await flush({ force: true });
  assert.deepEqual(sortedIds(desktop.received), ids(events));
});

test("a flush ends even while events keep arriving: at most 50 requests, the rest waits for the next", { timeout: 10_000 }, async () => {
  const { desktop, browser } = await paired();
  await queue([event(0)]);
  // Every time a batch arrives, the tracker has queued one more event (a very busy browser).
  let n = 0;
  const answer = desktop.answer;
  desktop.answer = (request) => {
    n += 1;
    const response = answer(request);
    return browser.storage.local.get("queue").then(({ queue: now }) =>
      browser.storage.local.set({ queue: [...now, event(n)] }).then(() => response),
    );
  };
  const result = await flush();
  assert.equal(result.sent, 50);
  assert.equal(desktop.batches.length, 50);
  assert.deepEqual(ids((await stored("queue")).queue), [event(50).id]); // nothing lost: it waits
});
