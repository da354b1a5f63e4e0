import { z } from 'zod';
import type { ComfyWorkflow, WorkflowIssue } from '../../../shared/tasks';
import { ledgerErrors } from './ledger-error';

/** Default size limit of a workflow's JSON text (T1). */
export const DEFAULT_MAX_WORKFLOW_BYTES = 5 * 1024 * 1024;
/** An operator fixes a few problems at a time; a thousand lines of errors help nobody. */
export const MAX_REPORTED_ISSUES = 20;

export interface ValidWorkflow {
  workflow: ComfyWorkflow;
  /** The JSON text that is stored and later POSTed. */
  json: string;
}

// The shape ComfyUI's /prompt needs of every node; anything else on a node (e.g. `_meta`) is kept.
const nodeSchema = z.looseObject({
  class_type: z.string().trim().min(1),
  inputs: z.record(z.string(), z.unknown()),
});

/**
 * Checks a workflow (T1) given as JSON text or as parsed data, and returns it with its JSON
 * text. Throws `too_large` over the limit, `invalid_workflow` with every problem found
 * (capped) otherwise. Each message names the node, its class and the input.
 */
export function parseWorkflow(input: unknown, maxBytes = DEFAULT_MAX_WORKFLOW_BYTES): ValidWorkflow {
  let json: string;
  let value: unknown;
  if (typeof input === 'string') {
    json = input;
    checkSize(json, maxBytes);
    try {
      value = JSON.parse(json);
    } catch (err) {
      throw ledgerErrors.invalidWorkflow([issue(null, null, null, `workflow: not valid JSON (${(err as Error).message})`)], 0);
    }
  } else {
    value = input;
    try {
      json = JSON.stringify(input) ?? '';
    } catch (err) {
      throw ledgerErrors.invalidWorkflow([issue(null, null, null, `workflow: cannot be written as JSON (${(err as Error).message})`)], 0);
    }
    checkSize(json, maxBytes);
  }
  const issues = checkWorkflow(value);
  if (issues.length > 0) {
    throw ledgerErrors.invalidWorkflow(issues.slice(0, MAX_REPORTED_ISSUES), Math.max(0, issues.length - MAX_REPORTED_ISSUES));
  }
  return { workflow: value as ComfyWorkflow, json };
}

function checkSize(json: string, maxBytes: number): void {
  // Cheap bound first: a UTF-8 byte is at least one UTF-16 unit and at most three.
  if (json.length * 3 <= maxBytes) return;
  const bytes = new TextEncoder().encode(json).byteLength;
  if (bytes > maxBytes) throw ledgerErrors.tooLarge('workflow', bytes, maxBytes);
}

/** Every problem of an API-format graph, in node order. Pure; empty when the graph is fine. */
export function checkWorkflow(value: unknown): WorkflowIssue[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [issue(null, null, null, `workflow: must be a JSON object of node id → node, got ${describe(value)}`)];
  }
  const graph = value as Record<string, unknown>;
  if (Array.isArray(graph.nodes) && Array.isArray(graph.links)) {
    return [issue(null, null, null, 'workflow: this is the UI format (it has "nodes" and "links"); export it from ComfyUI with "Save (API Format)"')];
  }
  const ids = Object.keys(graph);
  if (ids.length === 0) return [issue(null, null, null, 'workflow: the graph has no nodes')];

  const issues: WorkflowIssue[] = [];
  for (const id of ids) {
    const node = graph[id];
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      issues.push(issue(id, null, null, `workflow: node "${id}" must be an object with "class_type" and "inputs", got ${describe(node)}`));
      continue;
    }
    const parsed = nodeSchema.safeParse(node);
    const rawClass = (node as { class_type?: unknown }).class_type;
    const classType = typeof rawClass === 'string' && rawClass.trim() !== '' ? rawClass : null;
    const name = classType ? `node "${id}" (${classType})` : `node "${id}"`;
    if (!parsed.success) {
      const fields = new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')));
      if (fields.has('class_type')) {
        issues.push(issue(id, null, null, rawClass === undefined ? `workflow: node "${id}" has no class_type` : `workflow: node "${id}" class_type must be a non-empty string, got ${describe(rawClass)}`));
      }
      if (fields.has('inputs')) {
        const rawInputs = (node as { inputs?: unknown }).inputs;
        issues.push(issue(id, classType, null, rawInputs === undefined ? `workflow: ${name} has no inputs object` : `workflow: ${name} inputs must be an object of input name → value, got ${describe(rawInputs)}`));
        continue;
      }
    }
    const inputs = (node as { inputs: Record<string, unknown> }).inputs;
    for (const [input, v] of Object.entries(inputs)) {
      // ComfyUI treats every list input as a link, so a list must have a link's shape.
      if (!Array.isArray(v)) continue;
      const [source, index] = v as unknown[];
      if (v.length !== 2 || typeof source !== 'string' || typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
        issues.push(issue(id, classType, input, `workflow: ${name} input "${input}" is not a valid link (${preview(v)}); a link is ["sourceNodeId", outputIndex]`));
      } else if (!Object.hasOwn(graph, source)) {
        issues.push(issue(id, classType, input, `workflow: ${name} input "${input}" links to node "${source}", which is not in the workflow`));
      }
    }
  }
  return issues;
}

function issue(nodeId: string | null, classType: string | null, input: string | null, message: string): WorkflowIssue {
  return { nodeId, classType, input, message };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${preview(v)}`;
}

function preview(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
