import { z } from 'zod';
import type { PromptErrorSummary, PromptInputError, PromptNodeError } from './errors';

/**
 * ComfyUI's validation answer (`POST /prompt` 400, and `node_errors` on a 200) turned into
 * per-node errors and one readable sentence for the operator (T10). Parsing is lenient:
 * a malformed entry is skipped rather than hiding the well-formed ones, because the verdict
 * ("refused") is already certain from the status; older servers send `error` as a string
 * and `node_errors` as a list.
 */

const inputErrorSchema = z.looseObject({
  type: z.string().catch('unknown'),
  message: z.string(),
  details: z.unknown().optional(),
  extra_info: z.looseObject({ input_name: z.string().optional() }).optional().catch(undefined),
});

const nodeErrorSchema = z.looseObject({
  errors: z.array(z.unknown()).catch([]),
  class_type: z.string().nullish().catch(null),
});

const errorObjectSchema = z.looseObject({
  type: z.string().catch('unknown'),
  message: z.string().catch(''),
  details: z.unknown().optional(),
});

/** The shape that makes a 400 a ComfyUI validation verdict rather than some other 400 (a proxy's, say). */
export const promptRejectionSchema = z.object({
  error: z.union([z.string(), errorObjectSchema]),
  node_errors: z.unknown().optional(),
});

export type PromptRejectionBody = z.infer<typeof promptRejectionSchema>;

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

export function summarizeError(error: PromptRejectionBody['error']): PromptErrorSummary {
  if (typeof error === 'string') return { type: 'unknown', message: error, details: '' };
  return { type: error.type, message: error.message, details: textOf(error.details) };
}

/** `node_errors` as a list, skipping what does not parse. Total: never throws. */
export function parseNodeErrors(raw: unknown): PromptNodeError[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [];
  const out: PromptNodeError[] = [];
  for (const [nodeId, value] of Object.entries(raw)) {
    const node = nodeErrorSchema.safeParse(value);
    if (!node.success) continue;
    const errors: PromptInputError[] = [];
    for (const e of node.data.errors) {
      const parsed = inputErrorSchema.safeParse(e);
      if (!parsed.success) continue;
      const inputName = parsed.data.extra_info?.input_name;
      errors.push({
        type: parsed.data.type,
        message: parsed.data.message,
        details: textOf(parsed.data.details),
        ...(inputName !== undefined ? { inputName } : {}),
      });
    }
    out.push({ nodeId, classType: node.data.class_type ?? null, errors });
  }
  return out;
}

const MAX_PART = 300;
const MAX_TOTAL = 2_000;

function clip(text: string, max = MAX_PART): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** "Value 0 smaller…" reads better mid-sentence as "value 0 smaller…"; "KSampler…" stays as is. */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

function describeInputError(e: PromptInputError): string {
  const message = lowerFirst(clip(e.message || e.type));
  const details = clip(e.details);
  const tail = details && details !== e.inputName ? `${message}: ${details}` : message;
  return e.inputName !== undefined ? `input "${clip(e.inputName, 80)}": ${tail}` : tail;
}

function describeNode(n: PromptNodeError): string {
  const head = `node ${clip(n.nodeId, 40)}${n.classType ? ` (${clip(n.classType, 80)})` : ''}`;
  const first = n.errors[0];
  if (!first) return `${head}: invalid`;
  // `node 4 (KSampler) input "steps": …` but `node 4 (KSampler): exception when validating …`.
  return `${head}${first.inputName !== undefined ? ' ' : ': '}${n.errors.map(describeInputError).join(', ')}`;
}

/**
 * One sentence naming each failing node, its class and input, e.g.
 * `node 4 (KSampler) input "steps": value 0 smaller than min of 1; node 7 (CLIPTextEncode) …`.
 * Falls back to the top-level error when no node is named.
 */
export function readablePromptErrors(error: PromptErrorSummary, nodeErrors: readonly PromptNodeError[]): string {
  if (nodeErrors.length === 0) {
    const message = lowerFirst(clip(error.message || error.type || 'the workflow is invalid'));
    const details = clip(error.details);
    return details ? `${message} (${details})` : message;
  }
  let text = '';
  for (const [i, node] of nodeErrors.entries()) {
    const part = describeNode(node);
    if (text && text.length + part.length > MAX_TOTAL) return `${text}; … and ${nodeErrors.length - i} more nodes`;
    text = text ? `${text}; ${part}` : part;
  }
  return text;
}
