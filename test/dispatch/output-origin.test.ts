import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LockView, TaskView } from '../../src/shared/tasks';
import type { SimServer } from '../../sim/src';
import { decodePng, modelFreeWorkflow } from '../../sim/src';
import type { Harness } from '../support/engine-harness';
import { startHarness } from '../support/engine-harness';
import { until } from '../support/until';

/*
 * T6 (field report 000): outputs always come from the server that ran the task. Five servers
 * all name their outputs ComfyUI_00001_.png, ComfyUI_00002_.png, … (SaveImage counts per
 * server), so the same name means different pictures on different servers. Sessions move
 * between servers over waves: their locks go when they are idle (L2), and servers are drained
 * and undrained between and inside waves, so a locked session has to move (drained → the lock
 * moves once its tasks there are done).
 */

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SERVERS = 5;
const SESSIONS = 8;
const WAVES = 4;

/** The servers drained at each step: two per step, a different pair each time. */
const drainedAt = (step: number): number[] => [step % SERVERS, (step + 2) % SERVERS];

interface Planned {
  id: string;
  sessionId: string;
  wave: number;
  color: number;
}

async function view(sim: SimServer, ref: { filename: string; subfolder: string; type: string }): Promise<Buffer | null> {
  const q = new URLSearchParams({ filename: ref.filename, subfolder: ref.subfolder, type: ref.type });
  const res = await fetch(`${sim.url}/view?${q.toString()}`);
  if (res.status === 404) return null;
  expect(res.status, `${sim.name} /view ${ref.filename}`).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('outputs come from the server that ran the task (T6)', () => {
  it('T6 L2: 5 servers with colliding file names, sessions moving between waves and drains: every stored output is byte-identical to /view on the task’s own server and to no other server’s file of that name', { timeout: 120_000 }, async () => {
    h = await startHarness();
    const harness = h;
    const sims: SimServer[] = [];
    const ids: string[] = [];
    for (let i = 0; i < SERVERS; i++) {
      const sim = await harness.sim(`gpu-${i + 1}`, { durations: { EmptyImage: 60, ImageInvert: 5, SaveImage: 5 } });
      sims.push(sim);
      ids.push(await harness.addServer(sim));
    }
    const simOf = (serverId: string | null) => sims[ids.indexOf(serverId ?? '')];
    const drain = async (step: number) => {
      const drained = new Set(drainedAt(step));
      for (let i = 0; i < SERVERS; i++) await harness.call('servers.update', { id: ids[i], drained: drained.has(i) });
    };

    const planned: Planned[] = [];
    let seed = 0;
    const submitWave = async (wave: number) => {
      for (let s = 0; s < SESSIONS; s++) {
        const wf = modelFreeWorkflow({ seed: ++seed, width: 16, height: 16 });
        const color = (wf['1']?.inputs['color'] as number) ?? -1;
        const r = await harness.submit({ workflow: wf, sessionId: `shop-${s}` });
        expect(r.outcome).toBe('created');
        planned.push({ id: r.task.id, sessionId: `shop-${s}`, wave, color });
      }
    };

    for (let wave = 0; wave < WAVES; wave++) {
      // The workers are held while a wave is placed, so the sessions' first tasks are surely
      // still on their servers when the second pair is drained, however slow the machine.
      for (const sim of sims) sim.pauseWorker();
      // Between waves: a new pair drained; the sessions' locks went when they became idle.
      await drain(2 * wave);
      await submitWave(wave);
      // Placed: the three open servers hold their in-flight limit (2) each; the rest wait in our queue.
      await until(() => sims.reduce((n, sim) => n + sim.queueDepth().pending, 0) === (SERVERS - 2) * 2, `wave ${wave}: first tasks on their servers`);
      // Inside the wave: another pair drained while the sessions' first tasks are on their servers,
      // then the sessions' next tasks: those locked to a newly drained server move once it is done.
      await drain(2 * wave + 1);
      await submitWave(wave);
      for (const sim of sims) sim.resumeWorker();
      await Promise.all(planned.filter((p) => p.wave === wave).map((p) => harness.waitFor(p.id, ['succeeded', 'failed', 'cancelled', 'interrupted'], 60_000)));
      await until(async () => (await harness.call<LockView[]>('locks.list', {})).length === 0, `wave ${wave}: every idle session's lock released`, 15_000);
    }

    const tasks = new Map<string, TaskView>();
    for (const p of planned) tasks.set(p.id, await harness.task(p.id));
    const failedTasks = [...tasks.values()].filter((t) => t.status !== 'succeeded').map((t) => ({ id: t.id, status: t.status, error: t.error }));
    expect(failedTasks).toEqual([]);

    // The sessions did move: over the run most sessions ran on more than one server, and every server took work.
    const serversOfSession = new Map<string, Set<string>>();
    for (const p of planned) serversOfSession.set(p.sessionId, (serversOfSession.get(p.sessionId) ?? new Set()).add(tasks.get(p.id)?.serverId ?? '?'));
    const movers = [...serversOfSession.values()].filter((s) => s.size >= 2).length;
    expect(movers, JSON.stringify([...serversOfSession].map(([k, v]) => [k, [...v]]))).toBeGreaterThanOrEqual(SESSIONS / 2);
    expect(new Set([...tasks.values()].map((t) => t.serverId)).size).toBe(SERVERS);
    // …and so did locks within waves: some tasks of one session in one wave ran on two servers.
    const splitWaves = new Set(planned.filter((p, i) => planned.some((q, j) => j !== i && q.sessionId === p.sessionId && q.wave === p.wave && tasks.get(q.id)?.serverId !== tasks.get(p.id)?.serverId)).map((p) => `${p.sessionId}/${p.wave}`));
    expect(splitWaves.size, 'sessions whose lock moved inside a wave').toBeGreaterThan(0);

    let collisions = 0;
    for (const p of planned) {
      const t = tasks.get(p.id) as TaskView;
      const own = simOf(t.serverId);
      expect(own, `task ${t.id} on an unknown server ${t.serverId}`).toBeDefined();
      const ownSim = own as SimServer;
      // Its server ran its prompt, once.
      expect(ownSim.executions().filter((e) => e.promptId === t.promptId).map((e) => e.outcome), `task ${t.id} on ${ownSim.name}`).toEqual(['success']);
      expect(t.outputs, `task ${t.id}`).toHaveLength(1);
      const out = t.outputs[0];
      expect(out?.error ?? null, `task ${t.id}`).toBeNull();
      expect(out?.file, `task ${t.id} stored its output`).toBeTruthy();
      if (!out?.file) continue;
      const stored = readFileSync(join(harness.dir, 'outputs', out.file));
      const ref = { filename: out.filename, subfolder: out.subfolder, type: out.type };
      // The stored bytes are those its own server serves under that name…
      const there = await view(ownSim, ref);
      expect(there, `${ownSim.name} has ${out.filename}`).not.toBeNull();
      expect(stored.equals(there as Buffer), `task ${t.id}: stored ${out.file} == ${ownSim.name}/view?filename=${out.filename}`).toBe(true);
      // …and the picture is this task's own: its workflow's colour, inverted.
      const png = decodePng(stored);
      const [r, g, b] = [png.pixels[0] ?? -1, png.pixels[1] ?? -1, png.pixels[2] ?? -1];
      const want = [255 - ((p.color >> 16) & 0xff), 255 - ((p.color >> 8) & 0xff), 255 - (p.color & 0xff)];
      expect([r, g, b].map((v, i) => Math.abs(v - (want[i] as number)) <= 1), `task ${t.id}: pixel ${[r, g, b].join(',')} vs ${want.join(',')}`).toEqual([true, true, true]);
      // Other servers that hold a file of the same name hold another picture.
      for (const other of sims) {
        if (other === ownSim) continue;
        const theirs = await view(other, ref);
        if (!theirs) continue;
        collisions++;
        expect(stored.equals(theirs), `task ${t.id}: ${out.filename} from ${ownSim.name} equals ${other.name}'s file of that name`).toBe(false);
      }
    }
    // The test is only worth something if names did collide across servers.
    expect(collisions).toBeGreaterThan(planned.length);
    console.info(`output-origin: ${planned.length} tasks, ${movers}/${SESSIONS} sessions on ≥ 2 servers, ${splitWaves.size} lock moves inside a wave, ${collisions} same-name files on other servers compared`);
  });
});
