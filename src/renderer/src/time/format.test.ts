import { describe, expect, it } from 'vitest';
import { formatAgo, formatClock, formatDuration, formatUntil, secondsUntil } from './format';

describe('time formatting', () => {
  it('formats durations compactly', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(59_999)).toBe('59 s');
    expect(formatDuration(60_000)).toBe('1 min');
    expect(formatDuration(3_600_000)).toBe('1 h');
    expect(formatDuration(3_900_000)).toBe('1 h 5 min');
    expect(formatDuration(-5)).toBe('0 s');
  });

  it('says "just now" and "now" under a second', () => {
    expect(formatAgo(1000, 1500)).toBe('just now');
    expect(formatAgo(1000, 13_000)).toBe('12 s ago');
    expect(formatUntil(1500, 1000)).toBe('now');
    expect(formatUntil(5000, 1000)).toBe('in 4 s');
  });

  it('rounds a countdown up so it reaches 0 only when due', () => {
    expect(secondsUntil(1001, 0)).toBe(2);
    expect(secondsUntil(1000, 0)).toBe(1);
    expect(secondsUntil(0, 10)).toBe(0);
  });

  it('shows wall-clock time as HH:MM:SS', () => {
    expect(formatClock(new Date(2026, 0, 2, 3, 4, 5).getTime())).toBe('03:04:05');
  });
});
