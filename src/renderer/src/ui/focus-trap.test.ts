import { describe, expect, it } from 'vitest';
import { nextFocusIndex } from './focus-trap';

describe('dialog focus trap (U4 confirmation)', () => {
  it('Tab and Shift+Tab wrap around inside the dialog', () => {
    expect(nextFocusIndex(3, 0, false)).toBe(1);
    expect(nextFocusIndex(3, 2, false)).toBe(0);
    expect(nextFocusIndex(3, 0, true)).toBe(2);
    expect(nextFocusIndex(3, -1, false)).toBe(0);
    expect(nextFocusIndex(3, -1, true)).toBe(2);
    expect(nextFocusIndex(0, 0, false)).toBe(-1);
  });
});
