import { useEffect, useState, type RefObject } from 'react';

/**
 * The element's width in whole pixels, re-rendering only when that number changes (a window
 * resize), so the chart can be drawn at a fixed size instead of under a ResponsiveContainer.
 */
export function useWidth(target: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = target.current;
    if (!el) return;
    // The observer reports the first size as soon as it observes: no measuring here.
    const observer = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    observer.observe(el);
    return () => observer.disconnect();
  }, [target]);
  return width;
}
