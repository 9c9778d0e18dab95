/**
 * URL → what the extension may report about a page: the host name only (the
 * desktop normalises it: lower case, punycode, no www./m.), plus the path
 * separately for users who opted in to paths. Only http(s) pages are web
 * activity; browser pages, files and extension pages are not tracked.
 * Pure: no browser API, unit-tested with node --test.
 */

/** @returns {{host: string, path: string} | null} */
export function pageOf(url) {
  if (typeof url !== "string" || url === "") return null;
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  // URL already lower-cases and punycodes the host; a trailing dot is the same host.
  const host = parsed.hostname.replace(/\.$/, "");
  if (host === "") return null;
  return { host, path: parsed.pathname || "/" };
}

/** The cache key of a page's verdict: host and path, never the query or fragment. */
export function verdictKey(url) {
  const page = pageOf(url);
  return page ? page.host + page.path : null;
}

/**
 * True when a reported subject ("youtube.com/shorts", "docs.python.org") covers
 * the page: same host or a subdomain (www./m. included), and the subject's path
 * prefix, if any, on a segment boundary. Used only to reuse a subject the server
 * already chose for this host while the server cannot be asked.
 */
export function subjectCovers(subject, page) {
  const slash = subject.indexOf("/");
  const domain = slash < 0 ? subject : subject.slice(0, slash);
  const prefix = slash < 0 ? "" : subject.slice(slash);
  const host = page.host;
  if (host !== domain && !host.endsWith("." + domain)) return false;
  if (!prefix) return true;
  const path = page.path;
  return path === prefix || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
}
