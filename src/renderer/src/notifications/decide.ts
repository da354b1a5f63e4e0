import type { ServerId, ServerView } from '../../../shared/fleet';
import type { LiveTaskView, TaskId } from '../../../shared/tasks';
import { routeHref, taskHref } from '../routing/route';
import type { LiveState } from '../store/fleet/slices/live/initialState';

/** What in the store is worth a desktop notification (U8). */
export type NotifyEvent = { kind: 'server-unhealthy'; id: ServerId; name: string; reason: string } | { kind: 'task-failed'; id: TaskId; type: string; message: string };

export type NotifySource = Pick<LiveState, 'sync' | 'byId' | 'tasks'>;

/**
 * Transitions only: a server that turns unhealthy between two states it was known in (not one
 * first seen unhealthy in a snapshot, which would notify on every reconnect), and a task whose
 * upsert first reaches `failed` (the engine sends a terminal task once more; that repeat is not
 * a new failure).
 */
export function detectEvents(prev: NotifySource, next: NotifySource): NotifyEvent[] {
  const events: NotifyEvent[] = [];
  if (prev.sync === 'waiting') return events;
  if (next.byId !== prev.byId) {
    for (const id in next.byId) {
      const now = next.byId[id] as ServerView;
      const before = prev.byId[id];
      if (before && before.health.state !== 'unhealthy' && now.health.state === 'unhealthy') {
        events.push({ kind: 'server-unhealthy', id, name: now.name, reason: now.health.reason });
      }
    }
  }
  if (next.tasks !== prev.tasks) {
    for (const id in next.tasks) {
      const now = next.tasks[id] as LiveTaskView;
      if (now.status === 'failed' && prev.tasks[id]?.status !== 'failed') {
        events.push({ kind: 'task-failed', id, type: now.type, message: now.error?.message ?? 'no error message' });
      }
    }
  }
  return events;
}

export interface NotificationSpec {
  /** Same tag replaces an older notification of its kind rather than stacking up. */
  tag: string;
  title: string;
  body: string;
  /** Where a click takes the operator. */
  href: string;
}

/** A burst becomes at most one notification per kind: "5 tasks failed" rather than five. */
export function summarize(events: readonly NotifyEvent[]): NotificationSpec[] {
  const servers = events.filter((e) => e.kind === 'server-unhealthy');
  const tasks = events.filter((e) => e.kind === 'task-failed');
  const specs: NotificationSpec[] = [];
  const [server] = servers;
  if (servers.length === 1 && server) {
    specs.push({ tag: 'comfyfleet-server', title: `${server.name} is unhealthy`, body: server.reason, href: routeHref({ view: 'fleet' }) });
  } else if (servers.length > 1) {
    const names = [...new Set(servers.map((s) => s.name))];
    specs.push({ tag: 'comfyfleet-server', title: `${names.length} servers are unhealthy`, body: names.join(', '), href: routeHref({ view: 'fleet' }) });
  }
  const [task] = tasks;
  if (tasks.length === 1 && task) {
    specs.push({ tag: 'comfyfleet-task', title: `Task ${task.id.slice(0, 8)} (${task.type}) failed`, body: task.message, href: taskHref(task.id) });
  } else if (tasks.length > 1) {
    const types = [...new Set(tasks.map((t) => t.type))];
    specs.push({ tag: 'comfyfleet-task', title: `${tasks.length} tasks failed`, body: `types: ${types.join(', ')}`, href: routeHref({ view: 'tasks' }) });
  }
  return specs;
}

export interface CoalescerTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
}

/**
 * Collects events and shows them in batches: the first event of a burst waits `windowMs` for
 * the rest, and two batches are at least `minGapMs` apart, so a failing fleet cannot spam.
 */
export function createCoalescer(show: (spec: NotificationSpec) => void, timers: CoalescerTimers, { windowMs = 1_500, minGapMs = 10_000 } = {}) {
  let pending: NotifyEvent[] = [];
  let scheduled = false;
  let lastFlush = -Infinity;
  const flush = (): void => {
    scheduled = false;
    lastFlush = timers.now();
    const batch = pending;
    pending = [];
    for (const spec of summarize(batch)) show(spec);
  };
  return {
    push(events: readonly NotifyEvent[]): void {
      if (events.length === 0) return;
      pending.push(...events);
      if (scheduled) return;
      scheduled = true;
      const now = timers.now();
      timers.setTimeout(flush, Math.max(windowMs, lastFlush + minGapMs - now));
    },
  };
}
