// A week offline: the queue really fills up, the overflow is counted and shown, and
// everything that was kept reaches the desktop once it is back.
import { clock, env, paired, reset, stored, T0 } from "./fakes/install.js";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { flush } from "../background/delivery.js";
import { dispatch } from "../background/messages.js";
import { cut } from "../background/tracker.js";

const CAPACITY = 20_000; // the README promises this many (about a week)

beforeEach(() => {
  reset();
  env.browser.runtime.onMessage.addListener(dispatch);
});

const popup = (kind) => env.browser.sendFromPage("popup/popup.html", { kind });

test("a full queue counts what did not fit, shows FULL, and delivers everything it kept", async () => {
  const { browser, desktop } = await paired({ url: "https://notes.localhost/" });
  desktop.up = false; // the desktop app is not running all week
  // Six days of browsing already queued (one event per 30 s cut)...
  const week = Array.from({ length: CAPACITY - 1 }, (_, i) => ({
    id: `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`,
    source: "web",
    subject: "notes.localhost",
    start: new Date(T0 - (CAPACITY - i) * 30_000).toISOString(),
    duration: 30,
  }));
  await browser.storage.local.set({ queue: week });
  // ...then three more stretches of real browsing: the first fills the queue, two do not fit.
  await cut();
  for (let i = 0; i < 3; i += 1) {
    clock.advance(30_000);
    await cut();
  }
  const { queue, dropped } = await stored("queue", "dropped");
  assert.equal(queue.length, CAPACITY);
  assert.equal(dropped, 2);
  assert.equal(queue.at(-1).start, new Date(T0).toISOString()); // the oldest are kept, the newest not stored
  assert.equal(browser.badge.text, "FULL");
  assert.match(browser.badge.title, /Queue full: 2 events could not be recorded/);
  const status = await popup("status");
  assert.equal(status.dropped, 2);
  assert.equal(status.queued, CAPACITY);

  // The desktop is back: one flush delivers the whole week, each event once.
  desktop.up = true;
  assert.equal((await flush({ force: true })).sent, CAPACITY);
  assert.equal(desktop.received.size, CAPACITY);
  assert.ok([...desktop.sentCounts().values()].every((n) => n === 1));
  assert.deepEqual((await stored("queue")).queue, []);
  assert.equal(browser.badge.text, "FULL"); // still says events were lost, until the user saw it

  // The user dismisses the warning in the popup: the badge clears, new events queue again.
  const after = await popup("ackDropped");
  assert.equal(after.dropped, 0);
  assert.equal(browser.badge.text, "");
  clock.advance(30_000);
  await cut();
  assert.equal((await stored("queue")).queue.length, 1);
  assert.equal((await stored("dropped")).dropped, 0);
});
