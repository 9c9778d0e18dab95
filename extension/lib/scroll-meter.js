/**
 * The doomscroll signal, measured from scroll positions only (never the page's
 * content): pixels scrolled, milliseconds spent actively scrolling and the
 * number of flings (bursts whose speed passes a threshold). Scroll events closer
 * together than `gapMs` form one burst; a burst's time is the span of its events
 * plus `tailMs` for the motion after the last one.
 *
 * A classic script (content scripts cannot be ES modules): it defines
 * globalThis.HumanPretrainingScrollMeter; the unit tests load it with node:vm.
 */
(function defineScrollMeter(global) {
  class ScrollMeter {
    constructor({ gapMs = 400, tailMs = 150, flingPxPerS = 4000 } = {}) {
      this.gapMs = gapMs;
      this.tailMs = tailMs;
      this.flingPxPerS = flingPxPerS;
      this.reset();
      this.lastT = null;
      this.lastY = null;
      this.burstFlung = false;
    }

    reset() {
      this.px = 0;
      this.ms = 0;
      this.flings = 0;
    }

    /** The position before any scrolling, so the first movement is measured too. */
    anchor(y) {
      this.lastY = y;
    }

    /** One scroll observation: time in ms, vertical (or horizontal) position in px. */
    observe(t, y) {
      if (this.lastT === null || t - this.lastT > this.gapMs || t < this.lastT) {
        this.ms += this.tailMs; // a new burst
        this.burstFlung = false;
      } else {
        const dt = t - this.lastT;
        this.ms += dt;
        const speed = dt > 0 ? (Math.abs(y - this.lastY) * 1000) / dt : 0;
        if (!this.burstFlung && speed >= this.flingPxPerS) {
          this.flings += 1;
          this.burstFlung = true;
        }
      }
      if (this.lastY !== null) this.px += Math.abs(y - this.lastY);
      this.lastT = t;
      this.lastY = y;
    }

    /** The numbers since the last take, rounded; the meter starts again from zero. */
    take() {
      const taken = { px: Math.round(this.px), ms: Math.round(this.ms), flings: this.flings };
      this.reset();
      return taken;
    }
  }
  global.HumanPretrainingScrollMeter = ScrollMeter;
})(globalThis);
