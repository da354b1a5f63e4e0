/**
 * What the benchmark installs in the console's page before its own scripts run (as text: it
 * runs in the browser, and a serialised function would carry the bundler's helpers along).
 *
 * - a requestAnimationFrame loop that records every frame's timestamp (frame intervals);
 * - PerformanceObservers for `longtask` (main-thread tasks over 50 ms) and, where Chromium has
 *   it, `long-animation-frame` (frames over 50 ms, with the scripts that ran in them);
 * - a scroller that moves a scroll container at a constant speed in px/s, a new position every
 *   frame, back and forth over the whole table (a user dragging the scroll bar steadily); where
 *   the table has not loaded that far yet, it waits at the end of what is loaded.
 *
 * `window.__p5.start()` clears the buffers and opens a window; `stop()` closes it, waits for
 * late observer callbacks and returns what fell inside it. Both leave a User Timing mark
 * (`p5-start`, `p5-stop`) that a Chromium trace shows on its own clock.
 */
export const PAGE_PROBE = String.raw`(() => {
  const supported = (typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes) || [];
  const s = { frames: [], longtasks: [], loafs: [], t0: 0, scroll: null };
  const onFrame = (t) => {
    s.frames.push(t);
    if (s.frames.length > 20000) s.frames.splice(0, 10000);
    const sc = s.scroll;
    if (sc) {
      // Forward and back over the whole table as it will be once every page is loaded; a
      // position beyond what is loaded so far waits at the end, as a hand on the scroll bar would.
      const ch = sc.el.clientHeight;
      const max = Math.max(0, sc.el.scrollHeight - ch);
      const travelled = ((performance.now() - sc.startedAt) / 1000) * sc.pxPerSecond;
      const span = Math.max(1, sc.span, max);
      const lap = travelled % (2 * span);
      const want = lap <= span ? lap : 2 * span - lap;
      // One read of the geometry (above), one write: reading it back would force another layout.
      const pos = Math.min(want, max);
      sc.el.scrollTop = pos;
      sc.steps++;
      sc.travelled = travelled;
      if (want > max) sc.framesAtEnd++;
      sc.maxSeen = Math.max(sc.maxSeen, pos);
      sc.scrollHeight = max + ch;
    }
    requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
  const trim = (arr) => { if (arr.length > 5000) arr.splice(0, arr.length - 5000); };
  if (supported.includes('longtask')) {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const a = (e.attribution && e.attribution[0]) || null;
        s.longtasks.push({ start: e.startTime, duration: e.duration, name: e.name, container: a ? a.containerType + ':' + (a.containerName || a.containerSrc || '') : '' });
      }
      trim(s.longtasks);
    }).observe({ type: 'longtask' });
  }
  if (supported.includes('long-animation-frame')) {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        s.loafs.push({
          start: e.startTime,
          duration: e.duration,
          blocking: e.blockingDuration,
          renderStart: e.renderStart,
          styleAndLayoutStart: e.styleAndLayoutStart,
          scripts: (e.scripts || []).map((x) => ({
            invoker: String(x.invoker || ''),
            invokerType: String(x.invokerType || ''),
            fn: String(x.sourceFunctionName || ''),
            src: String(x.sourceURL || '').replace(/^.*\//, '') + (x.sourceCharPosition >= 0 ? ':' + x.sourceCharPosition : ''),
            duration: x.duration,
            forcedLayout: x.forcedStyleAndLayoutDuration || 0,
          })),
        });
      }
      trim(s.loafs);
    }).observe({ type: 'long-animation-frame' });
  }
  const largestScrollable = () => {
    let best = null;
    let bestHeight = 0;
    for (const el of document.querySelectorAll('*')) {
      if (el.scrollHeight <= el.clientHeight + 10 || el.clientHeight < 100) continue;
      const oy = getComputedStyle(el).overflowY;
      if (oy !== 'auto' && oy !== 'scroll' && el !== document.scrollingElement) continue;
      if (el.scrollHeight > bestHeight) { best = el; bestHeight = el.scrollHeight; }
    }
    return best;
  };
  window.__p5 = {
    supported,
    start() {
      s.frames = [];
      s.longtasks = [];
      s.loafs = [];
      s.t0 = performance.now();
      performance.mark('p5-start');
      return s.t0;
    },
    async stop() {
      const t1 = performance.now();
      performance.mark('p5-stop');
      // Observer callbacks arrive after the frame they describe.
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 200))));
      const inside = (x) => x.start >= s.t0 && x.start < t1;
      return { t0: s.t0, t1, frames: s.frames.filter((t) => t >= s.t0 && t < t1), longtasks: s.longtasks.filter(inside), loafs: s.loafs.filter(inside) };
    },
    /** Finds the task table's scroll container: its test id, else the largest scrollable element. */
    findScroller(selector) {
      const el = document.querySelector(selector);
      if (el && el.scrollHeight > el.clientHeight) return { how: 'selector', scrollHeight: el.scrollHeight, clientHeight: el.clientHeight };
      const big = largestScrollable();
      return big ? { how: 'largest-scrollable', tag: big.tagName.toLowerCase(), cls: String(big.className || ''), scrollHeight: big.scrollHeight, clientHeight: big.clientHeight } : null;
    },
    /** Rows of the table: the median height of its row elements (0 when it shows none). */
    rowHeight(selector) {
      const q = document.querySelector(selector);
      const el = q && q.scrollHeight > q.clientHeight ? q : largestScrollable();
      if (!el) return 0;
      const hs = [...el.querySelectorAll('[role="row"], tr, [data-testid="task-row"]')].map((r) => r.getBoundingClientRect().height).filter((h) => h > 0).sort((a, b) => a - b);
      return hs.length ? hs[Math.floor(hs.length / 2)] : 0;
    },
    /** Scrolls at pxPerSecond back and forth over span px (the whole table once fully loaded). */
    startScroll(selector, pxPerSecond, span) {
      const q = document.querySelector(selector);
      const el = q && q.scrollHeight > q.clientHeight ? q : largestScrollable();
      if (!el) return null;
      el.scrollTop = 0;
      s.scroll = { el, startedAt: performance.now(), pxPerSecond, span, steps: 0, travelled: 0, maxSeen: 0, framesAtEnd: 0, scrollHeight: el.scrollHeight };
      return { pxPerSecond, scrollHeight: el.scrollHeight, clientHeight: el.clientHeight };
    },
    stopScroll() {
      const sc = s.scroll;
      s.scroll = null;
      if (!sc) return null;
      const rows = sc.el.querySelectorAll('[role="row"], tr, [data-testid="task-row"]').length;
      return { pxPerSecond: sc.pxPerSecond, steps: sc.steps, travelled: sc.travelled, maxSeen: sc.maxSeen, framesAtEnd: sc.framesAtEnd, scrollHeight: sc.scrollHeight, clientHeight: sc.el.clientHeight, rowsInDom: rows };
    },
  };
})();`;

export interface ProbeLongTask {
  start: number;
  duration: number;
  name: string;
  container: string;
}

export interface ProbeScript {
  invoker: string;
  invokerType: string;
  fn: string;
  src: string;
  duration: number;
  forcedLayout: number;
}

export interface ProbeLoaf {
  start: number;
  duration: number;
  blocking: number;
  renderStart: number;
  styleAndLayoutStart: number;
  scripts: ProbeScript[];
}

export interface ProbeWindow {
  t0: number;
  t1: number;
  /** rAF timestamps inside the window. */
  frames: number[];
  longtasks: ProbeLongTask[];
  loafs: ProbeLoaf[];
}

export interface ScrollStart {
  pxPerSecond: number;
  scrollHeight: number;
  clientHeight: number;
}

export interface ScrollEnd extends ScrollStart {
  steps: number;
  travelled: number;
  maxSeen: number;
  /** Frames in which the scroller wanted to be further than the table had loaded. */
  framesAtEnd: number;
  rowsInDom: number;
}
