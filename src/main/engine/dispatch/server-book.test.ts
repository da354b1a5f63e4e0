import { describe, expect, it } from 'vitest';
import type { Freed, InFlightCount } from './server-book';
import { ServerBook } from './server-book';

function watched() {
  const book = new ServerBook();
  const inFlight: InFlightCount[] = [];
  const freed: Freed[] = [];
  book.onInFlight((e) => inFlight.push(e));
  book.onFreed((e) => freed.push(e));
  return { book, inFlight, freed };
}

describe('the server book: what wakes placement and what the fleet shows (B3, B5)', () => {
  it('B3: a dispatch counts against the server at once; the count is announced only when it changes', () => {
    const { book, inFlight, freed } = watched();
    book.reserve('a', 't1', 1_000);
    book.hold('a', 't1');
    book.hold('a', 't2');
    expect(book.load('a')).toMatchObject({ inFlight: 2, posting: 1, lastDispatchAt: 1_000 });
    expect(inFlight).toEqual([
      { serverId: 'a', inFlight: 1 },
      { serverId: 'a', inFlight: 2 },
    ]);
    expect(freed).toEqual([]);
  });

  it('a release wakes placement even when the task was let go already; the count moves only once', () => {
    const { book, inFlight, freed } = watched();
    book.reserve('a', 't1', 1_000);
    book.release('a', 't1');
    book.release('a', 't1');
    expect(inFlight).toEqual([
      { serverId: 'a', inFlight: 1 },
      { serverId: 'a', inFlight: 0 },
    ]);
    expect(freed).toEqual([
      { serverId: 'a', afterMs: 0 },
      { serverId: 'a', afterMs: 0 },
    ]);
  });

  it('refused submissions cool the server down, longer each time, and placement is woken when it ends', () => {
    const { book, freed } = watched();
    expect(book.refused('a', 1_000)).toBe(1_000);
    expect(book.refused('a', 1_000)).toBe(2_000);
    expect(book.load('a').coolUntil).toBe(3_000);
    expect(freed).toEqual([
      { serverId: 'a', afterMs: 1_000 },
      { serverId: 'a', afterMs: 2_000 },
    ]);
    book.accepted('a');
    expect(book.load('a').coolUntil).toBe(0);
  });

  it('B5: capabilities learned wake placement; their age counts from then', () => {
    const { book, freed } = watched();
    expect(book.capabilitiesAge('a', 5_000)).toBe(Infinity);
    book.setCapabilities('a', { nodeClasses: new Set(['KSampler']), models: new Set() }, 5_000);
    expect(book.capabilitiesAge('a', 6_500)).toBe(1_500);
    expect(freed).toEqual([{ serverId: 'a', afterMs: 0 }]);
  });
});
