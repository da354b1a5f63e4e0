import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, reconnectDelay } from './backoff';

describe('reconnect backoff', () => {
  it('F3: delays stay within 0.5 s and 30 s whatever the attempt and the draw', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      for (const r of [0, 0.25, 0.5, 0.999999]) {
        const d = reconnectDelay(attempt, DEFAULT_BACKOFF, () => r);
        expect(d).toBeGreaterThanOrEqual(500);
        expect(d).toBeLessThanOrEqual(30_000);
      }
    }
  });

  it('F3: the ceiling grows exponentially and the jitter spans the whole range', () => {
    expect(reconnectDelay(0, DEFAULT_BACKOFF, () => 0.999999)).toBe(500);
    expect(reconnectDelay(1, DEFAULT_BACKOFF, () => 0.999999)).toBe(1000);
    expect(reconnectDelay(3, DEFAULT_BACKOFF, () => 0.999999)).toBe(4000);
    expect(reconnectDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(500);
    expect(reconnectDelay(20, DEFAULT_BACKOFF, () => 0.999999)).toBe(30_000);
  });
});
