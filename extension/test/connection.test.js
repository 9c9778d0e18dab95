// Pairing, the connection state the user sees, the badge, and the HTTP client
// (background/connection.js, background/client.js, background/state.js).
import { clock, env, paired, reset, stored, T0 } from "./fakes/install.js";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { ApiError, Offline, call } from "../background/client.js";
import { fetchSummary, noteResult, pair, updateBadge } from "../background/connection.js";
import { locked } from "../background/state.js";

beforeEach(() => {
  reset();
});

test("pairing with the code the desktop shows stores the token and the desktop's settings", async () => {
  const { desktop, browser } = env;
  desktop.tracking = { idle_threshold_s: 300, store_titles: true, store_paths: false };
  assert.deepEqual(await pair(5747, "  ABC123 "), { ok: true, state: "paired" });
  const pairing = desktop.requests.find((r) => r.path === "/api/v1/pair");
  assert.deepEqual(pairing.body, { code: "ABC123", client: "Chrome extension" });
  const { conn, tracking } = await stored("conn", "tracking");
  assert.deepEqual(conn, { port: 5747, token: "token-1", state: "paired", message: "" });
  assert.deepEqual(tracking, { idle_threshold_s: 300, store_titles: true, store_paths: false, fetchedAt: T0 });
  assert.equal(browser.idleState.interval, 300);
  assert.equal(browser.badge.text, "");
});

test("a wrong code or a stopped app is said plainly and stores nothing", async () => {
  const refused = await pair(5747, "WRONG1");
  assert.equal(refused.ok, false);
  assert.equal(refused.state, "refused");
  assert.match(refused.message, /wrong or expired/);
  env.desktop.up = false;
  const offline = await pair(5747, "ABC123");
  assert.equal(offline.state, "offline");
  assert.match(offline.message, /not reachable on port 5747/);
  const other = await pair(6000, "ABC123"); // the app listens elsewhere
  assert.equal(other.state, "offline");
  assert.equal((await stored("conn")).conn, undefined);
});

test("the connection state follows each answer: paired, not running, revoked", async () => {
  await paired();
  assert.equal(await noteResult(new Offline("down")), "offline");
  assert.deepEqual((await stored("conn")).conn.message, "down");
  assert.equal(await noteResult(null), "paired");
  assert.equal((await stored("conn")).conn.message, "");
  assert.equal(await noteResult(new ApiError(500, { message: "boom" })), "paired"); // not about the connection
  assert.equal(await noteResult(new ApiError(401, { message: "A valid token is required" })), "revoked");
  assert.equal(env.browser.badge.text, "!");
  assert.match(env.browser.badge.title, /revoked/);
});

test("the badge: FULL when events were lost, ! when not paired, nothing when all is well", async () => {
  const { browser } = env;
  await updateBadge();
  assert.equal(browser.badge.text, "!");
  assert.match(browser.badge.title, /Not paired/);
  await paired();
  await updateBadge();
  assert.equal(browser.badge.text, "");
  assert.equal(browser.badge.title, "Human Pretraining");
  await browser.storage.local.set({ dropped: 4 });
  await updateBadge();
  assert.equal(browser.badge.text, "FULL");
  assert.match(browser.badge.title, /4 events could not be recorded/);
  assert.equal(browser.badge.color, "#b3261e");
  await browser.storage.local.set({ dropped: 0 });
  await noteResult(new ApiError(401, {}));
  assert.equal(browser.badge.text, "!");
  assert.notEqual(browser.badge.color, "#b3261e");
});

test("the summary brings the desktop's settings; the idle threshold never goes below 15 s", async () => {
  const { desktop, browser } = await paired();
  desktop.tracking = { idle_threshold_s: 10, store_titles: false, store_paths: true };
  clock.advance(1_000);
  const summary = await fetchSummary();
  assert.equal(summary.balance, 100);
  assert.equal(browser.idleState.interval, 15);
  assert.equal((await stored("tracking")).tracking.fetchedAt, T0 + 1_000);
  desktop.up = false;
  assert.equal(await fetchSummary(), null);
  assert.equal((await stored("conn")).conn.state, "offline");
  reset();
  assert.equal(await fetchSummary(), null); // unpaired: nothing asked
  assert.equal(env.desktop.requests.length, 0);
});

test("an unexpected desktop error reaches the caller", async () => {
  const { desktop } = await paired();
  desktop.answer = () => new Response(JSON.stringify({ error: "internal", message: "boom" }), { status: 500 });
  await assert.rejects(fetchSummary(), (error) => error instanceof ApiError && error.status === 500);
});

test("the client talks to 127.0.0.1 on the paired port with the token, and sorts failures", async () => {
  const { desktop, token } = await paired();
  const answer = await call({ port: desktop.port, token }, "GET", "/api/v1/summary");
  assert.equal(answer.balance, 100);
  const request = desktop.requests.at(-1);
  assert.equal(request.token, token);
  await assert.rejects(call({ port: desktop.port, token: null }, "GET", "/api/v1/summary"), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 401);
    assert.equal(error.body.error, "unauthorized");
    assert.match(error.message, /valid token/);
    return true;
  });
  desktop.up = false;
  await assert.rejects(call({ port: desktop.port, token }, "GET", "/api/v1/summary"), Offline);
  desktop.up = true;
  desktop.answer = () => new Response("not json", { status: 503 });
  await assert.rejects(call({ port: desktop.port, token }, "GET", "/x"), (error) => error.status === 503 && error.message === "HTTP 503");
});

test("locked steps run one after another, in order, even after one fails", async () => {
  const order = [];
  const slow = locked(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    order.push("slow");
    return 1;
  });
  const failing = locked(async () => {
    order.push("failing");
    throw new Error("no");
  });
  const last = locked(() => {
    order.push("last");
    return 3;
  });
  assert.equal(await slow, 1);
  await assert.rejects(failing, /no/);
  assert.equal(await last, 3);
  assert.deepEqual(order, ["slow", "failing", "last"]);
});

test("Firefox pairs under its own name", async () => {
  const agent = navigator.userAgent;
  Object.defineProperty(navigator, "userAgent", { value: "Mozilla/5.0 (X11; Linux x86_64; rv:142.0) Gecko/20100101 Firefox/142.0", configurable: true });
  try {
    await pair(5747, "ABC123");
  } finally {
    Object.defineProperty(navigator, "userAgent", { value: agent, configurable: true });
  }
  assert.equal(env.desktop.requests[0].body.client, "Firefox extension");
});

test("a body is sent as JSON (the desktop refuses anything else)", async () => {
  const { desktop, token } = await paired();
  await call({ port: desktop.port, token }, "POST", "/api/v1/events", { events: [] }).catch(() => null);
  assert.equal(desktop.requests.at(-1).contentType, "application/json");
  await call({ port: desktop.port, token }, "GET", "/api/v1/summary");
  assert.equal(desktop.requests.at(-1).contentType, undefined);
});

test("pairing clears the 'not paired' badge; a stopped app is not a success", async () => {
  await updateBadge();
  assert.equal(env.browser.badge.text, "!");
  env.desktop.up = false;
  assert.equal((await pair(5747, "ABC123")).ok, false);
  env.desktop.up = true;
  await pair(5747, "ABC123");
  assert.equal(env.browser.badge.text, "");
});

test("the state's message follows the last answer, and a working summary means paired again", async () => {
  const { desktop } = await paired();
  await noteResult(new Offline("down at 10:00"));
  await noteResult(new Offline("down at 10:05"));
  assert.equal((await stored("conn")).conn.message, "down at 10:05");
  await noteResult(new ApiError(401, { message: "A valid token is required" }));
  assert.equal((await stored("conn")).conn.message, "A valid token is required");
  desktop.up = true;
  await noteResult(new Offline("down"));
  await fetchSummary();
  assert.deepEqual((await stored("conn")).conn.state, "paired");
  desktop.tokens.clear();
  assert.equal(await fetchSummary(), null); // revoked: no summary, no error
  assert.equal((await stored("conn")).conn.state, "revoked");
});

test("a single lost event is already FULL on the badge", async () => {
  await paired();
  await env.browser.storage.local.set({ dropped: 1 });
  await updateBadge();
  assert.equal(env.browser.badge.text, "FULL");
  assert.equal(env.browser.badge.color, "#b3261e");
});

test("a new state is recorded even when its message reads the same", async () => {
  await paired();
  await noteResult(new ApiError(401, { message: "no answer" }));
  await noteResult(new Offline("no answer"));
  assert.equal((await stored("conn")).conn.state, "offline");
});
