import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubmitOutcome, TaskMode, TaskStatus, TaskView } from '../../src/shared/tasks';
import { replay } from '../../src/main/engine/tasks/apply-event';
import type { LedgerErrorCode } from '../../src/main/engine/tasks/ledger-error';
import { LedgerError } from '../../src/main/engine/tasks/ledger-error';
import type { TaskChange } from '../../src/main/engine/tasks/move-to';
import { MoveTo } from '../../src/main/engine/tasks/move-to';
import { ALLOWED_FROM, canMove, isTerminal, TASK_STATUSES } from '../../src/main/engine/tasks/task-states';
import { openSqliteStore } from '../../src/main/engine/store/open-sqlite';
import type { Store } from '../../src/main/engine/store/store';
import { ManualClock } from '../../harness/manual-clock';
import { sequence, txt2img } from '../../harness/workflows';

/**
 * T2, T3 as a model-based property: random command sequences (submit with and without keys
 * under both policies, moves to random or legal targets with current or stale versions,
 * progress, cancel, requeue, re-run with and without force) run against the REAL SQLite
 * ledger beside a tiny model. After every step:
 *  - every row equals the model: a refused command changed nothing, an accepted one changed
 *    one row by exactly one version;
 *  - a status only ever changed along an ALLOWED_FROM edge, and a terminal row never changed;
 *  - a key is claimed by at most one task per type; submissions get created/deduplicated/
 *    conflict exactly as T2 says;
 *  - replaying the touched task's events gives its stored row (projection = history).
 * Refusals are LedgerErrors with the code the model predicts, never anything else.
 * Reproduce a failure with FC_SEED=<seed> (fast-check prints the seed and path).
 */

const TYPES = { default: 'rerunnable', order: 'once' } as const satisfies Record<string, TaskMode>;
type TypeName = keyof typeof TYPES;

type Cmd =
  | { kind: 'submit'; type: TypeName; key: string | null }
  /** `legal`: pick among the targets the model allows (so runs get deep); else any status. */
  | { kind: 'move'; task: number; legal: boolean; pick: number; stale: boolean }
  | { kind: 'progress'; task: number; stale: boolean }
  /** `ended`: pick among tasks that already ended, when there are any (the usual re-run). */
  | { kind: 'rerun'; task: number; ended: boolean; force: boolean; reason: boolean };

const taskIndex = fc.nat({ max: 5 });
/** A stale version one time in four. */
const rarely = fc.nat({ max: 3 }).map((x) => x === 0);
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('submit' as const), type: fc.constantFrom<TypeName>('default', 'order'), key: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: null }) }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('move' as const), task: taskIndex, legal: fc.nat({ max: 3 }).map((x) => x > 0), pick: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.nat({ max: 6 }) }), stale: rarely }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('progress' as const), task: taskIndex, stale: rarely }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('rerun' as const), task: taskIndex, ended: fc.boolean(), force: fc.boolean(), reason: fc.boolean() }) },
);

interface ModelTask {
  id: string;
  type: TypeName;
  key: string | null;
  mode: TaskMode;
  status: TaskStatus;
  version: number;
  /** False for a forced re-run of a `once` success: it carries the key but never claims it. */
  claims: boolean;
}

/** T2 in words, independent of the ledger's code: who holds (type, key) now. */
function holder(model: ModelTask[], type: TypeName, key: string | null): ModelTask | undefined {
  if (key === null) return undefined;
  return model.find((t) => t.type === type && t.key === key && t.claims && (!isTerminal(t.status) || (t.mode === 'once' && t.status === 'succeeded')));
}

function expectedSubmit(model: ModelTask[], type: TypeName, key: string | null): { outcome: SubmitOutcome['outcome']; task?: ModelTask } {
  const h = holder(model, type, key);
  if (!h) return { outcome: 'created' };
  return { outcome: TYPES[type] === 'once' ? 'deduplicated' : 'conflict', task: h };
}

function changeTo(to: TaskStatus, n: number): TaskChange {
  switch (to) {
    case 'queued':
      return MoveTo.queued('requeue: server lost');
    case 'dispatched':
      return MoveTo.dispatched(`gpu-${n % 3}`, `prompt-${n}`);
    case 'running':
      return MoveTo.running();
    case 'succeeded':
      return MoveTo.succeeded([{ nodeId: '9', filename: `out-${n}.png`, subfolder: '', type: 'output' }]);
    case 'failed':
      return MoveTo.failed({ code: 'execution', message: 'CUDA out of memory' });
    case 'cancelled':
      return MoveTo.cancelled('operator cancel');
    case 'interrupted':
      return MoveTo.interrupted('interrupted on the server');
  }
}

/** The moves ALLOWED_FROM permits from `from`, the way forward (dispatched, running, succeeded) first. */
const HAPPY_FIRST: TaskStatus[] = ['dispatched', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted', 'queued'];
const legalTargets = (from: TaskStatus): TaskStatus[] => HAPPY_FIRST.filter((to) => (ALLOWED_FROM[to] as readonly TaskStatus[]).includes(from));

/** A legal move of model task `task` from `from` to `to`, as a command. */
function go(task: number, from: TaskStatus, to: TaskStatus): Cmd {
  const pick = legalTargets(from).indexOf(to);
  if (pick < 0) throw new Error(`${from} → ${to} is not an edge of the machine`);
  return { kind: 'move', task, legal: true, pick, stale: false };
}

/**
 * One sequence that reaches every status, outcome and refusal the coverage check below asks
 * for. fast-check runs it before the random ones, so that check holds for every seed: with
 * random runs alone, a seed that never re-ran a `once` success without force failed CI.
 */
const COVERING: Cmd[] = [
  { kind: 'submit', type: 'order', key: 'k1' }, // task 0: created
  { kind: 'submit', type: 'order', key: 'k1' }, // deduplicated
  { kind: 'submit', type: 'default', key: 'k2' }, // task 1: created
  { kind: 'submit', type: 'default', key: 'k2' }, // conflict
  { kind: 'submit', type: 'default', key: null }, // task 2
  { kind: 'submit', type: 'default', key: null }, // task 3
  go(0, 'queued', 'dispatched'),
  go(0, 'dispatched', 'running'),
  go(0, 'running', 'succeeded'),
  { kind: 'rerun', task: 0, ended: true, force: false, reason: false }, // rerun_refused
  { kind: 'move', task: 0, legal: true, pick: 0, stale: true }, // terminal
  { kind: 'progress', task: 1, stale: false }, // illegal_transition (still queued)
  { kind: 'move', task: 1, legal: true, pick: 0, stale: true }, // version_conflict
  go(1, 'queued', 'cancelled'),
  go(2, 'queued', 'dispatched'),
  go(2, 'dispatched', 'failed'),
  go(3, 'queued', 'dispatched'),
  go(3, 'dispatched', 'running'),
  go(3, 'running', 'interrupted'),
];

/** Runs `op`; returns its value or the LedgerError code. Anything else fails the property. */
async function attempt<T>(op: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; code: LedgerErrorCode }> {
  try {
    const value = await op();
    if (typeof value === 'object' && value !== null && 'outcome' in value) seen.add(`outcome:${String(value.outcome)}`);
    return { ok: true, value };
  } catch (err) {
    if (!(err instanceof LedgerError)) throw err;
    seen.add(`refused:${err.code}`);
    return { ok: false, code: err.code };
  }
}

let root: string;
let runs = 0;
/** What the runs reached, so a generator that never gets deep fails loudly instead of passing. */
const seen = new Set<string>();

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cf-prop-ledger-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

async function runSequence(cmds: Cmd[]): Promise<void> {
  const clock = new ManualClock(1_700_000_000_000);
  const store: Store = await openSqliteStore({ file: join(root, `r${++runs}`, 'ledger.sqlite'), clock, newId: sequence('t') });
  try {
    await store.registerTaskType({ type: 'order', mode: 'once', retryLimit: 1, failover: 'wait' });
    const model: ModelTask[] = [];
    let rows = new Map<string, TaskView>();
    let n = 0;

    const create = (value: SubmitOutcome, type: TypeName, key: string | null, claims: boolean) => {
      expect(value.task).toMatchObject({ status: 'queued', version: 1, type, key, mode: TYPES[type] });
      model.push({ id: value.task.id, type, key, mode: TYPES[type], status: 'queued', version: 1, claims });
    };
    const checkSubmit = (r: { ok: true; value: SubmitOutcome } | { ok: false; code: string }, want: ReturnType<typeof expectedSubmit>, type: TypeName, key: string | null, claims: boolean) => {
      expect(r.ok && r.value.outcome, JSON.stringify(r).slice(0, 200)).toBe(want.outcome);
      if (!r.ok) return;
      if (want.task) expect(r.value.task).toMatchObject({ id: want.task.id, version: want.task.version, status: want.task.status });
      else create(r.value, type, key, claims);
    };

    for (const cmd of cmds) {
      clock.advance(7);
      let touched: string | null = null;
      if (cmd.kind === 'submit') {
        const want = expectedSubmit(model, cmd.type, cmd.key);
        const r = await attempt(() => store.submit({ type: cmd.type, sessionId: 's', key: cmd.key, workflow: txt2img(n++) }));
        checkSubmit(r, want, cmd.type, cmd.key, cmd.key !== null);
        touched = r.ok ? r.value.task.id : null;
      } else if (model.length > 0) {
        // Re-runs favour ended tasks, and among them `once` successes, the case T8 guards.
        const ended = model.filter((m) => isTerminal(m.status));
        const kept = ended.filter((m) => m.mode === 'once' && m.status === 'succeeded');
        const pool = cmd.kind === 'rerun' && cmd.ended ? (kept.length > 0 && cmd.task % 2 === 0 ? kept : ended.length > 0 ? ended : model) : model;
        const t = pool[cmd.task % pool.length]!;
        touched = t.id;
        if (cmd.kind === 'rerun') {
          const forcedOnly = t.mode === 'once' && t.status === 'succeeded';
          const r = await attempt(() => store.rerun({ parentId: t.id, actor: 'prop', force: cmd.force, reason: cmd.reason ? 'because' : null }));
          if (forcedOnly && !cmd.force) expect(r).toEqual({ ok: false, code: 'rerun_refused' });
          else if (forcedOnly && !cmd.reason) expect(r).toEqual({ ok: false, code: 'bad_request' });
          else if (forcedOnly) {
            // A forced re-run never takes the key: the success keeps it (T2, T8).
            expect(r.ok && r.value.outcome).toBe('created');
            if (r.ok) create(r.value, t.type, t.key, false);
          } else checkSubmit(r, expectedSubmit(model, t.type, t.key), t.type, t.key, t.key !== null);
          if (r.ok) touched = r.value.task.id;
        } else {
          const version = cmd.stale ? (t.version === 1 ? 2 : t.version - 1) : t.version;
          let want: LedgerErrorCode | null;
          let to: TaskStatus | null = null;
          if (cmd.kind === 'move') {
            const legal = legalTargets(t.status);
            to = cmd.legal && legal.length > 0 ? legal[cmd.pick % legal.length]! : TASK_STATUSES[cmd.pick % TASK_STATUSES.length]!;
            want = cmd.stale ? (isTerminal(t.status) ? 'terminal' : 'version_conflict') : isTerminal(t.status) ? 'terminal' : canMove(t.status, to) ? null : 'illegal_transition';
            const change = changeTo(to, n++);
            const r = await attempt(() => store.transition(t.id, change, { expectedVersion: version }));
            expect(r.ok ? null : r.code, `${t.status} → ${to} at v${version} (row v${t.version})`).toBe(want);
          } else {
            want = cmd.stale ? (isTerminal(t.status) ? 'terminal' : 'version_conflict') : isTerminal(t.status) ? 'terminal' : t.status === 'queued' ? 'illegal_transition' : null;
            const r = await attempt(() => store.reportProgress(t.id, { value: n % 10, max: 10, nodeId: '3' }, { expectedVersion: version }));
            expect(r.ok ? null : r.code, `progress while ${t.status} at v${version}`).toBe(want);
            n++;
          }
          if (want === null) {
            if (to) t.status = to;
            t.version++;
          }
        }
      }
      rows = await checkInvariants(store, model, rows, touched);
    }
    for (const t of model) await expectReplayable(store, t.id);
    expect((await store.verifyTasks({ limit: 1000 })).mismatched).toEqual([]);
  } finally {
    await store.close();
  }
}

async function expectReplayable(store: Store, id: string): Promise<void> {
  const events = await store.listEvents(id, { limit: 10_000 });
  expect(replay(events)).toEqual(await store.getTask(id));
  // Every recorded transition is an edge of the machine, and nothing follows an end.
  let ended = false;
  for (const e of events) {
    if (e.kind === 'message') continue;
    expect(ended, `an event after the end of ${id}`).toBe(false);
    if (e.kind === 'transition') {
      expect(canMove(e.from, e.to), `${e.from} → ${e.to}`).toBe(true);
      ended = isTerminal(e.to);
    }
  }
}

async function checkInvariants(store: Store, model: ModelTask[], prev: Map<string, TaskView>, touched: string | null): Promise<Map<string, TaskView>> {
  const page = await store.listTasks({ limit: 1000 });
  expect(page.total).toBe(model.length);
  const rows = new Map(page.items.map((t) => [t.id, t]));
  for (const t of page.items) seen.add(`status:${t.status}`);
  for (const m of model) {
    const row = rows.get(m.id);
    expect({ status: row?.status, version: row?.version }, `task ${m.id}`).toEqual({ status: m.status, version: m.version });
  }
  // Against the previous step, without the model: at most the touched row changed, by one version, along an edge.
  for (const [id, before] of prev) {
    const now = rows.get(id)!;
    if (id !== touched || isTerminal(before.status)) {
      expect(now, `task ${id} must not change`).toEqual(before);
      continue;
    }
    if (now.version !== before.version) {
      expect(now.version).toBe(before.version + 1);
      if (now.status !== before.status) expect(canMove(before.status, now.status), `${before.status} → ${now.status}`).toBe(true);
    } else {
      expect(now).toEqual(before);
    }
  }
  // T2: one claimant per (type, key).
  const claimants = new Map<string, number>();
  for (const m of model) {
    if (m.key === null || !m.claims || !(!isTerminal(m.status) || (m.mode === 'once' && m.status === 'succeeded'))) continue;
    const k = `${m.type}\u0000${m.key}`;
    claimants.set(k, (claimants.get(k) ?? 0) + 1);
  }
  for (const [k, count] of claimants) expect(count, `claimants of ${k}`).toBe(1);
  if (touched) await expectReplayable(store, touched);
  return rows;
}

describe('T3 as a property: random command sequences on the real SQLite ledger', () => {
  it('T2, T3: status moves only along ALLOWED_FROM, terminal rows never change, versions step by one, keys have one claimant, replay(events) = row', async () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
    await fc.assert(fc.asyncProperty(fc.array(cmdArb, { minLength: 1, maxLength: 30, size: '+1' }), runSequence), { numRuns: Number(process.env.FC_RUNS ?? 100), examples: [[COVERING]], ...(seed === undefined ? {} : { seed }) });
    const expected = [
      ...TASK_STATUSES.map((st) => `status:${st}`),
      ...['created', 'deduplicated', 'conflict'].map((o) => `outcome:${o}`),
      ...['terminal', 'illegal_transition', 'version_conflict', 'rerun_refused'].map((c) => `refused:${c}`),
    ];
    expect(expected.filter((x) => !seen.has(x))).toEqual([]);
  }, 120_000);
});
