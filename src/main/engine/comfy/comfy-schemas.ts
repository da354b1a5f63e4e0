import { z } from 'zod';
import type { PromptNodeError } from './errors';
import { parseNodeErrors } from './prompt-errors';

/**
 * Schemas of ComfyUI's HTTP answers (protocol doc §1), each turning the raw JSON into the
 * clean camelCase shape the engine uses. Only what the console relies on is required;
 * unknown fields pass, because other versions add some. Transforms are total (they never
 * throw), so `schema.safeParse(anything)` always yields data or a ZodError.
 */

/** zod 4 numbers are finite: `1e400` parses to Infinity and is refused here. */
const count = z.number().nonnegative();

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------- GET /queue

export interface QueueItem {
  /** Priority: lower runs first; negative for `front: true` submissions. */
  number: number;
  promptId: string;
  /** `extra_data.client_id`: which socket gets the job's events; null when it was submitted without one. */
  clientId: string | null;
}

export interface QueueSnapshot {
  running: QueueItem[];
  /** In execution order (the server's list is a heap, doc §1). */
  pending: QueueItem[];
}

/**
 * `[number, prompt_id, graph, extra_data, outputs]`. The graph is dropped here so a long queue
 * does not stay in memory. A malformed item fails the whole answer: skipping it could make
 * the dispatcher believe a job is not queued and submit it twice (T4).
 */
const queueItem = z
  .tuple([z.number(), z.string()])
  .rest(z.unknown())
  .transform((t): QueueItem => {
    const extra = t[3];
    const clientId = isRecord(extra) && typeof extra['client_id'] === 'string' ? extra['client_id'] : null;
    return { number: t[0], promptId: t[1], clientId };
  });

/** Heap order is `(number, prompt_id)` tuple comparison, so ties go by prompt id. */
function byExecutionOrder(a: QueueItem, b: QueueItem): number {
  if (a.number !== b.number) return a.number - b.number;
  return a.promptId < b.promptId ? -1 : a.promptId > b.promptId ? 1 : 0;
}

export const queueResponse = z
  .object({ queue_running: z.array(queueItem), queue_pending: z.array(queueItem) })
  .transform((q): QueueSnapshot => ({ running: q.queue_running, pending: [...q.queue_pending].sort(byExecutionOrder) }));

// ---------------------------------------------------------------- GET /system_stats

export interface DeviceStats {
  name: string;
  type: string;
  /** null on CPU. */
  index: number | null;
  vramTotal: number;
  vramFree: number;
}

export interface SystemStats {
  /** Missing before ComfyUI reported it (2024). */
  comfyuiVersion: string | null;
  pythonVersion: string | null;
  os: string | null;
  ramTotal: number | null;
  ramFree: number | null;
  devices: DeviceStats[];
}

export const systemStatsResponse = z
  .object({
    system: z.looseObject({
      os: z.string().optional(),
      ram_total: count.optional(),
      ram_free: count.optional(),
      comfyui_version: z.string().nullish(),
      python_version: z.string().optional(),
    }),
    devices: z.array(
      z.looseObject({
        name: z.string(),
        type: z.string(),
        index: z.number().int().nullish(),
        vram_total: count,
        vram_free: count,
      }),
    ),
  })
  .transform(
    (s): SystemStats => ({
      comfyuiVersion: s.system.comfyui_version ?? null,
      pythonVersion: s.system.python_version ?? null,
      os: s.system.os ?? null,
      ramTotal: s.system.ram_total ?? null,
      ramFree: s.system.ram_free ?? null,
      devices: s.devices.map((d) => ({ name: d.name, type: d.type, index: d.index ?? null, vramTotal: d.vram_total, vramFree: d.vram_free })),
    }),
  );

// ---------------------------------------------------------------- GET /object_info

export interface ObjectInfo {
  /** Sorted. */
  nodeClasses: string[];
  /** Sorted, unique: every option of the model-like COMBO inputs (see {@link MODEL_INPUT_NAMES}). */
  models: string[];
}

/** Inputs whose options are model files, across the core loaders (B5 checks a task's models against these). */
export const MODEL_INPUT_NAMES: ReadonlySet<string> = new Set([
  'ckpt_name',
  'lora_name',
  'vae_name',
  'unet_name',
  'clip_name',
  'clip_name1',
  'clip_name2',
  'clip_name3',
  'clip_name4',
  'control_net_name',
  'upscale_model_name',
  'style_model_name',
  'gligen_name',
  'hypernetwork_name',
  'photomaker_model_name',
]);

/** COMBO options: `[["a", "b"], {...}]` (classic) or `["COMBO", {"options": ["a", "b"]}]` (v3 schema nodes). */
function comboOptions(spec: unknown): string[] {
  if (!Array.isArray(spec)) return [];
  const [head, config] = spec as unknown[];
  const list = Array.isArray(head) ? head : head === 'COMBO' && isRecord(config) && Array.isArray(config['options']) ? config['options'] : [];
  return (list as unknown[]).filter((o): o is string => typeof o === 'string');
}

function modelsOf(info: { input?: unknown }): string[] {
  if (!isRecord(info.input)) return [];
  const found: string[] = [];
  for (const group of ['required', 'optional']) {
    const inputs = info.input[group];
    if (!isRecord(inputs)) continue;
    for (const [name, spec] of Object.entries(inputs)) if (MODEL_INPUT_NAMES.has(name)) found.push(...comboOptions(spec));
  }
  return found;
}

export const objectInfoResponse = z.record(z.string(), z.looseObject({ input: z.unknown().optional() })).transform(
  (all): ObjectInfo => ({
    nodeClasses: Object.keys(all).sort(),
    models: [...new Set(Object.values(all).flatMap(modelsOf))].sort(),
  }),
);

// ---------------------------------------------------------------- GET /history/{id}

export type OutputKind = 'images' | 'gifs' | 'audio' | 'video' | 'animated' | (string & {});

/**
 * One file an output node produced. `filename`, `subfolder` and `type` are the server's words,
 * verbatim: `/view` needs them as they are, and whoever writes files locally must sanitise the
 * name (T6). `suspicious` flags refs no honest ComfyUI writes (path separators or `..` in the
 * name, absolute or escaping subfolders, control characters, unknown types), so the fetcher
 * can skip or report them without re-implementing the check.
 */
export interface OutputRef {
  nodeId: string;
  kind: OutputKind;
  filename: string;
  subfolder: string;
  type: string;
  suspicious: boolean;
}

export interface HistoryMessage {
  event: string;
  data: unknown;
}

export interface HistoryError {
  nodeId: string | null;
  nodeType: string | null;
  message: string;
  exceptionType: string | null;
}

export interface HistoryEntry {
  promptId: string;
  outcome: 'success' | 'error' | 'interrupted';
  completed: boolean;
  outputs: OutputRef[];
  messages: HistoryMessage[];
  /** Only for outcome `error`. */
  error: HistoryError | null;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const VIEW_TYPES = new Set(['output', 'temp', 'input']);

export function isSuspiciousRef(ref: { filename: string; subfolder: string; type: string }): boolean {
  const { filename: f, subfolder: s } = ref;
  if (!f || CONTROL.test(f) || CONTROL.test(s)) return true;
  if (/[/\\]/.test(f) || f === '.' || f === '..' || f.includes('..')) return true;
  // A trailing " [input]" makes /view read another folder than `type` says.
  if (/ \[(output|input|temp)\]$/.test(f)) return true;
  if (/^[a-zA-Z]:/.test(f) || /^[a-zA-Z]:/.test(s)) return true;
  if (s.startsWith('/') || s.includes('\\') || s.split('/').some((seg) => seg === '..')) return true;
  return !VIEW_TYPES.has(ref.type);
}

const fileRef = z.looseObject({ filename: z.string(), subfolder: z.string().optional(), type: z.string().optional() });
const looksLikeFileRef = (v: unknown): boolean => isRecord(v) && 'filename' in v;

/** Per-node UI dict: lists of file refs under `images`, `gifs`, …, and other values (`text`, `animated`) we ignore. */
const nodeOutputs = z.record(z.string(), z.unknown()).transform((ui, ctx) => {
  const refs: { kind: string; filename: string; subfolder: string; type: string }[] = [];
  for (const [kind, list] of Object.entries(ui)) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!looksLikeFileRef(item)) continue;
      const ref = fileRef.safeParse(item);
      if (!ref.success) {
        ctx.issues.push({ code: 'custom', message: `malformed file reference under "${kind}"`, input: item });
        return z.NEVER;
      }
      refs.push({ kind, filename: ref.data.filename, subfolder: ref.data.subfolder ?? '', type: ref.data.type ?? 'output' });
    }
  }
  return refs;
});

const historyMessage = z
  .tuple([z.string(), z.unknown()])
  .rest(z.unknown())
  .transform((m): HistoryMessage => ({ event: m[0], data: m[1] }));

const executionErrorData = z.looseObject({
  node_id: z.string().nullish().catch(null),
  node_type: z.string().nullish().catch(null),
  exception_message: z.string().catch(''),
  exception_type: z.string().nullish().catch(null),
});

const historyEntryRaw = z.looseObject({
  outputs: z.record(z.string(), nodeOutputs).optional(),
  status: z.looseObject({
    status_str: z.enum(['success', 'error']),
    completed: z.boolean(),
    messages: z.array(historyMessage).optional(),
  }),
});

function errorOf(messages: HistoryMessage[]): HistoryError {
  const last = messages.findLast((m) => m.event === 'execution_error');
  const data = executionErrorData.safeParse(last?.data);
  if (!last || !data.success) return { nodeId: null, nodeType: null, message: 'the server recorded an error without details', exceptionType: null };
  return {
    nodeId: data.data.node_id ?? null,
    nodeType: data.data.node_type ?? null,
    message: data.data.exception_message || 'no message',
    exceptionType: data.data.exception_type ?? null,
  };
}

/** `{}` → null (unknown, or not finished yet); `{id: entry}` → the entry of `promptId`. */
export function historyResponse(promptId: string) {
  return z.record(z.string(), z.unknown()).transform((all, ctx): HistoryEntry | null => {
    if (Object.keys(all).length === 0) return null;
    if (!Object.hasOwn(all, promptId)) {
      ctx.issues.push({ code: 'custom', message: 'the answer holds another prompt than the one asked for', input: Object.keys(all) });
      return z.NEVER;
    }
    const raw = historyEntryRaw.safeParse(all[promptId]);
    if (!raw.success) {
      const first = raw.error.issues[0];
      ctx.issues.push({ code: 'custom', message: first?.message ?? 'invalid entry', path: [promptId, ...(first?.path ?? [])], input: all[promptId] });
      return z.NEVER;
    }
    const { outputs = {}, status } = raw.data;
    const messages = status.messages ?? [];
    const outcome =
      status.status_str === 'success' ? 'success' : messages.at(-1)?.event === 'execution_interrupted' ? 'interrupted' : 'error';
    return {
      promptId,
      outcome,
      completed: status.completed,
      outputs: Object.entries(outputs).flatMap(([nodeId, refs]) =>
        refs.map((r): OutputRef => ({ nodeId, ...r, suspicious: isSuspiciousRef(r) })),
      ),
      messages,
      error: outcome === 'error' ? errorOf(messages) : null,
    };
  });
}

// ---------------------------------------------------------------- POST /prompt (200)

export interface PromptAccepted {
  /** The id the server queued the job under: ours, unless the server predates client-chosen ids. */
  promptId: string;
  number: number;
  /** Outputs that failed validation and will be skipped, even though the job was queued. */
  nodeErrors: PromptNodeError[];
}

export const promptAcceptedResponse = z
  .object({ prompt_id: z.string(), number: z.number(), node_errors: z.unknown().optional() })
  .transform((r): PromptAccepted => ({ promptId: r.prompt_id, number: r.number, nodeErrors: parseNodeErrors(r.node_errors) }));

// ---------------------------------------------------------------- GET /features

export interface ServerFeatures {
  supportsPreviewMetadata: boolean;
  maxUploadSize: number | null;
}

export const featuresResponse = z
  .looseObject({ supports_preview_metadata: z.boolean().optional(), max_upload_size: count.optional() })
  .transform((f): ServerFeatures => ({ supportsPreviewMetadata: f.supports_preview_metadata ?? false, maxUploadSize: f.max_upload_size ?? null }));
