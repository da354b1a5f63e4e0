import type { ActiveTaskStatus, TaskStatus, TerminalTaskStatus } from '../../../shared/tasks';

/*
 * The task state machine (T3), written down once. Every change of status goes through
 * `ALLOWED_FROM`, keyed by the state a transition reaches (BullMQ's moveToX naming).
 *
 *                 ┌───────────────── requeue: server lost (T9), force-unlock (L4) ─────────────┐
 *                 ▼                                                                             │
 *   submit ──▶ queued ──▶ dispatched ──▶ running ──▶ succeeded                                   │
 *                 │           │   │         │  ├───▶ failed                                     │
 *                 │           │   │         │  ├───▶ cancelled                                  │
 *                 │           │   │         │  ├───▶ interrupted                                │
 *                 │           │   │         └──┴──────────────────────────────────────────────┘
 *                 │           │   └──▶ succeeded | failed | cancelled | interrupted | queued
 *                 │           │        (a fast job can finish before we saw it start; /history decides)
 *                 └──▶ failed | cancelled   (never sent anywhere)
 *
 * Terminal: succeeded, failed, cancelled, interrupted. Nothing leaves a terminal state.
 * A requeue keeps the task (and its idempotency claim) and the next dispatch is a new attempt.
 */

export const TASK_STATUSES = ['queued', 'dispatched', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const satisfies readonly TaskStatus[];
export const TERMINAL_STATUSES = ['succeeded', 'failed', 'cancelled', 'interrupted'] as const satisfies readonly TerminalTaskStatus[];
export const ACTIVE_STATUSES = ['queued', 'dispatched', 'running'] as const satisfies readonly ActiveTaskStatus[];

/** The one owner of legal transitions: target state → the states it may be reached from. */
export const ALLOWED_FROM: { readonly [To in TaskStatus]: readonly ActiveTaskStatus[] } = {
  queued: ['dispatched', 'running'],
  dispatched: ['queued'],
  running: ['dispatched'],
  succeeded: ['dispatched', 'running'],
  failed: ['queued', 'dispatched', 'running'],
  cancelled: ['queued', 'dispatched', 'running'],
  interrupted: ['dispatched', 'running'],
};

export function isTerminal(status: TaskStatus): status is TerminalTaskStatus {
  return (TERMINAL_STATUSES as readonly TaskStatus[]).includes(status);
}

export function isActive(status: TaskStatus): status is ActiveTaskStatus {
  return !isTerminal(status);
}

export function canMove(from: TaskStatus, to: TaskStatus): boolean {
  return (ALLOWED_FROM[to] as readonly TaskStatus[]).includes(from);
}
