import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { pageOf, subjectCovers, verdictKey } from "../lib/url.js";

test("only http(s) pages are web activity", () => {
  assert.deepEqual(pageOf("https://www.YouTube.com/shorts/abc?x=1#t"), { host: "www.youtube.com", path: "/shorts/abc" });
  assert.deepEqual(pageOf("http://learn.localhost:8123/a"), { host: "learn.localhost", path: "/a" });
  for (const url of ["chrome://settings", "about:blank", "file:///etc/passwd", "moz-extension://x/y", "", "nonsense", null]) {
    assert.equal(pageOf(url), null, String(url));
  }
});

test("the host is punycoded, lower case, without port, credentials or trailing dot", () => {
  assert.equal(pageOf("https://user:pw@Bücher.DE.:443/x").host, "xn--bcher-kva.de");
  assert.equal(pageOf("https://[::1]:8080/").host, "[::1]");
});

test("the verdict cache key is host and path, never query or fragment", () => {
  assert.equal(verdictKey("https://m.youtube.com/shorts/abc?feature=share#x"), "m.youtube.com/shorts/abc");
  assert.equal(verdictKey("chrome://newtab"), null);
});

test("a subject covers its subdomains and its path prefix on segment boundaries", () => {
  const page = (url) => pageOf(url);
  assert.ok(subjectCovers("youtube.com", page("https://m.youtube.com/watch")));
  assert.ok(subjectCovers("youtube.com/shorts", page("https://www.youtube.com/shorts/abc")));
  assert.ok(subjectCovers("youtube.com/shorts", page("https://youtube.com/shorts")));
  assert.ok(!subjectCovers("youtube.com/shorts", page("https://youtube.com/shortsfoo")));
  assert.ok(!subjectCovers("youtube.com", page("https://notyoutube.com/")));
  assert.ok(subjectCovers("reddit.com/r/learnpython/", page("https://reddit.com/r/learnpython/top")));
});

// The extension does not match rules itself: it reports the host and asks the desktop
// for the subject. What it must agree on with the shared vectors is the host it derives
// from each web case's URL, before the desktop's normalisation (www./m. and IDN).
test("every web URL of the shared rule-matching vectors yields a host", () => {
  const vectors = JSON.parse(readFileSync(new URL("../../shared/vectors/rule-matching.json", import.meta.url)));
  const web = vectors.cases.filter((c) => c.input.url !== undefined);
  assert.ok(web.length > 20);
  for (const c of web) {
    const page = pageOf(c.input.url);
    const isWeb = /^\s*(https?:)?\/\//i.test(c.input.url) || !/^[a-z][a-z0-9+.-]*:/i.test(c.input.url);
    if (!/^\s*https?:\/\//i.test(c.input.url)) continue; // bare "domain/path" inputs are not browser URLs
    assert.ok(isWeb);
    assert.ok(page, `no host for ${c.input.url}`);
    assert.equal(page.host, page.host.toLowerCase());
    assert.ok(/^[\x21-\x7e]+$/.test(page.host), `not ASCII: ${page.host}`);
  }
});
