import { useEffect, useRef, type RefObject } from 'react';

/**
 * After a view change, focus moves to the new view's title (or, lacking one, its main region).
 * Without this, focus sits on whatever had it in the old view; once that element is gone it
 * falls to <body>, and a keyboard or screen-reader user starts over from the top of the page.
 * The first render is left alone: a page that just opened keeps the browser's own start.
 */
export function useViewFocus(viewKey: string, main: RefObject<HTMLElement | null>): void {
  const shown = useRef(viewKey);
  useEffect(() => {
    if (shown.current === viewKey) return;
    shown.current = viewKey;
    const region = main.current;
    if (!region) return;
    const target = region.querySelector<HTMLElement>('.view-title') ?? region;
    // Focusable by script only: a title is not a stop on the Tab path.
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: false });
  }, [viewKey, main]);
}
