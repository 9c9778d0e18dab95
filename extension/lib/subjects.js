/**
 * Which subject to report for a page, and whether a pass covers it. The desktop
 * decides subjects (its verdict names one per page: the domain, plus a rule's
 * path prefix only when a rule needs it); the extension only remembers them. While
 * the app cannot be asked, a subject it named for the same host is reused, else
 * the bare host is reported (the desktop normalises it). Pure.
 */

import { pageOf, subjectCovers, verdictKey } from "./url.js";

/** @param {Record<string, {body: {subject: string}}>} verdicts cached verdicts by page key */
export function subjectFor(url, verdicts) {
  const page = pageOf(url);
  if (!page) return null;
  const exact = verdicts[verdictKey(url)];
  if (exact) return exact.body.subject;
  const known = Object.values(verdicts)
    .map((v) => v.body.subject)
    .filter((subject) => subjectCovers(subject, page))
    .sort((a, b) => b.length - a.length);
  return known[0] ?? page.host;
}

/** The running pass (bought allowance or "continue anyway") for a subject, if any. */
export function activePass(passes, subject, now = Date.now()) {
  const pass = subject ? passes[subject] : null;
  return pass && pass.until > now ? pass : null;
}
