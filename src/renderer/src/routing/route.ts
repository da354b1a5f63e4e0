import type { TaskId } from '../../../shared/tasks';

/** The console's views; the URL hash names one, so a view can be linked, reloaded and tested. */
export type Route =
  | { view: 'fleet' }
  | { view: 'tasks' }
  | { view: 'task'; id: TaskId }
  | { view: 'submit' }
  | { view: 'locks' }
  | { view: 'settings' }
  | { view: 'log' };

export type ViewName = Route['view'];

const SIMPLE: Record<string, Route> = {
  fleet: { view: 'fleet' },
  tasks: { view: 'tasks' },
  submit: { view: 'submit' },
  locks: { view: 'locks' },
  settings: { view: 'settings' },
  log: { view: 'log' },
};

/**
 * `#/tasks/abc` → the task view of `abc`; anything unknown is the fleet (the start view). A
 * query after the path (`#/tasks?status=queued`) is the view's own state, not part of the route.
 */
export function parseRoute(hash: string): Route {
  const path = hash.split('?', 1)[0] ?? '';
  const parts = path.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [head, id] = parts;
  if (head === 'tasks' && id) return { view: 'task', id: decodeURIComponent(id) };
  return head !== undefined && Object.hasOwn(SIMPLE, head) ? (SIMPLE[head] as Route) : { view: 'fleet' };
}

export function routeHref(route: Route): string {
  return route.view === 'task' ? `#/tasks/${encodeURIComponent(route.id)}` : `#/${route.view}`;
}

/** The hash of a task's detail view, for links in tables, the audit log and notifications. */
export const taskHref = (id: TaskId): string => routeHref({ view: 'task', id });

/** The query of a view's address (`#/tasks?status=queued` → `status=queued`); '' when it has none. */
export function hashQuery(hash: string): string {
  const at = hash.indexOf('?');
  return at < 0 ? '' : hash.slice(at + 1);
}
