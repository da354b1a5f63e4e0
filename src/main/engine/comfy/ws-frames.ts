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

const promptData = { prompt_id: z.string(), timestamp: z.number().optional() };
const nodeIds = z.array(z.string());

const executionCachedFrame = z.object({
  type: z.literal('execution_cached'),
  data: z.looseObject({ ...promptData, nodes: nodeIds }),
});

/** Also the "Execution Blocked" variant: `exception_type: "ExecutionBlocked"`, empty traceback. */
const executionErrorFrame = z.object({
  type: z.literal('execution_error'),
  data: z.looseObject({
    ...promptData,
    node_id: z.string(),
    node_type: z.string(),
    exception_message: z.string(),
    exception_type: z.string(),
    executed: nodeIds.optional(),
    traceback: z.array(z.string()).optional(),
  }),
});

const executionInterruptedFrame = z.object({
  type: z.literal('execution_interrupted'),
  data: z.looseObject({ ...promptData, node_id: z.string(), node_type: z.string(), executed: nodeIds.optional() }),
});

/** Every non-pending node of the job (since 2025-07). `state` is running | finished | error today; other values pass. */
const progressStateFrame = z.object({
  type: z.literal('progress_state'),
  data: z.looseObject({
    prompt_id: z.string(),
    nodes: z.record(
      z.string(),
      z.looseObject({
        value: z.number(),
        max: z.number(),
        state: z.string(),
        node_id: z.string(),
        prompt_id: z.string().optional(),
        display_node_id: z.string().nullish(),
        parent_node_id: z.string().nullish(),
        real_node_id: z.string().nullish(),
      }),
    ),
  }),
});

/** Only for nodes with UI output; `output` holds the same UI dict as history's `outputs[node]`. */
const executedFrame = z.object({
  type: z.literal('executed'),
  data: z.looseObject({
    node: z.string(),
    display_node: z.string().optional(),
    output: z.record(z.string(), z.unknown()).nullable(),
    prompt_id: z.string(),
  }),
});

export const knownFrame = z.discriminatedUnion('type', [
  statusFrame,
  executingFrame,
  progressFrame,
  promptEvent('execution_start'),
  executionCachedFrame,
  promptEvent('execution_success'),
  executionErrorFrame,
  executionInterruptedFrame,
  progressStateFrame,
  executedFrame,
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
