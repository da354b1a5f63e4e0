import type { LiveTaskView, TaskId, TaskView } from '../../../../shared/tasks';
import { matchesFilters, type TaskFilters } from './task-filters';

/** A row of the table: the ledger's row or the store's live version of it, whichever is newer. */
export type TaskRow = TaskView & { waiting?: string | null };

/** Order of `tasks.list`: created desc, then id desc. */
export function newerFirst(a: TaskView, b: TaskView): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * The table's rows: the pages fetched so far (in their order) with each row replaced by its live
 * version when that is at least as new, and live tasks newer than the newest page row that match
 * the filters put on top. A row already on screen stays even if its new status no longer matches
 * a status filter: rows do not vanish under the operator's pointer; the next refetch drops it.
 * Live tasks older than the newest page row are not added: the pages already answered for that range.
 * `added` counts the live rows put on top (the view keeps its scroll position by that many rows).
 */
export function mergeRows(pages: readonly TaskRow[], live: readonly LiveTaskView[], filters: TaskFilters): { rows: TaskRow[]; added: number } {
  const liveById = new Map<TaskId, LiveTaskView>();
  for (const task of live) liveById.set(task.id, task);
  const seen = new Set<TaskId>();
  const rows: TaskRow[] = [];
  const top = pages[0];
  // `live` comes newest first (selectLiveTasks); the new ones are a prefix of it.
  for (const task of live) {
    if (top && newerFirst(task, top) >= 0) break;
    if (matchesFilters(task, filters)) {
      rows.push(task);
      seen.add(task.id);
    }
  }
  const added = rows.length;
  for (const row of pages) {
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    const fresh = liveById.get(row.id);
    rows.push(fresh && fresh.version >= row.version ? fresh : row);
  }
  return { rows, added };
}

/** Appends a fetched page to the ones before it, dropping rows already there (a task created between two fetches shifts no cursor, but be safe). */
export function appendPage<T extends TaskView>(pages: readonly T[], page: readonly T[]): T[] {
  const ids = new Set(pages.map((t) => t.id));
  return [...pages, ...page.filter((t) => !ids.has(t.id))];
}
