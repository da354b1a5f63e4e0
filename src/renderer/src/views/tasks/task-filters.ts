import type { ServerId } from '../../../../shared/fleet';
import type { TaskCountScope, TaskQuery, TaskStatus, TaskView } from '../../../../shared/tasks';

export const ALL_STATUSES: readonly TaskStatus[] = ['queued', 'dispatched', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'];

/** What the filter bar holds; empty strings mean "any". */
export interface TaskFilters {
  statuses: TaskStatus[];
  serverId: ServerId;
  type: string;
  sessionId: string;
  search: string;
}

export const NO_FILTERS: TaskFilters = { statuses: [], serverId: '', type: '', sessionId: '', search: '' };

/** The `tasks.list` query for the filters; unset filters are left out rather than sent empty. */
export function filtersToQuery(filters: TaskFilters, limit: number, cursor: string | null = null): TaskQuery {
  const query: TaskQuery = { limit };
  if (filters.statuses.length > 0 && filters.statuses.length < ALL_STATUSES.length) {
    query.status = ALL_STATUSES.filter((s) => filters.statuses.includes(s));
  }
  if (filters.serverId) query.serverId = filters.serverId;
  const type = filters.type.trim();
  if (type) query.type = type;
  const session = filters.sessionId.trim();
  if (session) query.sessionId = session;
  const search = filters.search.trim();
  if (search) query.search = search;
  if (cursor) query.cursor = cursor;
  return query;
}

/**
 * The filters the status counts follow: every one of the query's but the status (each chip
 * counts one status), the search included, so "succeeded 811" never sits beside "0 matching".
 */
export function countScope(filters: TaskFilters): TaskCountScope {
  const { serverId, type, sessionId, search } = filtersToQuery({ ...filters, statuses: [] }, 1);
  return { ...(serverId ? { serverId } : {}), ...(type ? { type } : {}), ...(sessionId ? { sessionId } : {}), ...(search ? { search } : {}) };
}

/** Whether any filter narrows the list: an empty list then means "nothing matches", not "no tasks yet". */
export function filtersActive(filters: TaskFilters): boolean {
  return Object.keys(filtersToQuery(filters, 1)).some((k) => k !== 'limit');
}

/**
 * Whether a task matches the filters, with the engine's semantics (search: id prefix or key
 * substring, case-insensitive), so live tasks can join a page fetched from the ledger.
 */
export function matchesFilters(task: TaskView, filters: TaskFilters): boolean {
  if (filters.statuses.length > 0 && !filters.statuses.includes(task.status)) return false;
  if (filters.serverId && task.serverId !== filters.serverId) return false;
  const type = filters.type.trim();
  if (type && task.type !== type) return false;
  const session = filters.sessionId.trim();
  if (session && task.sessionId !== session) return false;
  const search = filters.search.trim().toLowerCase();
  if (search && !task.id.toLowerCase().startsWith(search) && !(task.key ?? '').toLowerCase().includes(search)) return false;
  return true;
}

/** A stable string for a filter set: a change of it restarts paging. */
export function filtersKey(filters: TaskFilters): string {
  return JSON.stringify(filtersToQuery(filters, 0));
}
