/** Small formatting helpers shared by the extension's pages (pure). */

export function points(value) {
  if (value === null || value === undefined) return "–";
  const rounded = Math.round(value * 1000) / 1000;
  return rounded.toLocaleString("en-US", { maximumFractionDigits: 3 });
}

export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m} min ${String(s % 60).padStart(2, "0")} s` : `${s} s`;
}

export function minutes(n) {
  return `${n} minute${n === 1 ? "" : "s"}`;
}

export const STATES = {
  paired: "Paired with the desktop app.",
  offline: "The desktop app is not running. Browsing is still counted and sent when it is back.",
  revoked: "The desktop app revoked this browser's access. Pair again with a new code.",
  unpaired: "Not paired yet. Type the code the desktop app shows (human-pretraining pair).",
  refused: "Pairing failed.",
};
