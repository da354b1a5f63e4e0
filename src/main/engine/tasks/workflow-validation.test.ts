import { describe, expect, it } from 'vitest';
import { LedgerError } from './ledger-error';
import { checkWorkflow, MAX_REPORTED_ISSUES, parseWorkflow } from './workflow-validation';

const good = {
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd.safetensors' } },
  '3': { class_type: 'KSampler', inputs: { model: ['4', 0], seed: 1 } },
};

function messages(value: unknown): string[] {
  return checkWorkflow(value).map((i) => i.message);
}

describe('workflow validation (T1)', () => {
  it('T1: a well-formed API-format graph passes, as data or as JSON text, and keeps extra fields', () => {
    expect(checkWorkflow(good)).toEqual([]);
    const text = JSON.stringify({ ...good, '9': { class_type: 'SaveImage', inputs: { images: ['3', 0] }, _meta: { title: 'Save' } } });
    const parsed = parseWorkflow(text);
    expect(parsed.json).toBe(text);
    expect(parsed.workflow['9']?._meta).toEqual({ title: 'Save' });
  });

  it('T1: rejects what is not a graph', () => {
    expect(messages(null)).toEqual(['workflow: must be a JSON object of node id → node, got null']);
    expect(messages([1])).toEqual(['workflow: must be a JSON object of node id → node, got an array']);
    expect(messages('x')).toEqual(['workflow: must be a JSON object of node id → node, got string "x"']);
    expect(messages({})).toEqual(['workflow: the graph has no nodes']);
    expect(messages({ nodes: [], links: [] })[0]).toContain('this is the UI format');
  });

  it('T1: names the node, its class and the input of every problem', () => {
    expect(
      messages({
        '1': { class_type: 'KSampler', inputs: { model: ['99', 0], clip: ['1'], vae: [1, 0], latent: ['1', -1], seed: 3 } },
        '2': { inputs: { a: 1 } },
        '3': { class_type: '', inputs: {} },
        '4': { class_type: 'VAEDecode', inputs: 'samples' },
        '5': { class_type: 'VAEDecode' },
        '6': 7,
      }),
    ).toEqual([
      'workflow: node "1" (KSampler) input "model" links to node "99", which is not in the workflow',
      'workflow: node "1" (KSampler) input "clip" is not a valid link (["1"]); a link is ["sourceNodeId", outputIndex]',
      'workflow: node "1" (KSampler) input "vae" is not a valid link ([1,0]); a link is ["sourceNodeId", outputIndex]',
      'workflow: node "1" (KSampler) input "latent" is not a valid link (["1",-1]); a link is ["sourceNodeId", outputIndex]',
      'workflow: node "2" has no class_type',
      'workflow: node "3" class_type must be a non-empty string, got string ""',
      'workflow: node "4" (VAEDecode) inputs must be an object of input name → value, got string "samples"',
      'workflow: node "5" (VAEDecode) has no inputs object',
      'workflow: node "6" must be an object with "class_type" and "inputs", got number 7',
    ]);
    expect(checkWorkflow({ '1': { class_type: 'X', inputs: { a: ['2', 0] } } })[0]).toEqual({
      nodeId: '1',
      classType: 'X',
      input: 'a',
      message: 'workflow: node "1" (X) input "a" links to node "2", which is not in the workflow',
    });
  });

  it('T1: returns every problem but reports a capped number, saying how many more', () => {
    const graph = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [String(i), { inputs: {} }]));
    expect(checkWorkflow(graph)).toHaveLength(50);
    try {
      parseWorkflow(graph);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(LedgerError);
      const e = err as LedgerError;
      expect(e.code).toBe('invalid_workflow');
      expect((e.details as { issues: unknown[]; more: number }).issues).toHaveLength(MAX_REPORTED_ISSUES);
      expect((e.details as { more: number }).more).toBe(50 - MAX_REPORTED_ISSUES);
      expect(e.message).toContain('workflow rejected (50 problems)');
      expect(e.message).toContain(`…and ${50 - MAX_REPORTED_ISSUES} more`);
    }
  });

  it('T1: the size limit counts UTF-8 bytes of the JSON text; bad JSON text is invalid', () => {
    const text = JSON.stringify({ '1': { class_type: 'Note', inputs: { text: 'é'.repeat(60) } } });
    expect(() => parseWorkflow(text, text.length)).toThrow(/over the limit/);
    expect(parseWorkflow(text, new TextEncoder().encode(text).byteLength).workflow['1']?.class_type).toBe('Note');
    expect(() => parseWorkflow('{"1": ', 1000)).toThrow(/not valid JSON/);
    expect(() => parseWorkflow({ big: 1n }, 1000)).toThrow(/cannot be written as JSON/);
  });
});
