import { z } from 'zod';
import type { CommandName } from '../../../shared/api';

/**
 * Argument schemas for every command. Payloads from a renderer (IPC) or a browser (bridge)
 * are outside data: they are parsed here, at the edge, and trusted inside.
 */
export const commandSchemas = {
  'fleet.snapshot': z.object({}).strict(),
  'servers.add': z
    .object({
      url: z.string().min(1, 'url is required').max(2048),
      name: z.string().trim().min(1).max(64).optional(),
    })
    .strict(),
  'servers.remove': z.object({ id: z.string().min(1).max(128) }).strict(),
} satisfies Record<CommandName, z.ZodType>;
