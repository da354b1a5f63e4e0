import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../src/shared/tasks';
import { Engine } from '../src/main/engine/engine';
import type { RestApi } from '../src/main/engine/host/rest-api';
import { startRestApi } from '../src/main/engine/host/rest-api';
import type { SimServer } from '../sim/src';
import { modelFreeWorkflow, startSim } from '../sim/src';
import { until } from './support/until';
import { startHarness } from './support/engine-harness';
import { TOKEN, apiStarter, quiet, send } from './support/rest-api-client';

/**
 * A1 over real sockets on 127.0.0.1 against a real Engine, its ledger and a simulated server:
 * the fleet listing and a task's whole life through the API.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const startApi = apiStarter(cleanups);

describe('task API against a real engine and simulator', () => {
  let engine: Engine;
  let api: RestApi;
  let sim: SimServer;
  beforeAll(async () => {
    sim = await startSim({ name: 'gpu-rest' });
    engine = new Engine({ log: quiet, probe: { queueIntervalMs: 150, statsIntervalMs: 400, timeoutMs: 400, retryMs: 100 } });
    await engine.ready;
    api = await startRestApi({ engine, host: '127.0.0.1', port: 0, token: TOKEN, log: quiet });
  });
  afterAll(async () => {
    await api.close();
    engine.dispose();
    await sim.close();
  });

  it('F1: GET /v1/servers lists the fleet of fleet.snapshot, health included', async () => {
    const added = await engine.call('servers.add', { url: sim.url, name: 'gpu-rest' });
    expect(added.ok).toBe(true);
    let servers: { name: string; url: string; health: { state: string } }[] = [];
    await until(
      async () => {
        servers = (await send(api, 'GET', '/v1/servers')).json['servers'] as typeof servers;
        return servers[0]?.health.state === 'healthy';
      },
      'gpu-rest healthy through GET /v1/servers',
    );
    expect(servers).toHaveLength(1);
    expect(servers[0]).toMatchObject({ name: 'gpu-rest', url: sim.url });
  });

  it('T1, T2, T7, T8: submit → get → list → cancel → rerun through the engine', async () => {
    // No server in this engine: the task waits in the console queue, so the cancel below always
    // finds it there (T7: removed), however fast the simulator would have been.
    // A real ledger and no server: the task stays queued, so cancel and re-run see it waiting.
    const h = await startHarness();
    cleanups.push(() => h.close());
    const local = await startApi(h.engine);
    const workflow = modelFreeWorkflow({ seed: 42 });
    const key = 'order-4711';
    const created = await send(local, 'POST', '/v1/tasks', { workflow, key, session: 'shop' });
    expect(created.status).toBe(201);
    const id = (created.json['task'] as TaskView).id;
    const path = `/v1/tasks/${encodeURIComponent(id)}`;
    expect(created.headers['location']).toBe(path);
    expect(created.json).toMatchObject({ outcome: 'created', task: { id, key, sessionId: 'shop', status: 'queued' } });

    // T2: the same key while the task is active answers that task, never a second one.
    const again = await send(local, 'POST', '/v1/tasks', { workflow, key, session: 'shop' });
    expect([200, 409]).toContain(again.status);
    expect((again.json['task'] as TaskView).id).toBe(id);

    const got = await send(local, 'GET', path);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ task: { id, key } });
    const listed = await send(local, 'GET', `/v1/tasks?key=${key}&status=queued`);
    expect((listed.json['items'] as TaskView[]).map((t) => t.id)).toEqual([id]);

    const cancel = await send(local, 'POST', `${path}/cancel`, { reason: 'order withdrawn' });
    expect(cancel.status).toBe(200);
    expect(cancel.json).toMatchObject({ state: 'done', task: { id, status: 'cancelled' } });
    expect(((await send(local, 'GET', path)).json['task'] as TaskView).status).toBe('cancelled');

    const rerun = await send(local, 'POST', `${path}/rerun`, { reason: 'order restored' });
    expect(rerun.status).toBe(201);
    expect(rerun.json).toMatchObject({ outcome: 'created', task: { parentId: id, key } });

    const unknown = await send(local, 'GET', '/v1/tasks/no-such-task');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error?.code).toBe('not_found');
});
});
