import { z } from 'zod';
import type { CommandName } from '../../../shared/api';

/**
 * Argument schemas for every command. Payloads from a renderer (IPC) or a browser (bridge)
 * are outside data: they are parsed here, at the edge, and trusted inside.
 */
const serverId = z.string().min(1).max(128);
const serverUrl = z.string().min(1, 'url is required').max(2048);
const serverName = z.string().trim().min(1).max(64);
const maxInFlight = z.number().int().min(1).max(64);
const tags = z.array(z.string().trim().min(1).max(40)).max(32);

export const commandSchemas = {
  'fleet.snapshot': z.object({}).strict(),
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
} satisfies Record<CommandName, z.ZodType>;
