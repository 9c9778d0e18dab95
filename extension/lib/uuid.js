/**
 * Time-ordered UUIDs (version 7, RFC 9562 section 5.7) for event ids: the id is
 * the idempotency key the desktop deduplicates on, and time-ordered ids are
 * cheaper for it to store than random ones. Pure apart from the random source,
 * which callers may pass in for tests.
 */

const defaultRandom = (n) => crypto.getRandomValues(new Uint8Array(n));

export function uuidv7(nowMs = Date.now(), random = defaultRandom) {
  const bytes = random(16);
  let ms = Math.max(0, Math.floor(nowMs));
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
