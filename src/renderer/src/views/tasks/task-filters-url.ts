import type { TaskStatus } from '../../../../shared/tasks';
import { hashQuery, parseRoute } from '../../routing/route';
import { ALL_STATUSES, NO_FILTERS, type TaskFilters } from './task-filters';

/**
 * U2's filters in the tasks view's address, so a filtered view can be shared and survives a
 * reload: `#/tasks?status=queued,running&server=ID&type=T&session=S&key=order-47`. The names
 * are the task API's (`GET /v1/tasks`), so one filter reads the same in both.
 */
export function filtersToHashQuery(filters: TaskFilters): string {
  const parts: string[] = [];
  // Status words need no escaping; the comma keeps the list readable in the address bar.
  const statuses = ALL_STATUSES.filter((s) => filters.statuses.includes(s));
  if (statuses.length > 0) parts.push(`status=${statuses.join(',')}`);
  const rest = new URLSearchParams();
  if (filters.serverId) rest.set('server', filters.serverId);
  if (filters.type.trim()) rest.set('type', filters.type.trim());
  if (filters.sessionId.trim()) rest.set('session', filters.sessionId.trim());
  if (filters.search.trim()) rest.set('key', filters.search.trim());
  const tail = rest.toString();
  if (tail) parts.push(tail);
  return parts.join('&');
}

/** The filters an address carries; anything it does not name, or names wrongly, is "any". */
export function filtersFromHashQuery(query: string): TaskFilters {
  const params = new URLSearchParams(query);
  const named = new Set(params.getAll('status').flatMap((v) => v.split(',')));
  const statuses: TaskStatus[] = ALL_STATUSES.filter((s) => named.has(s));
  return {
    ...NO_FILTERS,
    statuses,
    serverId: params.get('server') ?? '',
    type: params.get('type') ?? '',
    sessionId: params.get('session') ?? '',
    search: params.get('key') ?? '',
  };
}

/** The tasks view's address for the filters. */
export function tasksHash(filters: TaskFilters): string {
  const query = filtersToHashQuery(filters);
  return query ? `#/tasks?${query}` : '#/tasks';
}

/** The filters of a hash when it is the tasks list's; null for any other view. */
export function filtersOfHash(hash: string): TaskFilters | null {
  return parseRoute(hash).view === 'tasks' ? filtersFromHashQuery(hashQuery(hash)) : null;
}
