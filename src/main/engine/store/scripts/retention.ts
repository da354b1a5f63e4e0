import { TERMINAL_STATUSES } from '../../tasks/task-states';
import type { Script } from '../sql/script';
import { all, placeholders, run } from '../sql/script';

/** Rows deleted per transaction: short transactions keep other writers flowing during a purge. */
export const PURGE_BATCH = 500;

/**
 * Deletes up to one batch of terminal tasks that ended before `cutoff`; their events,
 * attempts and workflows go with them (ON DELETE CASCADE). Returns their ids.
 */
export function* purgeBatch(cutoff: number): Script<string[]> {
  const ids = (
    yield* all(`SELECT id FROM tasks WHERE ended_at < ? AND status IN (${placeholders(TERMINAL_STATUSES.length)}) ORDER BY ended_at LIMIT ?`, [cutoff, ...TERMINAL_STATUSES, PURGE_BATCH])
  ).map((r) => String(r.id));
  if (ids.length === 0) return ids;
  yield* run(`DELETE FROM tasks WHERE id IN (${placeholders(ids.length)})`, ids);
  return ids;
}
