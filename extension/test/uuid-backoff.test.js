import assert from "node:assert/strict";
import { test } from "node:test";
import { BASE_MS, CAP_MS, retryDelay } from "../lib/backoff.js";
import { uuidv7 } from "../lib/uuid.js";

const SCHEMA_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

test("uuidv7 ids match the schema, carry version 7 and sort by time", () => {
  const a = uuidv7(1_795_000_000_000);
  const b = uuidv7(1_795_000_000_001);
  assert.match(a, SCHEMA_ID);
  assert.equal(a[14], "7");
  assert.ok("89ab".includes(a[19]));
  assert.ok(a < b);
  assert.equal(a.slice(0, 13).replace("-", ""), (1_795_000_000_000).toString(16).padStart(12, "0"));
});

test("uuidv7 ids are unique", () => {
  const ids = new Set(Array.from({ length: 10_000 }, () => uuidv7(1)));
  assert.equal(ids.size, 10_000);
});

test("backoff doubles from 2 s up to 5 minutes, with at most 20 % jitter", () => {
  assert.equal(retryDelay(0), 0);
  assert.equal(retryDelay(1, () => 0), BASE_MS);
  assert.equal(retryDelay(2, () => 0), 2 * BASE_MS);
  assert.equal(retryDelay(5, () => 0), 16 * BASE_MS);
  assert.equal(retryDelay(50, () => 0), CAP_MS);
  assert.equal(retryDelay(50, () => 1), CAP_MS * 0.8);
  for (let n = 1; n < 40; n += 1) assert.ok(retryDelay(n + 1, () => 0) >= retryDelay(n, () => 0));
});
