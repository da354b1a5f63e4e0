/** Which rows of a fixed-height list are on screen (plus overscan), and where they sit. */
export interface VirtualWindow {
  /** First row index rendered (inclusive). */
  start: number;
  /** Last row index rendered (exclusive). */
  end: number;
  /** Offset of row `start` from the top of the list, px. */
  offsetTop: number;
  /** Height of the whole list, px: the spacer that gives the scroll bar its size. */
  totalHeight: number;
}

/**
 * Pure, so it is tested without a DOM. A scroll position beyond the end (the list shrank under a
 * scrolled view) is clamped so the last rows still show.
 */
export function computeWindow(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan: number): VirtualWindow {
  const totalHeight = count * rowHeight;
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, offsetTop: 0, totalHeight };
  const maxTop = Math.max(0, totalHeight - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxTop);
  const first = Math.floor(top / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, offsetTop: start * rowHeight, totalHeight };
}

/** Whether the view is close enough to the end of the loaded rows to fetch the next page. */
export function nearEnd(window: VirtualWindow, count: number, threshold: number): boolean {
  return window.end >= count - threshold;
}
