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
    // A file saved by a Windows editor starts with an invisible byte-order mark that JSON.parse refuses.
    json = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    checkSize(json, maxBytes);
    try {
      value = JSON.parse(json);
    } catch (err) {
      throw ledgerErrors.invalidWorkflow([issue(null, null, null, `workflow: not valid JSON (${(err as Error).message})`)], 0);
    }
  } else {
    value = input;
    // Data from IPC (structured clone) can carry NaN and ±Infinity, which JSON.stringify would
    // silently turn into null: the stored graph would differ from the one submitted.
    let nonFinite = false;
    try {
      json =
        JSON.stringify(input, (_key, v: unknown) => {
          if (typeof v === 'number' && !Number.isFinite(v)) nonFinite = true;
          return v;
        }) ?? '';
    } catch (err) {
      throw ledgerErrors.invalidWorkflow([issue(null, null, null, `workflow: cannot be written as JSON (${(err as Error).message})`)], 0);
    }
    checkSize(json, maxBytes);
    if (nonFinite) throw ledgerErrors.invalidWorkflow(nonFiniteIssues(input), 0);
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
  const wrapped = Object.hasOwn(graph, 'prompt') ? graph.prompt : undefined;
  if (typeof wrapped === 'object' && wrapped !== null && !Array.isArray(wrapped) && !Object.hasOwn(wrapped, 'class_type')) {
    return [issue(null, null, null, 'workflow: this is a POST /prompt body ({"prompt": {…}}); submit the graph inside "prompt" itself')];
  }
  const ids = Object.keys(graph);
  if (ids.length === 0) return [issue(null, null, null, 'workflow: the graph has no nodes')];

  const issues: WorkflowIssue[] = [];
  for (const id of ids) {
    if (id.trim() === '' || id === '__proto__') {
      // `__proto__` is fine in JSON but turns into a prototype in code that copies the graph with
      // Object.assign or a[key] = v; ComfyUI itself only ever writes numbers ("12", "5:3").
      issues.push(issue(id, null, null, `workflow: node id ${JSON.stringify(id)} is not usable; node ids are names like "3" or "12:5"`));
      continue;
    }
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
      if (input === '__proto__') {
        issues.push(issue(id, classType, input, `workflow: ${name} has an input named "__proto__", which no ComfyUI node has; remove it`));
        continue;
      }
      // ComfyUI treats every list input as a link, so a list must have a link's shape.
      if (!Array.isArray(v)) continue;
      const [source, index] = v as unknown[];
      if (v.length !== 2 || typeof source !== 'string' || typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) {
        issues.push(issue(id, classType, input, `workflow: ${name} input "${input}" is not a valid link (${preview(v)}); a link is ["sourceNodeId", outputIndex]`));
      } else if (!Object.hasOwn(graph, source)) {
        issues.push(issue(id, classType, input, `workflow: ${name} input "${input}" links to node "${source}", which is not in the workflow`));
      }
    }
  }
  if (issues.length === 0) issues.push(...cycleIssues(graph));
  return issues;
}

/**
 * A graph whose links loop back never runs: ComfyUI fails it only once it is on a GPU server.
 * Iterative depth-first search (10 000 nodes in a chain must not overflow the stack); called on
 * a graph whose links are all well-formed and point at existing nodes. Reports each cycle once.
 */
function cycleIssues(graph: Record<string, unknown>): WorkflowIssue[] {
  const sources = (id: string): [string, string][] =>
    Object.entries((graph[id] as { inputs: Record<string, unknown> }).inputs).flatMap(([input, v]) => (Array.isArray(v) ? [[input, v[0] as string] as [string, string]] : []));
  const state = new Map<string, 'open' | 'done'>();
  const issues: WorkflowIssue[] = [];
  for (const start of Object.keys(graph)) {
    if (state.has(start)) continue;
    const stack: { id: string; next: [string, string][] }[] = [{ id: start, next: sources(start) }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const edge = top.next.pop();
      if (!edge) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const [input, source] = edge;
      const seen = state.get(source);
      if (seen === 'open') {
        const loop = [...stack.slice(stack.findIndex((f) => f.id === source)).map((f) => f.id), source];
        const classType = (graph[top.id] as { class_type?: unknown }).class_type;
        const name = typeof classType === 'string' && classType.trim() !== '' ? `node "${top.id}" (${classType})` : `node "${top.id}"`;
        issues.push(issue(top.id, typeof classType === 'string' ? classType : null, input, `workflow: ${name} input "${input}" closes a cycle (${loop.map((id) => `"${id}"`).join(' → ')}); a workflow must not loop back`));
      } else if (seen === undefined) {
        state.set(source, 'open');
        stack.push({ id: source, next: sources(source) });
      }
    }
  }
  return issues;
}

/** Names each node and input that holds NaN or ±Infinity (only built when there is one). */
function nonFiniteIssues(input: unknown): WorkflowIssue[] {
  const has = (v: unknown, depth = 0): boolean =>
    typeof v === 'number' ? !Number.isFinite(v) : depth < 64 && typeof v === 'object' && v !== null && Object.values(v).some((x) => has(x, depth + 1));
  const found: WorkflowIssue[] = [];
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    for (const [id, node] of Object.entries(input)) {
      const inputs = (node as { inputs?: unknown } | null)?.inputs;
      if (typeof inputs !== 'object' || inputs === null) continue;
      const classType = (node as { class_type?: unknown }).class_type;
      const name = typeof classType === 'string' && classType.trim() !== '' ? `node "${id}" (${classType})` : `node "${id}"`;
      for (const [key, v] of Object.entries(inputs)) {
        if (has(v)) found.push(issue(id, typeof classType === 'string' ? classType : null, key, `workflow: ${name} input "${key}" holds NaN or Infinity, which JSON cannot carry; give a finite number`));
      }
    }
  }
  return found.length > 0 ? found.slice(0, MAX_REPORTED_ISSUES) : [issue(null, null, null, 'workflow: holds NaN or Infinity, which JSON cannot carry; give finite numbers')];
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
