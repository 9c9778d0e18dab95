/**
 * Content script: measures scrolling on the page (pixels, active time, flings;
 * lib/scroll-meter.js) and sends the numbers to the background soon after
 * scrolling stops, and when the page is hidden. It reads scroll positions
 * only, never the page's content, and sends nothing from a page scrolled not at all.
 * It also reports the window losing or regaining the focus (no content either).
 */
(function scrollSignal() {
  const api = globalThis.browser ?? globalThis.chrome;
  const meter = new globalThis.HumanPretrainingScrollMeter();
  // Sent a second after scrolling stops (and at least every 5 s while it goes on), so
  // the numbers reach the background while this tab is still the one in front.
  const QUIET_MS = 1_000;
  const SEND_EVERY_MS = 5_000;
  const position = () => window.scrollY + window.scrollX;
  meter.anchor(position());
  let timer = null;
  let pendingSince = null;

  function send() {
    clearTimeout(timer);
    timer = null;
    pendingSince = null;
    const numbers = meter.take();
    if (numbers.px === 0 && numbers.ms === 0) return;
    try {
      api.runtime.sendMessage({ kind: "scroll", ...numbers }).catch(() => undefined);
    } catch {
      // The extension was reloaded or removed: this page's script is orphaned.
    }
  }

  // Capture phase: scrolling inside elements (feeds in a scrolling container) counts too.
  document.addEventListener(
    "scroll",
    (event) => {
      const target = event.target;
      const y = target === document || target === document.documentElement
        ? position()
        : (target.scrollTop || 0) + (target.scrollLeft || 0);
      const now = performance.now();
      meter.observe(now, y);
      if (pendingSince === null) pendingSince = now;
      clearTimeout(timer);
      timer = setTimeout(send, Math.max(0, Math.min(QUIET_MS, pendingSince + SEND_EVERY_MS - now)));
    },
    { capture: true, passive: true },
  );
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") send();
  });
  window.addEventListener("pagehide", send);
  // The window losing or regaining the focus (another application in front) is
  // reported at once, because the browser does not always tell the background.
  const focusChanged = () => {
    send();
    try {
      api.runtime.sendMessage({ kind: "focus" }).catch(() => undefined);
    } catch {
      // orphaned script, see above
    }
  };
  window.addEventListener("blur", focusChanged);
  window.addEventListener("focus", focusChanged);
})();
