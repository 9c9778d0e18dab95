/**
 * Retry delays while the desktop app is unreachable: exponential from 2 s,
 * capped at 5 minutes, with up to 20 % jitter so several browsers do not retry
 * in step. Pure: the jitter source is a parameter.
 */

export const BASE_MS = 2_000;
export const CAP_MS = 5 * 60_000;

/** Delay before retry number `failures` (1 = after the first failure). */
export function retryDelay(failures, random = Math.random) {
  if (failures <= 0) return 0;
  const plain = Math.min(CAP_MS, BASE_MS * 2 ** Math.min(failures - 1, 20));
  return Math.round(plain * (1 - 0.2 * random()));
}
