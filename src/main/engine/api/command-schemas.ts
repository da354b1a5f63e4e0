import { z } from 'zod';
import type { CommandName } from '../../../shared/api';
import { storableString } from './text-rules';

/**
 * Argument schemas for every command. Payloads from a renderer (IPC) or a browser (bridge)
 * are outside data: they are parsed here, at the edge, and trusted inside. Every string is a
 * {@link storableString}: no lone surrogate, no NUL (see text-rules.ts).
 */
const serverId = storableString().min(1).max(128);
const serverUrl = storableString().min(1, 'url is required').max(2048);
const serverName = storableString().trim().min(1).max(64);
const maxInFlight = z.number().int().min(1).max(64);
const tags = z.array(storableString().trim().min(1).max(40)).max(32);
const taskId = storableString().min(1).max(200);
const sessionId = storableString().trim().min(1).max(200);
const reason = storableString().trim().min(1, 'a reason is required').max(2000);
const names = z.array(storableString().trim().min(1).max(200)).max(200);
const taskStatus = z.enum(['queued', 'dispatched', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
const emptyArgs = z.object({}).strict();

export const commandSchemas = {
  'fleet.snapshot': emptyArgs,
  'servers.add': z
    .object({
      url: serverUrl,
      name: serverName.optional(),
      maxInFlight: maxInFlight.optional(),
      tags: tags.optional(),
    })
    .strict(),
  'servers.update': z
    .object({
      id: serverId,
      name: serverName.optional(),
      url: serverUrl.optional(),
      maxInFlight: maxInFlight.optional(),
      tags: tags.optional(),
      enabled: z.boolean().optional(),
      drained: z.boolean().optional(),
    })
    .strict(),
  'servers.remove': z.object({ id: serverId }).strict(),
  'servers.series': z.object({ id: serverId, window: z.enum(['5m', '15m', '60m', '24h']) }).strict(),
  'log.setVerbose': z.object({ verbose: z.boolean() }).strict(),
  'log.tail': z.object({ limit: z.number().int().min(1).max(10_000).optional() }).strict(),
  'settings.get': emptyArgs,
  'demo.start': emptyArgs,
  'settings.set': z
    .object({
      retentionDays: z.number().int().min(1).max(36_500).nullable().optional(),
      dispatch: z
        .object({
          maxQueued: z.number().int().min(1).max(1_000_000).optional(),
          submitsPerSecond: z.number().min(0.1).max(10_000).optional(),
          submitBurst: z.number().int().min(1).max(10_000).optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  // The workflow stays `unknown` here: the ledger validates it (T1) with errors that name the node.
  'tasks.submit': z
    .object({
      workflow: z.unknown().refine((w) => w !== undefined, 'workflow is required'),
      type: storableString().trim().min(1).max(64).optional(),
      key: storableString().trim().min(1).max(500).nullable().optional(),
      sessionId: sessionId.optional(),
      pinServerId: serverId.nullable().optional(),
      requirements: z.object({ nodes: names.optional(), models: names.optional() }).strict().optional(),
    })
    .strict(),
  'tasks.get': z.object({ id: taskId }).strict(),
  'tasks.list': z
    .object({
      status: z.array(taskStatus).max(7).optional(),
      serverId: serverId.optional(),
      type: storableString().max(64).optional(),
      sessionId: sessionId.optional(),
      parentId: taskId.optional(),
      search: storableString().max(500).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
      cursor: storableString().max(1000).nullable().optional(),
    })
    .strict(),
  // The same search as tasks.list's, so the status chips count what the list shows.
  'tasks.counts': z.object({ serverId: serverId.optional(), type: storableString().max(64).optional(), sessionId: sessionId.optional(), search: storableString().max(500).optional() }).strict(),
  'tasks.workflow': z.object({ id: taskId }).strict(),
  'tasks.cancel': z.object({ id: taskId, reason: reason.optional() }).strict(),
  'tasks.rerun': z.object({ id: taskId, workflow: z.unknown().optional(), force: z.boolean().optional(), reason: reason.optional() }).strict(),
  'tasks.output': z.object({ id: taskId, index: z.number().int().min(0).max(10_000), thumbnail: z.boolean().optional() }).strict(),
  'locks.list': emptyArgs,
  'locks.unlock': z.object({ sessionId, reason, unfinished: z.enum(['requeue', 'cancel', 'leave']) }).strict(),
  'audit.list': z.object({ cursor: storableString().max(1000).nullable().optional(), limit: z.number().int().min(1).max(1000).optional(), target: storableString().max(200).optional() }).strict(),
  'types.list': emptyArgs,
  'types.set': z
    .object({
      type: storableString().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a task type is 1–64 characters: lower-case letters, digits, ".", "_" or "-"'),
      mode: z.enum(['once', 'rerunnable']),
      retryLimit: z.number().int().min(0).max(100),
      failover: z.enum(['wait', 'move']),
    })
    .strict(),
} satisfies Record<CommandName, z.ZodType>;
