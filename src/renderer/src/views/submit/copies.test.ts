import { describe, expect, it } from 'vitest';
import { clampCopies, expandCopies } from './copies';

describe('expandCopies (U5, T2: one key per copy)', () => {
  it('one copy keeps the key', () => expect(expandCopies(' order-1 ', 1)).toEqual(['order-1']));
  it('several copies get key-1…key-n', () => expect(expandCopies('order-1', 3)).toEqual(['order-1-1', 'order-1-2', 'order-1-3']));
  it('no key gives keyless copies', () => expect(expandCopies('  ', 2)).toEqual([null, null]));
  it('copies are 1–100', () => {
    expect(clampCopies(0)).toBe(1);
    expect(clampCopies(250)).toBe(100);
    expect(clampCopies(Number.NaN)).toBe(1);
    expect(expandCopies('k', 1000)).toHaveLength(100);
  });
});
