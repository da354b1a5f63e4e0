import { useEffect, useRef, type RefObject } from 'react';

/**
 * Whether an element is on screen, as a ref rather than state: the chart's redraw timer reads it,
 * so scrolling the fleet never re-renders a card. `onEnter` (keep it stable) runs when the
 * element scrolls into view.
 */
export function useOnScreen(target: RefObject<Element | null>, onEnter: () => void): RefObject<boolean> {
  const onScreen = useRef(false);
  useEffect(() => {
    const el = target.current;
    if (!el || typeof IntersectionObserver === 'undefined') {
      onScreen.current = true;
      return;
    }
    const observer = new IntersectionObserver((entries) => {
      const visible = entries.some((e) => e.isIntersecting);
      const entered = visible && !onScreen.current;
      onScreen.current = visible;
      if (entered) onEnter();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [target, onEnter]);
  return onScreen;
}
