/**
 * Content script: measures scrolling on the page (pixels, active time, flings;
 * lib/scroll-meter.js) and sends the numbers to the background every few seconds
 * while there are any, and when the page is hidden. It reads scroll positions
 * only, never the page's content, and sends nothing from a page scrolled not at all.
 * It also reports the window losing or regaining the focus (no content either).
 */
(function scrollSignal() {
  const api = globalThis.browser ?? globalThis.chrome;
  const meter = new globalThis.HumanPretrainingScrollMeter();
  const SEND_EVERY_MS = 5_000;
  const position = () => window.scrollY + window.scrollX;
  meter.anchor(position());
  let timer = null;

  function send() {
    timer = null;
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
      meter.observe(performance.now(), y);
      if (timer === null) timer = setTimeout(send, SEND_EVERY_MS);
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
