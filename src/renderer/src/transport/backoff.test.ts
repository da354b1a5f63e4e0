import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('starts at 0.5 s and never exceeds 10 s, whatever the random draw', () => {
    for (const r of [0, 0.5, 0.999]) {
      expect(backoffDelay(0, () => r)).toBe(500);
      for (let attempt = 0; attempt < 40; attempt++) {
        const delay = backoffDelay(attempt, () => r);
        expect(delay).toBeGreaterThanOrEqual(500);
        expect(delay).toBeLessThanOrEqual(10_000);
      }
    }
  });

  it('doubles its ceiling per attempt until the cap', () => {
    const top = (attempt: number): number => backoffDelay(attempt, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('jitters within the upper half of the step, drawing afresh on every call', () => {
    let draws = 0;
    const random = (): number => {
      draws += 1;
      return 0;
    };
    expect(backoffDelay(3, random)).toBe(2000);
    expect(backoffDelay(3, random)).toBe(2000);
    expect(draws).toBe(2);
    expect(backoffDelay(3, () => 0.5)).toBe(3000);
  });
});
