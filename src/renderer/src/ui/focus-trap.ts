/**
 * Which element of a dialog gets focus on Tab (or Shift+Tab) from `current`: Tab wraps at both
 * ends so focus never leaves the dialog. Pure, over the list of focusable elements in order.
 */
export function nextFocusIndex(count: number, current: number, backwards: boolean): number {
  if (count === 0) return -1;
  if (current < 0) return backwards ? count - 1 : 0;
  return backwards ? (current - 1 + count) % count : (current + 1) % count;
}

/** Elements a keyboard user can reach, as browsers count them (enough for our dialogs). */
export const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
