import { z } from 'zod';

/**
 * Schemas for the WebSocket text frames of ComfyUI (protocol doc §2). Only the fields the
 * console relies on are required; everything else passes through untouched, because servers
 * of other versions add fields.
 */
const statusFrame = z.object({
  type: z.literal('status'),
  data: z.object({
    status: z.object({ exec_info: z.object({ queue_remaining: z.number().int().nonnegative() }) }),
    sid: z.string().optional(),
  }),
});

const executingFrame = z.object({
  type: z.literal('executing'),
  data: z.object({ node: z.string().nullable(), display_node: z.string().optional(), prompt_id: z.string().optional() }),
});

const promptEvent = <T extends string>(type: T) =>
  z.object({ type: z.literal(type), data: z.looseObject({ prompt_id: z.string(), timestamp: z.number().optional() }) });

const progressFrame = z.object({
  type: z.literal('progress'),
  data: z.looseObject({ value: z.number(), max: z.number(), prompt_id: z.string().optional(), node: z.string().nullable().optional() }),
});

export const knownFrame = z.discriminatedUnion('type', [
  statusFrame,
  executingFrame,
  progressFrame,
  promptEvent('execution_start'),
  promptEvent('execution_cached'),
  promptEvent('execution_success'),
  promptEvent('execution_error'),
  promptEvent('execution_interrupted'),
  promptEvent('progress_state'),
  promptEvent('executed'),
]);

export type KnownFrame = z.infer<typeof knownFrame>;

export type ParsedFrame =
  | { kind: 'known'; frame: KnownFrame }
  | { kind: 'unknown'; type: string }
  | { kind: 'invalid'; error: string };

const envelope = z.object({ type: z.string(), data: z.unknown() });

/** Never throws: a frame is known, of an unknown type (counted, ignored), or invalid (reported). */
export function parseTextFrame(text: string): ParsedFrame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid', error: `not JSON: ${preview(text)}` };
  }
  const env = envelope.safeParse(json);
  if (!env.success) return { kind: 'invalid', error: `not a {type, data} frame: ${preview(text)}` };
  const known = knownFrame.safeParse(json);
  if (known.success) return { kind: 'known', frame: known.data };
  const isKnownType = knownFrame.options.some((o) => o.shape.type.value === env.data.type);
  if (!isKnownType) return { kind: 'unknown', type: env.data.type };
  return { kind: 'invalid', error: `${env.data.type} frame of unexpected shape: ${z.prettifyError(known.error)}` };
}

function preview(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
