/**
 * HTTP client for the desktop app's local endpoint (shared/openapi.json). It
 * only ever talks to 127.0.0.1 on the paired port, sends the bearer token, and
 * turns failures into two kinds the rest of the extension acts on: Offline (the
 * app is not running: queue and retry) and ApiError (the app answered no).
 */

export class Offline extends Error {}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

const TIMEOUT_MS = 5_000;

export async function call(conn, method, path, body = undefined) {
  const headers = {};
  if (conn.token) headers.Authorization = `Bearer ${conn.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(`http://127.0.0.1:${conn.port}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      cache: "no-store",
    });
  } catch (error) {
    throw new Offline(`the desktop app is not reachable on port ${conn.port} (${error.message})`);
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}
