import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { modelFreeWorkflow, startAdmin, startFleet, startSim, txt2imgWorkflow, type ExecutionRecord, type SimServer } from '../src/index';
import { WsClient, historyOf, http, postJson, submit, until, useSims } from './helpers';

const start = useSims();

async function runJob(sim: SimServer, prompt: Record<string, unknown>): Promise<ExecutionRecord> {
  const ws = await WsClient.connect(sim.url, 'timer');
  const { prompt_id } = await submit(sim, { prompt, client_id: 'timer' });
  await ws.waitDone(prompt_id, 10_000);
  await ws.close();
  const rec = sim.executions().find((e) => e.promptId === prompt_id);
  if (!rec) throw new Error(`no execution record for ${prompt_id}`);
  return rec;
}

describe('simulator API', () => {
  // Wall-clock ratios between two jobs depend on the machine's load; the simulated work the
  // simulator schedules does not, so the speed factor is checked on that, exactly.
  it('speed factor: speed 4 schedules exactly a quarter of the simulated work of speed 1 for the same txt2img job, and waits for it', async () => {
    const [slow, fast] = [await start({ speed: 1 }), await start({ speed: 4 })];
    const prompt = txt2imgWorkflow({ steps: 8, width: 64, height: 64 });
    const [recSlow, recFast] = await Promise.all([runJob(slow, prompt), runJob(fast, prompt)]);
    // 150 + 5 + 2×20 + 8×40 + 60 + 10 = 585 ms at speed 1, in 14 waits.
    expect(recSlow.workMs).toBe(585);
    expect(recFast.workMs).toBe(585 / 4);
    // Lower bounds only (load can only make a job slower); a timer may fire up to 1 ms early
    // against Date.now's rounding, once per wait.
    expect(recSlow.endedAt - recSlow.startedAt).toBeGreaterThanOrEqual(585 - 14);
    expect(recFast.endedAt - recFast.startedAt).toBeGreaterThanOrEqual(585 / 4 - 14);
    // The same graph again is all cached: no simulated work at all.
    expect((await runJob(slow, prompt)).workMs).toBe(0);
  });

  it('executions() records every job that ran, in order, with client, number and outcome; queueDepth and pause/resume follow the worker', async () => {
    const sim = await start({ speed: 20 });
    sim.pauseWorker();
    await submit(sim, { prompt: modelFreeWorkflow({ seed: 1 }), client_id: 'a', prompt_id: 'ok' });
    await submit(sim, { prompt: { ...modelFreeWorkflow({ seed: 2, filenamePrefix: '../bad' }) }, prompt_id: 'bad' });
    expect(sim.queueDepth()).toEqual({ running: 0, pending: 2 });
    expect(sim.executions()).toEqual([]);
    sim.resumeWorker();
    await historyOf(sim, 'bad');
    expect(sim.queueDepth()).toEqual({ running: 0, pending: 0 });
    const recs = sim.executions();
    expect(recs.map(({ promptId, number, clientId, outcome }) => ({ promptId, number, clientId, outcome }))).toEqual([
      { promptId: 'ok', number: 0, clientId: 'a', outcome: 'success' },
      { promptId: 'bad', number: 1, clientId: null, outcome: 'error' },
    ]);
    for (const r of recs) expect(r.endedAt).toBeGreaterThanOrEqual(r.startedAt);
    expect((recs[1]?.startedAt ?? 0) >= (recs[0]?.endedAt ?? 0)).toBe(true);
  });

  it('POST /free {free_memory} drops the output cache after the current job: the same graph executes again', async () => {
    const sim = await start({ speed: 20 });
    const ws = await WsClient.connect(sim.url, 'c');
    const run = async (): Promise<unknown[]> => {
      const { prompt_id } = await submit(sim, { prompt: modelFreeWorkflow(), client_id: 'c' });
      await ws.waitDone(prompt_id);
      return ws.json().filter((f) => f.type === 'execution_cached').at(-1)?.data['nodes'] as unknown[];
    };
    expect(await run()).toEqual([]);
    expect(await run()).toEqual(['1', '2', '3']);
    await postJson(`${sim.url}/free`, { free_memory: true });
    await until(async () => (await run()).length === 0, 'cache dropped', 10_000);
    await ws.close();
  });

  it('options: name, models, dataDir (kept on close) and url/port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-data-'));
    try {
      const sim = await startSim({ name: 'gpu-x', dataDir: dir, speed: 50 });
      expect(sim.name).toBe('gpu-x');
      expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
      const { prompt_id } = await submit(sim, { prompt: modelFreeWorkflow() });
      await historyOf(sim, prompt_id);
      await sim.close();
      await sim.close();
      expect(readdirSync(join(dir, 'output'))).toEqual(['ComfyUI_00001_.png']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const anon = await start();
    expect(anon.name).toBe(`sim-${anon.port}`);
  });

  it('a default data dir is removed on close', async () => {
    const sim = await startSim({ speed: 50 });
    const { prompt_id } = await submit(sim, { prompt: modelFreeWorkflow() });
    const entry = await historyOf(sim, prompt_id);
    expect(entry['outputs']).toBeDefined();
    const argv = (await http(`${sim.url}/system_stats`)).json<{ system: { argv: string[] } }>().system.argv;
    const base = argv[argv.indexOf('--base-directory') + 1] ?? '';
    expect(readdirSync(join(base, 'output'))).toEqual(['ComfyUI_00001_.png']);
    await sim.close();
    expect(existsSync(base)).toBe(false);
  });
});

describe('fleet and admin API', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  it('startFleet starts count servers with per-server speeds and models', async () => {
    const fleet = await startFleet({ count: 3, speeds: [1, 2, 4], models: [['a.safetensors'], ['b.safetensors'], ['c.safetensors']] });
    closers.push(async () => void (await Promise.all(fleet.map((s) => s.close()))));
    expect(new Set(fleet.map((s) => s.port)).size).toBe(3);
    const info = await http(`${fleet[1]?.url}/object_info/CheckpointLoaderSimple`);
    expect(info.json<Record<string, { input: { required: { ckpt_name: unknown[] } } }>>()['CheckpointLoaderSimple']?.input.required.ckpt_name[0]).toEqual(['b.safetensors']);
  });

  it('admin API: list servers, inject and lift faults, pause/resume, drop sockets, executions', async () => {
    const fleet = await startFleet({ count: 2, speeds: [1, 3] });
    const admin = await startAdmin(fleet, { port: 0, speeds: [1, 3] });
    closers.push(async () => {
      await admin.close();
      await Promise.all(fleet.map((s) => s.close()));
    });
    const [a] = fleet as [SimServer, SimServer];
    const list = (await http(`${admin.url}/servers`)).json<{ name: string; speed: number; faults: unknown[] }[]>();
    expect(list.map((s) => [s.name, s.speed, s.faults])).toEqual([
      [fleet[0]?.name, 1, []],
      [fleet[1]?.name, 3, []],
    ]);

    const injected = await postJson(`${admin.url}/servers/0/faults`, { kind: 'http500', paths: ['/queue'] });
    expect(injected.status).toBe(200);
    expect((await http(`${a.url}/queue`)).status).toBe(500);
    expect((await postJson(`${admin.url}/servers/0/faults`, { kind: 'slowBody' })).status).toBe(400);
    expect((await postJson(`${admin.url}/servers/9/faults`, { kind: 'hang' })).status).toBe(404);
    expect((await http(`${admin.url}/servers/0/faults/http500`, { method: 'DELETE' })).json()).toEqual({ faults: [] });
    expect((await http(`${a.url}/queue`)).status).toBe(200);

    await postJson(`${admin.url}/servers/0/pause`, {});
    await submit(a, { prompt: modelFreeWorkflow() });
    expect(a.queueDepth().pending).toBe(1);
    await postJson(`${admin.url}/servers/0/resume`, {});
    await until(() => a.executions().length === 1, 'job ran');
    const execs = (await http(`${admin.url}/servers/0/executions`)).json<{ outcome: string }[]>();
    expect(execs.map((e) => e.outcome)).toEqual(['success']);

    const ws = await WsClient.connect(a.url, 'x');
    await postJson(`${admin.url}/servers/0/drop-sockets`, {});
    expect((await ws.closed).code).toBe(1006);

    await postJson(`${admin.url}/servers/1/faults`, { kind: 'crash' });
    await until(async () => (await fetch(fleet[1]?.url ?? '').then(() => 'up', () => 'down')) === 'down', 'crashed');
    await http(`${admin.url}/servers/1/faults`, { method: 'DELETE' });
    expect((await http(`${fleet[1]?.url}/queue`)).status).toBe(200);
  });
});

describe('CLI', () => {
  it('npm run sim: starts the fleet, prints one line per server, serves the admin API, stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), 'sim/cli.ts', '--servers', '2', '--base-port', '0', '--admin-port', '0', '--speeds', '1,2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await until(() => out.includes('admin'), 'CLI banner', 15_000);
      const lines = out.trim().split('\n');
      expect(lines[0]).toMatch(/^sim-\d+ {2}http:\/\/127\.0\.0\.1:\d+ {2}speed 1x$/);
      expect(lines[1]).toMatch(/speed 2x$/);
      const adminUrl = /admin {2}(http:\/\/\S+)/.exec(out)?.[1] ?? '';
      const servers = (await http(`${adminUrl}/servers`)).json<{ url: string }[]>();
      expect(servers).toHaveLength(2);
      expect((await http(`${servers[0]?.url}/system_stats`)).status).toBe(200);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
