import { describe, expect, it } from 'vitest';
import { settleNotice, type Notice } from './ActionNotice';

const requested: Notice = { tone: 'ok', text: 'Cancel requested from its server; the outcome follows.', awaiting: { id: 't1', subject: 'Task t1' } };

describe('a cancel notice follows the task to its outcome (T7)', () => {
  it('stays while the task is still unfinished or unknown', () => {
    expect(settleNotice(requested, 'running')).toBe(requested);
    expect(settleNotice(requested, undefined)).toBe(requested);
  });

  it('says "cancelled" once the task is, and no longer that the outcome follows', () => {
    expect(settleNotice(requested, 'cancelled')).toEqual({ tone: 'ok', text: 'Task t1: cancelled.' });
  });

  it('says so when the task ended otherwise before the cancel reached it', () => {
    expect(settleNotice(requested, 'succeeded')).toEqual({ tone: 'bad', text: 'Task t1: succeeded before the cancel reached it.' });
  });

  it('leaves other notices alone', () => {
    const rerun: Notice = { tone: 'ok', text: 'Re-run: created.' };
    expect(settleNotice(rerun, 'cancelled')).toBe(rerun);
  });
});
