/**
 * A stand-in for the desktop app's local endpoint, as a `fetch` function: it
 * answers like shared/openapi.json says (status codes, bodies, the 422 `field`
 * naming `events[i].start`) and records every request, so the tests can see what
 * the extension sent. Events are kept by id the way the desktop de-duplicates
 * them, and a batch with one refused event is refused whole (the desktop ingests
 * a batch in one transaction). `hold()` keeps the next request waiting, to act
 * while a batch is in flight. Written from the contract, not from the extension.
 */

import { readFileSync } from "node:fs";

const schema = JSON.parse(readFileSync(new URL("../../../shared/schemas/events.schema.json", import.meta.url)));
const EVENT = schema.definitions.event;
const ID = new RegExp(EVENT.properties.id.pattern);
const DAY_MS = 86_400_000;
const MAX_AGE_DAYS = 30;

const json = (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const error = (status, code, message, field) => json(status, field ? { error: code, message, field } : { error: code, message });

/** What the desktop answers for a site no rule names: tracked, allowed, costs nothing. */
function neutral(subject) {
  return {
    subject, rule: null, category: "neutral", rate: 0, enforcement: "track", verdict: "allow",
    allowance_remaining_s: 0, pause_s: 0, surcharge_pct: 200, buy_minutes: 10, buy_cost: null,
  };
}

export function createDesktop({ port = 5747 } = {}) {
  const desktop = {
    port,
    up: true,
    codes: new Set(["ABC123"]), // pairing codes the user could type (each valid once)
    tokens: new Set(),
    received: new Map(), // event id -> event, the desktop's "seen events"
    requests: [], // {method, path, body, token} in arrival order
    /** Rules by subject ("feed.localhost", "video.localhost/shorts"): parts of a verdict body. */
    rules: {},
    balance: 100,
    tracking: { idle_threshold_s: 180, store_titles: false, store_paths: false },
    held: null,
    allowances: {}, // subject -> until (ms): bought time running
    loseNextAnswer: false, // the next request is handled, but its answer never arrives

    /** Every POSTed batch of events, as lists of ids. */
    get batches() {
      return desktop.requests.filter((r) => r.path === "/api/v1/events").map((r) => r.body.events.map((e) => e.id));
    },

    /** How often each event id was POSTed (1 everywhere: nothing sent twice). */
    sentCounts() {
      const counts = new Map();
      for (const batch of desktop.batches) for (const id of batch) counts.set(id, (counts.get(id) ?? 0) + 1);
      return counts;
    },

    /** A token the desktop accepts (as if paired before). */
    issueToken(token = "token-1") {
      desktop.tokens.add(token);
      return token;
    },

    /** The next request waits until `release()`; `arrived` resolves with it when it comes. */
    hold() {
      let arrive;
      let release;
      const arrived = new Promise((resolve) => (arrive = resolve));
      const released = new Promise((resolve) => (release = resolve));
      desktop.held = { arrive, released };
      return { arrived, release };
    },

    verdictFor(url) {
      const { hostname, pathname } = new URL(url);
      const names = Object.keys(desktop.rules).filter((name) => {
        const [domain, ...rest] = name.split("/");
        const prefix = rest.length ? "/" + rest.join("/") : "";
        const hostMatches = hostname === domain || hostname.endsWith("." + domain);
        return hostMatches && (!prefix || pathname === prefix || pathname.startsWith(prefix + "/"));
      });
      names.sort((a, b) => b.length - a.length); // the most specific rule wins
      if (!names.length) return { ...neutral(hostname), balance: desktop.balance };
      const verdict = { ...neutral(names[0]), ...desktop.rules[names[0]], subject: names[0], balance: desktop.balance };
      const left = (desktop.allowances[names[0]] ?? 0) - Date.now();
      // While bought time runs the page is allowed.
      return left > 0 ? { ...verdict, verdict: "allow", allowance_remaining_s: Math.ceil(left / 1000) } : verdict;
    },

    fetch: async (url, init = {}) => {
      const parsed = new URL(url);
      if (!desktop.up || parsed.hostname !== "127.0.0.1" || Number(parsed.port) !== desktop.port) {
        throw new TypeError("fetch failed"); // what fetch says when nothing listens
      }
      const method = init.method ?? "GET";
      const auth = (init.headers ?? {}).Authorization ?? "";
      const token = auth.startsWith("Bearer ") ? auth.slice(7) : null;
      const body = init.body === undefined ? undefined : JSON.parse(init.body);
      const contentType = (init.headers ?? {})["Content-Type"];
      const request = { method, path: parsed.pathname, query: parsed.searchParams, body, token, contentType };
      desktop.requests.push(request);
      if (desktop.held) {
        const { arrive, released } = desktop.held;
        desktop.held = null;
        arrive(request);
        await released;
      }
      if (init.signal && init.signal.aborted) throw new DOMException("The operation was aborted.", "AbortError");
      const response = desktop.answer(request);
      if (desktop.loseNextAnswer) {
        desktop.loseNextAnswer = false;
        throw new TypeError("fetch failed"); // e.g. the worker was stopped mid-request
      }
      return response;
    },

    answer({ method, path, query, body, token, contentType }) {
      const route = `${method} ${path}`;
      if (method === "POST" && contentType !== "application/json") {
        return error(415, "unsupported_media_type", "Send the body as application/json.");
      }
      if (route === "POST /api/v1/pair") {
        if (!desktop.codes.has(body.code)) return error(403, "pairing_refused", "The code is wrong or expired.");
        desktop.codes.delete(body.code);
        const issued = desktop.issueToken(`token-${desktop.tokens.size + 1}`);
        return json(201, { token: issued, client: body.client });
      }
      if (!desktop.tokens.has(token)) {
        return error(401, "unauthorized", "A valid token is required; pair the client first.");
      }
      if (route === "POST /api/v1/events") return desktop.ingest(body);
      if (route === "GET /api/v1/verdict") return json(200, desktop.verdictFor(query.get("url")));
      if (route === "GET /api/v1/summary") {
        return json(200, {
          day: "2026-11-26", balance: desktop.balance, earned_today: 12.5, spent_today: 0,
          goals: [], allowances: [], tracking: desktop.tracking,
        });
      }
      if (route === "POST /api/v1/allowances") {
        const verdict = desktop.verdictFor(body.site);
        const cost = (-verdict.rate || 0) * body.minutes;
        if (cost > desktop.balance) return error(402, "insufficient_points", "Not enough points.");
        desktop.balance -= cost;
        const remaining_s = body.minutes * 60;
        desktop.allowances[verdict.subject] = Date.now() + remaining_s * 1000;
        return json(201, {
          reward: `${body.minutes} min of ${verdict.subject}`, cost, balance: desktop.balance,
          ends: new Date(Date.now() + remaining_s * 1000).toISOString(), remaining_s,
        });
      }
      return error(404, "not_found", "No such endpoint.");
    },

    ingest(body) {
      const events = body && body.events;
      if (!Array.isArray(events) || events.length < 1 || events.length > 1000) {
        return error(422, "invalid", "needs 1 to 1000 events", "events");
      }
      const now = Date.now();
      for (const [i, event] of events.entries()) {
        for (const key of EVENT.required) if (!(key in event)) return error(422, "invalid", `'${key}' is required`, `events[${i}]`);
        for (const key of Object.keys(event)) if (!(key in EVENT.properties)) return error(422, "invalid", `unknown ${key}`, `events[${i}].${key}`);
        if (!ID.test(event.id)) return error(422, "invalid", "not a UUID", `events[${i}].id`);
        if (!(event.duration >= 0 && event.duration <= 3600)) return error(422, "invalid", "out of range", `events[${i}].duration`);
        const start = Date.parse(event.start);
        if (Number.isNaN(start)) return error(422, "invalid", "is not a real date and time", `events[${i}].start`);
        if (start > now + 60_000) return error(422, "invalid", "lies in the future (check the sender's clock)", `events[${i}].start`);
        if (start < now - MAX_AGE_DAYS * DAY_MS) {
          return error(422, "invalid", `is older than ${MAX_AGE_DAYS} days; not accepted`, `events[${i}].start`);
        }
      }
      let accepted = 0;
      let duplicates = 0;
      for (const event of events) {
        if (desktop.received.has(event.id)) duplicates += 1;
        else {
          desktop.received.set(event.id, event);
          accepted += 1;
        }
      }
      return json(200, { accepted, duplicates });
    },
  };
  return desktop;
}
