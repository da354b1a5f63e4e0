import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveTaskView } from '../../src/shared/tasks';
import { modelFreeWorkflow } from '../../sim/src';
import { ManualClock } from '../../harness/manual-clock';
import type { Harness } from '../support/engine-harness';
import { startHarness } from '../support/engine-harness';
import { makeUnwritable, UNWRITABLE_UNSUPPORTED } from '../support/unwritable-file';

let h: Harness | undefined;
let undo: (() => void) | null = null;
afterEach(async () => {
  undo?.();
  undo = null;
  await h?.close();
  h = undefined;
});

/**
 * Time is the engine's (a manual clock): the verdicts count what happened over a span of that
 * clock, never how fast the machine is. Each step lets real sockets and the ledger answer
 * (the simulator runs in real time) before the clock moves on.
 */
async function advance(clock: ManualClock, ms: number, stepMs = 50): Promise<void> {
  for (let done = 0; done < ms; done += stepMs) {
    clock.advance(Math.min(stepMs, ms - done));
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Moves the clock until `cond` holds; fails naming what it waited for after `ms` of the clock. */
async function advanceUntil(clock: ManualClock, cond: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  for (let waited = 0; !(await cond()); waited += 50) {
    if (waited > ms) throw new Error(`still not so after ${ms} ms of the engine's clock: ${what}`);
    await advance(clock, 50);
  }
}

describe('dispatch while the ledger cannot be written (issue 21 item 3)', () => {
  it.skipIf(UNWRITABLE_UNSUPPORTED !== null)(
    `backs off from 0.5 s to 30 s, logs once per cause and once on recovery, shows the cause on the waiting tasks, then runs each task once${UNWRITABLE_UNSUPPORTED ? ` (skipped: ${UNWRITABLE_UNSUPPORTED})` : ''}`,
    async () => {
      const clock = new ManualClock(Date.now());
      const lines: string[] = [];
      const harness = (h = await startHarness({ engine: { clock, log: (line) => lines.push(line) } }));
      const sim = await harness.sim('gpu-a');
      const added = harness.call<{ id: string }>('servers.add', { url: sim.url, name: sim.name, maxInFlight: 4 });
      await advanceUntil(clock, () => harness.engine.snapshot().servers[0]?.health.state === 'healthy', 'gpu-a healthy');
      await added;

      // Every dispatch starts with this write (the session's lock): counting it counts the tries.
      const store = harness.store;
      const acquireLock = store.acquireLock.bind(store);
      const triedAt: number[] = [];
      const tries = vi.spyOn(store, 'acquireLock').mockImplementation((...args) => {
        triedAt.push(clock.now());
        return acquireLock(...args);
      });
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await harness.submit({ workflow: modelFreeWorkflow({ seed: i + 1 }), sessionId: `s${i}` })).task.id);

      // The ledger stops taking writes before the pump's first pass: a real SQLite file and its WAL.
      const file = join(harness.dir, 'ledger.sqlite');
      const locks = [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => makeUnwritable(f));
      undo = () => locks.forEach((l) => l.undo());
      const linesBefore = lines.length;

      // 120 s of the engine's clock: without backoff that is ~50 tries a second (one per token).
      await advance(clock, 120_000, 100);
      const during = lines.slice(linesBefore);
      // Dispatch's own lines; other parts that write (the lock sweep) report their failures themselves.
      const ledgerLines = during.filter((l) => /^ledger |: dispatch to /.test(l));
      // Waits 0.5, 1, 2, 4, 8, 16, 30, 30, 30 s → 10 tries in 120 s; a little slack for the tries under way at the start.
      expect(tries.mock.calls.length, `tries in 120 s: ${tries.mock.calls.length}; log:\n${during.slice(0, 20).join('\n')}`).toBeLessThanOrEqual(14);
      expect(tries.mock.calls.length).toBeGreaterThanOrEqual(8);
      // Exponential: each wait at least as long as the one before, up to the 30 s cap.
      const gaps = triedAt.slice(1).map((at, i) => at - (triedAt[i] as number));
      const waits = gaps.filter((g) => g > 0);
      expect(waits, `waits between tries: ${waits.join(', ')}`).toEqual([...waits].sort((a, b) => a - b));
      expect(waits.at(-1)).toBeGreaterThanOrEqual(29_900);
      expect(Math.max(...waits)).toBeLessThanOrEqual(30_100);
      expect(ledgerLines, during.slice(0, 20).join('\n')).toHaveLength(1);
      expect(during.length, during.join('\n')).toBeLessThanOrEqual(4);
      expect(ledgerLines[0]).toMatch(/^ledger cannot be written: .*disk I\/O error.*Dispatch pauses/);

      const last: LiveTaskView[] = ids.map((id) => harness.updates.filter((u) => u.id === id).at(-1) as LiveTaskView);
      for (const view of last) expect(view).toMatchObject({ status: 'queued', waiting: 'ledger unavailable — disk I/O error' });
      const detail = await harness.detail(ids[0] as string);
      expect((detail.task as LiveTaskView).waiting).toBe('ledger unavailable — disk I/O error');

      // Writable again: within one capped wait the tasks go, each once, and the log says so once.
      undo();
      undo = null;
      const triesBefore = tries.mock.calls.length;
      await advanceUntil(clock, async () => (await Promise.all(ids.map((id) => harness.task(id)))).every((t) => t.status === 'succeeded'), 'every task succeeded', 60_000);
      const after = lines.slice(linesBefore + during.length);
      expect(after.filter((l) => /^ledger writable again after /.test(l)), after.join('\n')).toHaveLength(1);
      expect(after.filter((l) => /^ledger cannot be written|: dispatch to /.test(l))).toEqual([]);
      expect(tries.mock.calls.length - triesBefore).toBe(ids.length);
      for (const id of ids) expect(await harness.store.listAttempts(id)).toHaveLength(1);
      const ran = sim.executions().map((e) => e.promptId);
      expect(ran).toHaveLength(ids.length);
      expect(new Set(ran).size).toBe(ids.length);
      // The renderer's view: the last task.upsert of each task, once the delta batch is out.
      await advance(clock, 100);
      for (const id of ids) expect(harness.updates.filter((u) => u.id === id).at(-1)).toMatchObject({ status: 'succeeded', waiting: null });
    },
    120_000,
  );
});
