import { describe, expect, it } from 'vitest';
import { computeWindow, nearEnd } from './virtual-window';

describe('computeWindow (U2: only visible rows + overscan are rendered)', () => {
  it('renders the first screen plus overscan at the top', () => {
    expect(computeWindow(0, 300, 30, 10_000, 5)).toEqual({ start: 0, end: 16, offsetTop: 0, totalHeight: 300_000 });
  });

  it('renders a bounded slice in the middle of 10 000 rows', () => {
    const w = computeWindow(150_000, 600, 30, 10_000, 10);
    expect(w.start).toBe(4990);
    expect(w.end).toBe(5031);
    expect(w.offsetTop).toBe(4990 * 30);
    expect(w.end - w.start).toBeLessThan(60);
  });

  it('clamps a scroll position beyond the end (the list shrank)', () => {
    const w = computeWindow(1_000_000, 300, 30, 20, 2);
    expect(w.end).toBe(20);
    expect(w.start).toBe(8);
  });

  it('is empty for no rows', () => {
    expect(computeWindow(100, 300, 30, 0, 5)).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
  });

  it('S4: asks for the next page only near the end of what is loaded', () => {
    expect(nearEnd(computeWindow(0, 300, 30, 100, 5), 100, 20)).toBe(false);
    expect(nearEnd(computeWindow(2400, 300, 30, 100, 5), 100, 20)).toBe(true);
  });
});
