import { z } from 'zod';
import { ledgerErrors } from '../tasks/ledger-error';
import { DEFAULT_TASK_TYPE, taskTypeNameSchema } from '../tasks/task-policy';
import { ACTIVE_STATUSES } from '../tasks/task-states';
import { taskChangeSchema, taskProgressSchema, taskRequirementsSchema, taskStatusSchema } from '../tasks/task-schemas';

/*
 * Requests from outside (UI, REST, the dispatcher) are checked here before a transaction
 * starts; the message names the field and the rule.
 */

const id = (what: string) => z.string({ error: `${what} must be a string` }).min(1, `${what} must not be empty`).max(200, `${what} is at most 200 characters`);

export const submitRequestSchema = z.object({
  type: taskTypeNameSchema.default(DEFAULT_TASK_TYPE),
  sessionId: id('sessionId'),
  key: z
    .string()
    .max(500, 'key is at most 500 characters')
    .refine((k) => k.trim() !== '', 'key must not be blank')
    .nullish()
    .transform((k) => k ?? null),
  workflow: z.unknown(),
  pinServerId: id('pinServerId')
    .nullish()
    .transform((s) => s ?? null),
  // No requirement at all is stored as null, so "needs nothing" has one spelling.
  requirements: taskRequirementsSchema.nullish().transform((r) => (r && (r.nodes?.length || r.models?.length) ? r : null)),
});

export const rerunRequestSchema = z.object({
  parentId: id('parentId'),
  workflow: z.unknown().optional(),
  sessionId: id('sessionId').optional(),
  actor: id('actor'),
  reason: z
    .string()
    .max(2000)
    .nullish()
    .transform((r) => (r?.trim() ? r.trim() : null)),
  force: z.boolean().default(false),
});

export const versionGuardSchema = z.object({ expectedVersion: z.number().int().min(1) });

export const auditInputSchema = z.object({
  actor: id('actor'),
  action: id('action'),
  target: id('target'),
  reason: z
    .string()
    .max(2000)
    .nullish()
    .transform((r) => (r?.trim() ? r.trim() : null)),
  details: z.unknown().optional(),
});

export const statusListSchema = z.array(taskStatusSchema).max(7);
export const activeStatusListSchema = z.array(z.enum(ACTIVE_STATUSES)).max(3);
export { taskChangeSchema, taskProgressSchema };

export const settingKeySchema = z.string().min(1).max(200);
export const retentionDaysSchema = z.number().int().min(1).max(36_500).nullable();

/** Parses `value` or throws `bad_request` naming what was wrong. */
export function check<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw ledgerErrors.badRequest(`${what} rejected: ${r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')}`, { issues: r.error.issues });
}
