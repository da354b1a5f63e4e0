import { z } from 'zod';
import type { LockView } from '../../../../shared/tasks';
import { LedgerError } from '../../tasks/ledger-error';
import { ACTIVE_STATUSES } from '../../tasks/task-states';
import type { Script } from '../sql/script';
import { all, get, run } from '../sql/script';
import { int, parseRow } from './json-column';

/*
 * Session locks, store side (L2–L5): single statements or tiny transactions that stay correct
 * when two dispatchers (two consoles on one database) call them at once. The primary key on
 * session_id makes "acquire" a race with one winner; "release if idle" checks for unfinished
 * tasks in the same DELETE statement, so no task can be counted as absent while it exists.
 */

const UNFINISHED = `(${ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ')})`;

const SELECT_LOCK = `SELECT l.session_id, l.server_id, l.acquired_at, l.renewed_at, l.state, l.stuck_reason, l.stuck_since,
  (SELECT COUNT(*) FROM tasks t WHERE t.session_id = l.session_id AND t.status IN ${UNFINISHED}) AS unfinished
  FROM session_locks l`;

const lockRowSchema = z
  .object({
    session_id: z.string(),
    server_id: z.string(),
    acquired_at: int,
    renewed_at: int,
    state: z.enum(['held', 'stuck']),
    stuck_reason: z.string().nullable(),
    stuck_since: int.nullable(),
    unfinished: int,
  })
  .transform(
    (r): LockView => ({
      sessionId: r.session_id,
      serverId: r.server_id,
      acquiredAt: r.acquired_at,
      renewedAt: r.renewed_at,
      state: r.state,
      stuckReason: r.stuck_reason,
      stuckSince: r.stuck_since,
      unfinishedTasks: r.unfinished,
    }),
  );

const toLock = (row: unknown) => parseRow(lockRowSchema, row, 'lock row');

export function* readLock(sessionId: string): Script<LockView | null> {
  const row = yield* get(`${SELECT_LOCK} WHERE l.session_id = ?`, [sessionId]);
  return row ? toLock(row) : null;
}

export function* listAllLocks(): Script<LockView[]> {
  return (yield* all(`${SELECT_LOCK} ORDER BY l.acquired_at, l.session_id`)).map(toLock);
}

export function* acquire(sessionId: string, serverId: string, now: number): Script<{ lock: LockView; acquired: boolean }> {
  // The holder may release between our insert and our read; then the insert is tried again.
  for (let round = 0; round < 8; round++) {
    const inserted = yield* run(`INSERT INTO session_locks (session_id, server_id, acquired_at, renewed_at, state) VALUES (?, ?, ?, ?, 'held') ON CONFLICT (session_id) DO NOTHING`, [
      sessionId,
      serverId,
      now,
      now,
    ]);
    const lock = yield* readLock(sessionId);
    if (lock) return { lock, acquired: inserted === 1 };
  }
  throw new LedgerError('store_busy', `the lock of session ${sessionId} kept being released while it was being acquired; nothing was written. Try again`);
}

export function* renew(sessionId: string, serverId: string, now: number): Script<LockView | null> {
  const changed = yield* run('UPDATE session_locks SET renewed_at = ? WHERE session_id = ? AND server_id = ?', [now, sessionId, serverId]);
  return changed === 1 ? yield* readLock(sessionId) : null;
}

export function* releaseIfIdle(sessionId: string): Script<boolean> {
  const changed = yield* run(`DELETE FROM session_locks WHERE session_id = ? AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.session_id = ? AND t.status IN ${UNFINISHED})`, [sessionId, sessionId]);
  return changed === 1;
}

export function* releaseAllIdle(): Script<string[]> {
  const rows = yield* all(
    `DELETE FROM session_locks WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.session_id = session_locks.session_id AND t.status IN ${UNFINISHED}) RETURNING session_id`,
  );
  return rows.map((r) => String(r.session_id)).sort();
}

export function* markStuck(sessionId: string, reason: string, now: number): Script<LockView | null> {
  // stuck_since keeps the first time it was marked, so "stuck for 10 min" stays true across sweeps.
  const changed = yield* run(`UPDATE session_locks SET state = 'stuck', stuck_reason = ?, stuck_since = COALESCE(stuck_since, ?) WHERE session_id = ?`, [reason, now, sessionId]);
  return changed === 1 ? yield* readLock(sessionId) : null;
}

export function* markHeld(sessionId: string): Script<LockView | null> {
  const changed = yield* run(`UPDATE session_locks SET state = 'held', stuck_reason = NULL, stuck_since = NULL WHERE session_id = ?`, [sessionId]);
  return changed === 1 ? yield* readLock(sessionId) : null;
}

export function* deleteLock(sessionId: string): Script<LockView | null> {
  const lock = yield* readLock(sessionId);
  if (!lock) return null;
  yield* run('DELETE FROM session_locks WHERE session_id = ?', [sessionId]);
  return lock;
}

