import type { ApiErrorCode } from '../../src/shared/api';
import { txt2img } from '../../harness/workflows';

/**
 * T1: bad workflows, each with the typed error it must get and what the message must name.
 * Shared by the engine-path test (workflows.corpus.test.ts) and the corpus count (corpus-size.test.ts).
 */

export interface BadWorkflowCase {
  name: string;
  /** The `workflow` argument of tasks.submit, as data or as JSON text. */
  workflow: () => unknown;
  code: Extract<ApiErrorCode, 'invalid_workflow' | 'too_large' | 'bad_request'>;
  /** Substrings the message must contain (node id, class, input, the fix). */
  mentions: string[];
  /** The first reported issue names this node and input (details.issues[0]). */
  issue?: { nodeId: string | null; input: string | null };
}

export interface ToleratedWorkflowCase {
  name: string;
  workflow: () => unknown;
  /** The graph as the ledger must store it. */
  stored: unknown;
}

const node = (class_type: unknown, inputs: unknown = {}) => ({ class_type, inputs });
const MB = 1024 * 1024;

/** A chain 0 ← 1 ← … ← n-1 of well-formed nodes. */
function chain(n: number): Record<string, unknown> {
  const graph: Record<string, unknown> = { '0': node('EmptyImage', { width: 8 }) };
  for (let i = 1; i < n; i++) graph[String(i)] = node('ImageInvert', { image: [String(i - 1), 0] });
  return graph;
}

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { v };
  return v;
}

export const badWorkflows: BadWorkflowCase[] = [
  // ---- not a graph at all
  { name: 'null', workflow: () => null, code: 'invalid_workflow', mentions: ['must be a JSON object of node id → node, got null'] },
  { name: 'an array', workflow: () => [node('X')], code: 'invalid_workflow', mentions: ['got an array'] },
  { name: 'a number', workflow: () => 42, code: 'invalid_workflow', mentions: ['got number 42'] },
  { name: 'a boolean', workflow: () => true, code: 'invalid_workflow', mentions: ['got boolean true'] },
  { name: 'JSON text of a string', workflow: () => '"hello"', code: 'invalid_workflow', mentions: ['got string "hello"'] },
  { name: 'JSON text "null"', workflow: () => 'null', code: 'invalid_workflow', mentions: ['got null'] },
  { name: 'truncated JSON text', workflow: () => '{"1": {"class_type": "KSampler", "inputs": {', code: 'invalid_workflow', mentions: ['not valid JSON'] },
  { name: 'JSON text with NaN (Python json.dumps writes it)', workflow: () => '{"1": {"class_type": "KSampler", "inputs": {"cfg": NaN}}}', code: 'invalid_workflow', mentions: ['not valid JSON'] },
  { name: 'empty text', workflow: () => '', code: 'invalid_workflow', mentions: ['not valid JSON'] },
  { name: 'empty graph', workflow: () => ({}), code: 'invalid_workflow', mentions: ['the graph has no nodes'] },
  { name: 'UI format ({nodes, links}) asks for an API-format export', workflow: () => ({ last_node_id: 9, nodes: [{ id: 3, type: 'KSampler' }], links: [[1, 4, 0, 3, 0, 'MODEL']], version: 0.4 }), code: 'invalid_workflow', mentions: ['UI format', 'Save (API Format)'] },
  { name: 'a POST /prompt body ({prompt: graph}) says to unwrap it', workflow: () => ({ prompt: txt2img(), client_id: 'x' }), code: 'invalid_workflow', mentions: ['POST /prompt body', 'inside "prompt"'] },
  // ---- nodes
  { name: 'node without class_type', workflow: () => ({ ...txt2img(), '10': { inputs: { a: 1 } } }), code: 'invalid_workflow', mentions: ['node "10" has no class_type'], issue: { nodeId: '10', input: null } },
  { name: 'class_type a number', workflow: () => ({ '1': node(7) }), code: 'invalid_workflow', mentions: ['node "1" class_type must be a non-empty string, got number 7'], issue: { nodeId: '1', input: null } },
  { name: 'class_type blank', workflow: () => ({ '1': node('   ') }), code: 'invalid_workflow', mentions: ['node "1" class_type must be a non-empty string'] },
  { name: 'class_type an object', workflow: () => ({ '1': node({ name: 'KSampler' }) }), code: 'invalid_workflow', mentions: ['node "1" class_type must be a non-empty string, got an object'] },
  { name: 'no inputs object', workflow: () => ({ '5': { class_type: 'VAEDecode' } }), code: 'invalid_workflow', mentions: ['node "5" (VAEDecode) has no inputs object'], issue: { nodeId: '5', input: null } },
  { name: 'inputs a string', workflow: () => ({ '4': node('VAEDecode', 'samples') }), code: 'invalid_workflow', mentions: ['node "4" (VAEDecode) inputs must be an object', 'got string "samples"'] },
  { name: 'inputs an array', workflow: () => ({ '4': node('VAEDecode', [['3', 0]]) }), code: 'invalid_workflow', mentions: ['node "4" (VAEDecode) inputs must be an object', 'got an array'] },
  { name: 'inputs null', workflow: () => ({ '4': node('VAEDecode', null) }), code: 'invalid_workflow', mentions: ['node "4" (VAEDecode) inputs must be an object', 'got null'] },
  { name: 'node is a number', workflow: () => ({ ...txt2img(), '6': 7 }), code: 'invalid_workflow', mentions: ['node "6" must be an object with "class_type" and "inputs", got number 7'] },
  { name: 'node is null', workflow: () => ({ '1': null }), code: 'invalid_workflow', mentions: ['node "1" must be an object', 'got null'] },
  { name: 'node id empty', workflow: () => ({ '': node('KSampler') }), code: 'invalid_workflow', mentions: ['node id "" is not usable'], issue: { nodeId: '', input: null } },
  { name: 'node id "__proto__" (JSON text)', workflow: () => '{"__proto__": {"class_type": "SaveImage", "inputs": {}}}', code: 'invalid_workflow', mentions: ['node id "__proto__" is not usable'], issue: { nodeId: '__proto__', input: null } },
  { name: 'input named "__proto__" (JSON text)', workflow: () => '{"1": {"class_type": "SaveImage", "inputs": {"__proto__": {"polluted": true}}}}', code: 'invalid_workflow', mentions: ['node "1" (SaveImage) has an input named "__proto__"'], issue: { nodeId: '1', input: '__proto__' } },
  { name: 'control characters and bidi overrides in ids are quoted, not obeyed', workflow: () => ({ '\u202e1\u0000': { inputs: {} } }), code: 'invalid_workflow', mentions: ['node "\u202e1\u0000" has no class_type'] },
  // ---- links
  { name: 'link to a missing node', workflow: () => ({ ...txt2img(), '8': node('VAEDecode', { samples: ['99', 0], vae: ['4', 2] }) }), code: 'invalid_workflow', mentions: ['node "8" (VAEDecode) input "samples" links to node "99", which is not in the workflow'], issue: { nodeId: '8', input: 'samples' } },
  { name: 'link to "constructor" when no such node exists', workflow: () => ({ '1': node('X', { a: ['constructor', 0] }) }), code: 'invalid_workflow', mentions: ['input "a" links to node "constructor", which is not in the workflow'] },
  { name: 'link of one element', workflow: () => ({ '1': node('X'), '2': node('Y', { a: ['1'] }) }), code: 'invalid_workflow', mentions: ['node "2" (Y) input "a" is not a valid link (["1"])', '["sourceNodeId", outputIndex]'], issue: { nodeId: '2', input: 'a' } },
  { name: 'link with a string index', workflow: () => ({ '1': node('X'), '2': node('Y', { a: ['1', 'x'] }) }), code: 'invalid_workflow', mentions: ['input "a" is not a valid link (["1","x"])'] },
  { name: 'link with a negative index', workflow: () => ({ '1': node('X'), '2': node('Y', { a: ['1', -1] }) }), code: 'invalid_workflow', mentions: ['input "a" is not a valid link (["1",-1])'] },
  { name: 'link with a fractional index', workflow: () => ({ '1': node('X'), '2': node('Y', { a: ['1', 0.5] }) }), code: 'invalid_workflow', mentions: ['input "a" is not a valid link (["1",0.5])'] },
  { name: 'link with an index beyond 2^53', workflow: () => ({ '1': node('X'), '2': node('Y', { a: ['1', 1e20] }) }), code: 'invalid_workflow', mentions: ['node "2" (Y) input "a" is not a valid link'] },
  { name: 'link with a numeric node id', workflow: () => ({ '1': node('X'), '2': node('Y', { a: [1, 0] }) }), code: 'invalid_workflow', mentions: ['input "a" is not a valid link ([1,0])'] },
  { name: 'link of three elements', workflow: () => ({ '1': node('X'), '2': node('Y', { a: ['1', 0, 0] }) }), code: 'invalid_workflow', mentions: ['input "a" is not a valid link (["1",0,0])'] },
  { name: 'self-link', workflow: () => ({ '1': node('ImageInvert', { image: ['1', 0] }) }), code: 'invalid_workflow', mentions: ['node "1" (ImageInvert) input "image" closes a cycle ("1" → "1")'], issue: { nodeId: '1', input: 'image' } },
  { name: 'a cycle through three nodes', workflow: () => ({ '1': node('A', { x: ['3', 0] }), '2': node('B', { x: ['1', 0] }), '3': node('C', { x: ['2', 0] }) }), code: 'invalid_workflow', mentions: ['closes a cycle ("1" → "3" → "2" → "1")', 'must not loop back'] },
  // ---- values JSON cannot carry (IPC's structured clone can)
  { name: 'NaN in an input (data, as IPC delivers it)', workflow: () => ({ ...txt2img(), '3': node('KSampler', { ...txt2img()['3']!.inputs, cfg: Number.NaN }) }), code: 'invalid_workflow', mentions: ['node "3" (KSampler) input "cfg" holds NaN or Infinity'], issue: { nodeId: '3', input: 'cfg' } },
  { name: '-Infinity deep inside an input', workflow: () => ({ '1': node('X', { opts: { a: [{ b: -Infinity }] } }) }), code: 'invalid_workflow', mentions: ['node "1" (X) input "opts" holds NaN or Infinity'] },
  { name: 'a BigInt', workflow: () => ({ '1': node('X', { seed: 1n }) }), code: 'invalid_workflow', mentions: ['cannot be written as JSON'] },
  { name: 'nested 100 000 levels deep', workflow: () => ({ '1': node('X', { v: nested(100_000) }) }), code: 'invalid_workflow', mentions: ['cannot be written as JSON'] },
  // ---- size and volume
  { name: 'over 5 MB as data', workflow: () => ({ ...txt2img(), '6': node('CLIPTextEncode', { text: 'x'.repeat(5 * MB), clip: ['4', 1] }) }), code: 'too_large', mentions: ['over the limit of 5242880 bytes'] },
  { name: 'over 5 MB as JSON text', workflow: () => JSON.stringify({ ...txt2img(), '6': node('CLIPTextEncode', { text: 'x'.repeat(5 * MB), clip: ['4', 1] }) }), code: 'too_large', mentions: ['over the limit of 5242880 bytes'] },
  { name: 'over 5 MB in UTF-8 bytes though under it in characters', workflow: () => ({ '1': node('Note', { text: '€'.repeat(2 * MB) }) }), code: 'too_large', mentions: ['workflow is 6291', 'over the limit'] },
  { name: '10 000 nodes without class_type: capped report, counted', workflow: () => Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [String(i), { inputs: {} }])), code: 'invalid_workflow', mentions: ['workflow rejected (10000 problems)', 'node "0" has no class_type', '…and 9980 more'] },
  { name: '10 000-node chain with one broken link at its end', workflow: () => ({ ...chain(10_000), '10000': node('SaveImage', { images: ['10001', 0] }) }), code: 'invalid_workflow', mentions: ['node "10000" (SaveImage) input "images" links to node "10001"'] },
  { name: 'duplicate keys in JSON text: the last one counts, and it is bad', workflow: () => '{"1": {"class_type": "X", "inputs": {}}, "1": {"inputs": {}}}', code: 'invalid_workflow', mentions: ['node "1" has no class_type'] },
];

export const toleratedWorkflows: ToleratedWorkflowCase[] = [
  { name: 'a byte-order mark before JSON text (Windows editors) is dropped', workflow: () => `\ufeff${JSON.stringify({ '1': node('X') })}`, stored: { '1': node('X') } },
  { name: 'a node id "constructor" is just a name', workflow: () => ({ constructor: node('X'), '2': node('Y', { a: ['constructor', 0] }) }), stored: { constructor: node('X'), '2': node('Y', { a: ['constructor', 0] }) } },
  { name: 'huge finite numbers and unicode text are kept verbatim', workflow: () => ({ '1': node('X', { seed: 1e308, big: 18446744073709552000, text: 'ü 🐉 \u0007 \u202e' }) }), stored: { '1': node('X', { seed: 1e308, big: 18446744073709552000, text: 'ü 🐉 \u0007 \u202e' }) } },
  { name: 'a 10 000-node chain (no stack overflow in the cycle check)', workflow: () => chain(10_000), stored: chain(10_000) },
];
