import { z } from 'zod';
import type { TaskMode, TaskPolicy, TaskStatus, TaskView } from '../../../shared/tasks';
import { isActive } from './task-states';
import { ledgerErrors } from './ledger-error';

/**
 * The built-in task type. `rerunnable` because most farm work (renders, previews) may run again
 * once it has finished; order-like work that must never run twice registers a `once` type.
 */
export const DEFAULT_TASK_TYPE = 'default';
export const DEFAULT_POLICY: Readonly<TaskPolicy> = Object.freeze({ type: DEFAULT_TASK_TYPE, mode: 'rerunnable', retryLimit: 1, failover: 'wait' });

export const taskTypeNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a task type is 1–64 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit');

export const taskPolicySchema = z.strictObject({
  type: taskTypeNameSchema,
  mode: z.enum(['once', 'rerunnable']),
  retryLimit: z.number().int().min(0).max(100),
  failover: z.enum(['wait', 'move']),
});

/** Parses a policy from outside (UI, settings row); the error names the field and the rule. */
export function parsePolicy(value: unknown): TaskPolicy {
  const r = taskPolicySchema.safeParse(value);
  if (!r.success) {
    throw ledgerErrors.badRequest(`task policy rejected: ${r.error.issues.map((i) => `${i.path.join('.') || 'policy'}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
  }
  return r.data;
}

/**
 * Whether a task in `status` keeps its idempotency key claimed (T2). Active tasks always do;
 * under `once` a success keeps it forever (later submissions get that task back); every other
 * end gives the key free for a new task. The transition that releases the claim clears it in
 * the same UPDATE, so the database's unique index is the only arbiter.
 */
export function holdsClaim(mode: TaskMode, status: TaskStatus): boolean {
  return isActive(status) || (mode === 'once' && status === 'succeeded');
}

/** What a submission meeting `claimant` (the task holding the key) returns, under `mode`. */
export function outcomeAgainst(mode: TaskMode, claimant: TaskView): 'deduplicated' | 'conflict' | 'stale_claim' {
  if (isActive(claimant.status)) return mode === 'once' ? 'deduplicated' : 'conflict';
  // Only a `once` success keeps a claim past its end; if the type has become rerunnable since,
  // that claim no longer means anything.
  return mode === 'once' && claimant.status === 'succeeded' ? 'deduplicated' : 'stale_claim';
}

/**
 * Re-run guard (T8): a `once` task that succeeded runs again only when an operator forces it
 * with a reason (which goes to the audit log). Everything else may be re-run.
 */
export function checkRerun(parent: TaskView, force: boolean, reason: string | null): void {
  if (parent.mode === 'once' && parent.status === 'succeeded') {
    if (!force) throw ledgerErrors.rerunRefused(parent.id, parent.type);
    if (!reason?.trim()) throw ledgerErrors.badRequest(`a forced re-run of task ${parent.id} needs a reason for the audit log`);
  }
}

/**
 * T9: after losing its server, a task goes back to the queue while its policy allows more
 * requeues, else it fails with `server_lost`. The dispatcher warns that it may run twice.
 */
export function afterServerLost(policy: TaskPolicy, task: Pick<TaskView, 'requeues'>): 'requeue' | 'fail' {
  return task.requeues < policy.retryLimit ? 'requeue' : 'fail';
}
