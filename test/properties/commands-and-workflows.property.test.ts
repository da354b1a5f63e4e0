import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorCode, Result } from '../../src/shared/api';
import { commandSchemas } from '../../src/main/engine/api/command-schemas';
import { LedgerError } from '../../src/main/engine/tasks/ledger-error';
import { checkWorkflow, parseWorkflow } from '../../src/main/engine/tasks/workflow-validation';
import type { Harness } from '../support/engine-harness';
import { startHarness } from '../support/engine-harness';

/**
 * E1, T1 as properties: for any arguments of any command, `engine.call` resolves (never throws,
 * never rejects) with ok or a typed error whose code is an ApiErrorCode; for any value or text,
 * workflow validation returns issues or throws only a LedgerError `invalid_workflow`/`too_large`.
 * Reproduce a failure with FC_SEED=<seed>.
 */

const CODES = [
  'bad_request',
  'unknown_command',
  'invalid_url',
  'not_found',
  'conflict',
  'disconnected',
  'internal',
  'version_conflict',
  'terminal',
  'illegal_transition',
  'unknown_type',
  'invalid_workflow',
  'too_large',
  'rerun_refused',
  'corrupt_database',
  'incompatible_database',
  'store_busy',
  'store_unavailable',
  'queue_full',
  'unauthorized',
  'unavailable',
] as const satisfies readonly ApiErrorCode[];
// Compile-time: the list above is every ApiErrorCode.
const complete: Exclude<ApiErrorCode, (typeof CODES)[number]> extends never ? true : false = true;

const seed = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {};
const COMMANDS = Object.keys(commandSchemas);

/** The fields each command knows, so random objects often hit them with wrong or right types. */
const FIELDS = ['id', 'url', 'name', 'maxInFlight', 'tags', 'enabled', 'drained', 'window', 'verbose', 'limit', 'retentionDays', 'dispatch', 'workflow', 'type', 'key', 'sessionId', 'pinServerId', 'requirements', 'status', 'serverId', 'search', 'cursor', 'reason', 'force', 'index', 'thumbnail', 'unfinished', 'target', 'mode', 'retryLimit', 'failover', '__proto__', 'constructor'];

/** Only loopback or nonsense URLs: a valid random URL would make the engine probe it. */
const url = fc.oneof(fc.constantFrom('javascript:alert(1)', 'file:///etc/passwd', 'http://[::1', 'ftp://127.0.0.1', '', 'http://127.0.0.1:9', 'http://u:p@127.0.0.1:9'), fc.integer(), fc.constant(null));

const value = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0, 1, 1.5, 1e9, Number.MAX_SAFE_INTEGER, '', '   ', 'x'.repeat(3000), 'queued', 'requeue', 'once', '5m', true, null) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('queued', 'done', 'KSampler', '', 7)) },
);

const args = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, [], '', 0, 'x'.repeat(100_000)) },
  {
    weight: 4,
    arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 5 }).chain((d) => (Object.hasOwn(d, 'url') ? url.map((u) => ({ ...d, url: u })) : fc.constant(d))),
  },
);

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('E1: any (name, args) through engine.call is answered with a typed Result', () => {
  it('E1: every command, random arguments: resolves, and a refusal carries a known code and a message', async () => {
    expect(complete).toBe(true);
    const call = h.engine.call.bind(h.engine) as (name: unknown, args: unknown) => Promise<Result<unknown>>;
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...COMMANDS.filter((c) => c !== 'demo.start')) }, { weight: 1, arbitrary: fc.jsonValue() }), args, async (name, a) => {
        const r = await call(name, a);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) {
          expect(CODES).toContain(r.error.code);
          expect(r.error.code, r.error.message).not.toBe('internal');
          expect(typeof r.error.message).toBe('string');
          expect(r.error.message.length).toBeGreaterThan(0);
        }
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: 400, ...seed },
    );
    // And it still serves.
    expect(await h.engine.call('tasks.counts', {})).toMatchObject({ ok: true });
  }, 60_000);
});

const nodeId = fc.oneof(fc.constantFrom('1', '2', '3', '10', '', '__proto__', 'constructor'), fc.string({ maxLength: 4 }));
const link = fc.oneof(fc.tuple(nodeId, fc.oneof(fc.nat(3), fc.integer({ min: -2, max: 2 }), fc.double(), fc.string({ maxLength: 2 }))), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }));
const inputValue = fc.oneof(link, fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(Number.NaN, Infinity));
const graphNode = fc.oneof(
  { weight: 4, arbitrary: fc.record({ class_type: fc.oneof(fc.constantFrom('KSampler', 'SaveImage', ' '), fc.jsonValue({ maxDepth: 1 })), inputs: fc.oneof({ weight: 4, arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), inputValue, { maxKeys: 4 }) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) }) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const graph = fc.dictionary(nodeId, graphNode, { maxKeys: 6 });
const workflowInput = fc.oneof(graph, fc.jsonValue(), fc.string(), fc.json(), graph.map((g) => JSON.stringify(g) ?? ''));

describe('T1: workflow validation, for any input', () => {
  it('T1: checkWorkflow never throws; parseWorkflow throws only invalid_workflow or too_large; an accepted graph is stored as given', () => {
    fc.assert(
      fc.property(workflowInput, (input) => {
        const issues = checkWorkflow(input);
        for (const i of issues) {
          expect(i.message).toMatch(/^workflow: /);
          if (i.nodeId !== null && typeof input === 'object' && input !== null) expect(Object.hasOwn(input, i.nodeId)).toBe(true);
        }
        let parsed: ReturnType<typeof parseWorkflow>;
        try {
          parsed = parseWorkflow(input, 4096);
        } catch (err) {
          expect(err).toBeInstanceOf(LedgerError);
          expect(['invalid_workflow', 'too_large']).toContain((err as LedgerError).code);
          expect((err as LedgerError).message.length).toBeLessThan(10_000);
          return;
        }
        // Accepted: what is stored is what was given, and it names at least one node.
        expect(JSON.parse(parsed.json)).toEqual(typeof input === 'string' ? JSON.parse(input.replace(/^\ufeff/, '')) : input);
        expect(Object.keys(parsed.workflow).length).toBeGreaterThan(0);
        expect(checkWorkflow(JSON.parse(parsed.json))).toEqual([]);
      }),
      { numRuns: 1000, ...seed },
    );
  });
});
