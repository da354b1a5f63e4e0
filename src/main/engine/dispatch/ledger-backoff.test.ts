import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../harness/manual-clock';
import { createLogger } from '../core/logger';
import { backendErrors, POSTGRES_WRITE_REMEDY, SQLITE_WRITE_REMEDY } from '../store/backend-errors';
import { LedgerError } from '../tasks/ledger-error';
import { LedgerBackoff } from './ledger-backoff';

/** The backoff's bookkeeping alone, with the store's own error sentences; the real unwritable ledger is in test/dispatch. */
function setup() {
  const clock = new ManualClock();
  const lines: string[] = [];
  const backoff = new LedgerBackoff(clock, createLogger((l) => lines.push(l), false, clock), { initialMs: 500, maxMs: 30_000 });
  return { clock, lines, backoff };
}

const full = backendErrors.unwritable('/data/ledger.sqlite', 'the disk is full', SQLITE_WRITE_REMEDY);
const readOnly = backendErrors.unwritable('postgres://db/fleet', 'cannot execute UPDATE in a read-only transaction', POSTGRES_WRITE_REMEDY);
const down = backendErrors.unavailable('postgres://db/fleet', 'connect ECONNREFUSED 127.0.0.1:5432');

describe('LedgerBackoff', () => {
  it('waits 0.5 s doubling to 30 s, one try at a time; failures of tries already under way do not lengthen it', () => {
    const { clock, backoff } = setup();
    expect(backoff.holdMs(clock.now())).toBeNull();
    expect(backoff.failed(full)).toBe(true);
    expect(backoff.failed(full)).toBe(true);
    expect(backoff.holdMs(clock.now())).toBe(500);
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const wait = backoff.holdMs(clock.now()) as number;
      waits.push(wait);
      clock.advance(wait);
      expect(backoff.holdMs(clock.now())).toBeNull();
      expect(backoff.startDispatch()).toBe(true);
      expect(backoff.holdMs(clock.now())).toBe(Infinity);
      backoff.failed(full);
      backoff.probeDone();
    }
    expect(waits).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('logs once when the ledger fails, once per new cause, once when it is writable again; the waiting reason names the cause', () => {
    const { clock, lines, backoff } = setup();
    backoff.failed(full);
    expect(backoff.reason).toBe('ledger unavailable — the disk is full');
    for (let i = 0; i < 5; i++) {
      clock.advance(60_000);
      backoff.failed(full);
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('ledger cannot be written: ledger "/data/ledger.sqlite" cannot be written: the disk is full.');
    clock.advance(60_000);
    backoff.failed(readOnly);
    expect(backoff.reason).toBe('ledger unavailable — cannot execute UPDATE in a read-only transaction');
    clock.advance(60_000);
    backoff.failed(down);
    expect(backoff.reason).toBe('ledger unavailable — connect ECONNREFUSED 127.0.0.1:5432');
    expect(lines).toHaveLength(3);
    backoff.succeeded();
    backoff.succeeded();
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/ledger writable again after .* s \(8 failed dispatches\); dispatch resumes/);
    expect(backoff.reason).toBeNull();
    expect(backoff.holdMs(clock.now())).toBeNull();
  });

  it('leaves other errors to the caller: a version conflict is not an unwritable ledger', () => {
    const { backoff, lines } = setup();
    expect(backoff.failed(new LedgerError('version_conflict', 'changed meanwhile'))).toBe(false);
    expect(backoff.failed(new Error('socket hang up'))).toBe(false);
    expect(backoff.reason).toBeNull();
    expect(lines).toEqual([]);
  });
});
