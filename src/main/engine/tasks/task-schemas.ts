import { z } from 'zod';
import type { TaskError, TaskEventBody, TaskOutput, TaskProgress, TaskRequirements } from '../../../shared/tasks';
import type { TaskChange } from './move-to';
import { TASK_STATUSES } from './task-states';

/*
 * Zod schemas of the ledger's data that crosses an edge: changes asked for by callers, and the
 * JSON columns read back from either database (a row written by another version, or edited by
 * hand, fails here with a message rather than deep inside the UI).
 */

const text = (max: number) => z.string().trim().min(1).max(max);

export const taskStatusSchema = z.enum(TASK_STATUSES);

export const taskProgressSchema = z.strictObject({
  value: z.number().finite().min(0),
  max: z.number().finite().positive(),
  nodeId: z.string().nullable(),
}) satisfies z.ZodType<TaskProgress>;

export const taskOutputSchema = z.strictObject({
  nodeId: z.string(),
  filename: z.string(),
  subfolder: z.string(),
  type: z.string(),
  file: z.string().nullable().optional(),
  thumb: z.string().nullable().optional(),
  contentType: z.string().optional(),
  bytes: z.number().int().nonnegative().optional(),
  error: z.string().nullable().optional(),
}) satisfies z.ZodType<TaskOutput>;

export const taskErrorSchema = z.strictObject({
  code: text(100),
  message: z.string().max(100_000),
  nodeErrors: z.array(z.strictObject({ nodeId: z.string().nullable(), classType: z.string().nullable(), message: z.string() })).optional(),
}) satisfies z.ZodType<TaskError>;

const reason = text(2000);

export const taskRequirementsSchema = z.strictObject({
  nodes: z.array(text(200)).max(1000).optional(),
  models: z.array(text(500)).max(1000).optional(),
}) satisfies z.ZodType<TaskRequirements>;

export const taskChangeSchema = z.discriminatedUnion('to', [
  z.strictObject({ to: z.literal('dispatched'), serverId: text(200), promptId: text(200) }),
  z.strictObject({ to: z.literal('running') }),
  z.strictObject({ to: z.literal('succeeded'), outputs: z.array(taskOutputSchema).max(10_000) }),
  z.strictObject({ to: z.literal('failed'), error: taskErrorSchema }),
  z.strictObject({ to: z.literal('cancelled'), reason }),
  z.strictObject({ to: z.literal('interrupted'), reason }),
  z.strictObject({ to: z.literal('queued'), reason, operator: z.literal(true).optional() }),
]) satisfies z.ZodType<TaskChange>;

const from = taskStatusSchema;
const transitionBodySchema = z.discriminatedUnion('to', [
  z.strictObject({ kind: z.literal('transition'), from, to: z.literal('dispatched'), serverId: z.string(), promptId: z.string(), attempt: z.number().int() }),
  z.strictObject({ kind: z.literal('transition'), from, to: z.literal('running') }),
  z.strictObject({ kind: z.literal('transition'), from, to: z.literal('succeeded'), outputs: z.array(taskOutputSchema) }),
  z.strictObject({ kind: z.literal('transition'), from, to: z.literal('failed'), error: taskErrorSchema }),
  z.strictObject({ kind: z.literal('transition'), from, to: z.literal('cancelled'), reason: z.string() }),
  z.strictObject({ kind: z.literal('transition'), from, to: z.literal('interrupted'), reason: z.string() }),
  z.strictObject({ kind: z.literal('transition'), from, to: z.literal('queued'), reason: z.string(), operator: z.literal(true).optional() }),
]);

/** The `data` column of an event row: the event without its id, task, time and version. */
export const taskEventBodySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('created'),
    type: z.string(),
    sessionId: z.string(),
    key: z.string().nullable(),
    mode: z.enum(['once', 'rerunnable']),
    parentId: z.string().nullable(),
    pinServerId: z.string().nullable(),
    requirements: taskRequirementsSchema.nullable(),
  }),
  transitionBodySchema,
  z.strictObject({ kind: z.literal('progress'), progress: taskProgressSchema }),
  z.strictObject({ kind: z.literal('message'), level: z.enum(['info', 'warning', 'error']), text: z.string() }),
]) satisfies z.ZodType<TaskEventBody>;
