import assert from "node:assert/strict";
import { test } from "node:test";
import { activePass, subjectFor } from "../lib/subjects.js";

const verdict = (subject) => ({ at: 0, body: { subject } });

test("the verdict's subject is reported for its page", () => {
  const verdicts = { "m.youtube.com/shorts/abc": verdict("youtube.com/shorts") };
  assert.equal(subjectFor("https://m.youtube.com/shorts/abc?x", verdicts), "youtube.com/shorts");
});

test("offline, a subject named for the host is reused, the longest path prefix first", () => {
  const verdicts = { "youtube.com/": verdict("youtube.com"), "youtube.com/shorts/a": verdict("youtube.com/shorts") };
  assert.equal(subjectFor("https://www.youtube.com/shorts/zzz", verdicts), "youtube.com/shorts");
  assert.equal(subjectFor("https://www.youtube.com/watch", verdicts), "youtube.com");
});

test("a host the desktop never named is reported as it is; browser pages not at all", () => {
  assert.equal(subjectFor("https://feed.localhost:8123/x", {}), "feed.localhost");
  assert.equal(subjectFor("chrome://newtab", {}), null);
});

test("a pass covers its subject until it ends", () => {
  const passes = { "feed.localhost": { until: 1_000, kind: "surcharge" } };
  assert.equal(activePass(passes, "feed.localhost", 999).kind, "surcharge");
  assert.equal(activePass(passes, "feed.localhost", 1_000), null);
  assert.equal(activePass(passes, "other.localhost", 0), null);
  assert.equal(activePass(passes, null, 0), null);
});
