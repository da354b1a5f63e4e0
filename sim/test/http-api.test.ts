import { describe, expect, it } from 'vitest';
import { modelFreeWorkflow } from '../src/index';
import { WorkGate, WsClient, historyOf, http, postJson, submit, until, useSims } from './helpers';

const start = useSims();

type QueueBody = { queue_running: unknown[][]; queue_pending: unknown[][] };

describe('protocol §1 queue', () => {
  it('protocol §1 GET /queue: items are raw 5-tuples and queue_pending is the heap list, not sorted (observed [-7, 6, 5])', async () => {
    const sim = await start();
    sim.pauseWorker();
    const ids: string[] = [];
    for (const number of [5, 6, -7]) ids.push((await submit(sim, { prompt: modelFreeWorkflow(), number, client_id: 'client-A' })).prompt_id);
    const res = await http(`${sim.url}/queue`);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = res.json<QueueBody>();
    expect(body.queue_running).toEqual([]);
    expect(body.queue_pending.map((i) => i[0])).toEqual([-7, 6, 5]);
    expect(body.queue_pending[0]).toEqual([-7, ids[2], modelFreeWorkflow(), { client_id: 'client-A' }, ['3']]);
    expect((await http(`${sim.url}/prompt`)).json()).toEqual({ exec_info: { queue_remaining: 3 } });
  });

  it('protocol §1 GET /queue: queue_running holds the running tuple; queue_remaining counts it until task_done', async () => {
    // Held inside ImageInvert, so the job is certainly still running when we look.
    const gate = new WorkGate((at) => at.nodeClass === 'ImageInvert');
    const sim = await start({ workGate: gate.hook });
    const { prompt_id } = await submit(sim, { prompt: modelFreeWorkflow({ seed: 9 }) });
    await until(() => gate.reached.length === 1, 'running');
    const body = (await http(`${sim.url}/queue`)).json<QueueBody>();
    expect(body.queue_running.map((i) => i[1])).toEqual([prompt_id]);
    expect((await http(`${sim.url}/prompt`)).json()).toEqual({ exec_info: { queue_remaining: 1 } });
    gate.release();
    await historyOf(sim, prompt_id);
    expect((await http(`${sim.url}/prompt`)).json()).toEqual({ exec_info: { queue_remaining: 0 } });
  });

  it('protocol §1 POST /queue: delete removes pending items (first match per id) with a status each; clear empties; the running job is unaffected and deleted jobs never reach history', async () => {
    // The running job is held inside ImageInvert until the edits are done: its task_done
    // `status` cannot land among the counted ones, however slow the machine.
    const gate = new WorkGate((at) => at.nodeClass === 'ImageInvert');
    const sim = await start({ workGate: gate.hook });
    const ws = await WsClient.connect(sim.url, 'w');
    const running = await submit(sim, { prompt: modelFreeWorkflow({ seed: 1 }), client_id: 'w' });
    await until(() => gate.reached.length === 1, 'running');
    // Nothing else may start while we edit the pending heap.
    sim.pauseWorker();
    const a = await submit(sim, { prompt: modelFreeWorkflow({ seed: 2 }) });
    const b = await submit(sim, { prompt: modelFreeWorkflow({ seed: 3 }) });
    const c = await submit(sim, { prompt: modelFreeWorkflow({ seed: 4 }) });
    await until(() => ws.types().filter((t) => t === 'status').length === 6, 'put statuses');
    const statuses = (): number => ws.types().filter((t) => t === 'status').length;

    let before = statuses();
    const del = await postJson(`${sim.url}/queue`, { delete: [a.prompt_id, 'unknown', running.prompt_id] });
    expect([del.status, del.text]).toEqual([200, '']);
    await until(() => statuses() === before + 1, 'one status for one deletion');
    expect((await http(`${sim.url}/queue`)).json<QueueBody>().queue_pending.map((i) => i[1])).toEqual([b.prompt_id, c.prompt_id]);

    await postJson(`${sim.url}/queue`, { delete: [b.prompt_id] });
    before = statuses();
    // Deleting the last pending item wipes the heap and announces twice, as upstream does.
    await postJson(`${sim.url}/queue`, { delete: [c.prompt_id] });
    await until(() => statuses() === before + 2, 'two statuses for the last item');

    before = statuses();
    await postJson(`${sim.url}/queue`, { clear: true });
    await until(() => statuses() === before + 1, 'status for clear');

    gate.release();
    await ws.waitDone(running.prompt_id);
    // The worker is paused and the heap is empty: nothing else can ever run.
    expect(sim.queueDepth()).toEqual({ running: 0, pending: 0 });
    const history = (await http(`${sim.url}/history`)).json<Record<string, unknown>>();
    expect(Object.keys(history)).toEqual([running.prompt_id]);
    await ws.close();
  });
});

describe('protocol §1 history', () => {
  it('protocol §1 GET /history: insertion order, max_items alone gives the newest N, with offset pages from the oldest; unknown id → {}', async () => {
    const sim = await start({ speed: 50 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { prompt_id } = await submit(sim, { prompt: modelFreeWorkflow({ seed: i }), prompt_id: `p${i}` });
      await historyOf(sim, prompt_id);
      ids.push(prompt_id);
    }
    const keys = async (q: string): Promise<string[]> => Object.keys((await http(`${sim.url}/history${q}`)).json());
    expect(await keys('')).toEqual(ids);
    expect(await keys('?max_items=2')).toEqual(['p3', 'p4']);
    expect(await keys('?max_items=2&offset=1')).toEqual(['p1', 'p2']);
    expect(await keys('?offset=3')).toEqual(['p3', 'p4']);
    expect((await http(`${sim.url}/history/nope`)).json()).toEqual({});
    expect((await http(`${sim.url}/history?max_items=x`)).status).toBe(500);

    const del = await postJson(`${sim.url}/history`, { delete: ['p0', 'p9'] });
    expect([del.status, del.text]).toEqual([200, '']);
    expect(await keys('')).toEqual(['p1', 'p2', 'p3', 'p4']);
    await postJson(`${sim.url}/history`, { clear: true });
    expect(await keys('')).toEqual([]);
  });

  it('protocol §0: a duplicate prompt_id runs twice and the later history entry overwrites the earlier one', async () => {
    const sim = await start({ speed: 50 });
    const ws = await WsClient.connect(sim.url, 'c');
    await submit(sim, { prompt: modelFreeWorkflow({ seed: 1 }), prompt_id: 'same', client_id: 'c' });
    await ws.waitDone('same');
    await submit(sim, { prompt: modelFreeWorkflow({ seed: 2 }), prompt_id: 'same', client_id: 'c' });
    await until(() => sim.executions().length === 2, 'second run');
    const entry = await historyOf(sim, 'same');
    expect((entry['prompt'] as unknown[])[0]).toBe(1);
    expect(Object.keys((await http(`${sim.url}/history`)).json())).toEqual(['same']);
    await ws.close();
  });
});

describe('protocol §1 other endpoints, /api aliases, origin check', () => {
  it('protocol §1 GET /system_stats: system and devices in the documented shape, a CUDA device name with allocator', async () => {
    const sim = await start();
    const stats = (await http(`${sim.url}/system_stats`)).json<{ system: Record<string, unknown>; devices: Record<string, unknown>[] }>();
    expect(Object.keys(stats.system)).toEqual([
      'os', 'ram_total', 'ram_free', 'comfyui_version', 'required_frontend_version', 'installed_templates_version',
      'required_templates_version', 'python_version', 'pytorch_version', 'embedded_python', 'argv',
    ]);
    expect(stats.system['comfyui_version']).toBe('0.3.64');
    expect(stats.devices[0]).toMatchObject({ name: 'cuda:0 Simulated GPU : cudaMallocAsync', type: 'cuda', index: 0 });
    expect(Object.keys(stats.devices[0] ?? {})).toEqual(['name', 'type', 'index', 'vram_total', 'vram_free', 'torch_vram_total', 'torch_vram_free']);
  });

  it('protocol §1 GET /object_info: node infos with the documented keys; the checkpoint list reflects the models option; unknown class → {}', async () => {
    const sim = await start({ models: ['only.safetensors'] });
    const all = (await http(`${sim.url}/object_info`)).json<Record<string, Record<string, unknown>>>();
    expect(Object.keys(all)).toEqual(expect.arrayContaining(['KSampler', 'CheckpointLoaderSimple', 'SaveImage', 'EmptyImage', 'ImageInvert', 'ImageBlur', 'SaveImageWebsocket']));
    expect(Object.keys(all['SaveImage'] ?? {})).toEqual([
      'input', 'input_order', 'output', 'output_is_list', 'output_name', 'name', 'display_name', 'description', 'python_module', 'category', 'output_node',
    ]);
    const one = (await http(`${sim.url}/object_info/CheckpointLoaderSimple`)).json<Record<string, { input: { required: { ckpt_name: unknown[] } } }>>();
    expect(one['CheckpointLoaderSimple']?.input.required.ckpt_name[0]).toEqual(['only.safetensors']);
    expect((await http(`${sim.url}/object_info/Nope`)).json()).toEqual({});
    const raw = (await http(`${sim.url}/object_info/KSampler`)).text;
    expect(raw).toContain('"max": 18446744073709551615');
  });

  it('protocol §1: GET /features, POST /free → 200 empty, unknown route → 404 "404: Not Found", other methods on unknown paths → 405', async () => {
    const sim = await start();
    expect((await http(`${sim.url}/features`)).json()).toEqual({ supports_preview_metadata: true, max_upload_size: 104857600 });
    const free = await postJson(`${sim.url}/free`, { unload_models: true, free_memory: true });
    expect([free.status, free.text]).toEqual([200, '']);
    const missing = await http(`${sim.url}/nope`);
    expect([missing.status, missing.text, missing.headers.get('content-type')]).toEqual([404, '404: Not Found', 'text/plain; charset=utf-8']);
    const wrong = await http(`${sim.url}/nope`, { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect((await http(`${sim.url}/interrupt`)).status).toBe(404);
  });

  it('protocol §0: every route also answers under /api', async () => {
    const sim = await start({ speed: 50 });
    const res = await postJson(`${sim.url}/api/prompt`, { prompt: modelFreeWorkflow(), prompt_id: 'via-api' });
    expect(res.status).toBe(200);
    await historyOf(sim, 'via-api');
    for (const path of ['/api/queue', '/api/prompt', '/api/history', '/api/history/via-api', '/api/system_stats', '/api/object_info/EmptyImage', '/api/features']) {
      const plain = await http(`${sim.url}${path.slice(4)}`);
      const aliased = await http(`${sim.url}${path}`);
      expect([path, aliased.status]).toEqual([path, 200]);
      if (!path.includes('system_stats')) expect(aliased.text).toBe(plain.text);
    }
    expect((await postJson(`${sim.url}/api/interrupt`, {})).status).toBe(200);
  });

  it('protocol §0 CSRF guard: loopback Host with a different Origin host → 403 empty body; matching or absent Origin passes', async () => {
    const sim = await start();
    const host = `127.0.0.1:${sim.port}`;
    const forbidden = await http(`${sim.url}/prompt`, { headers: { Origin: 'http://evil.example' } });
    expect([forbidden.status, forbidden.text]).toEqual([403, '']);
    const post = await http(`${sim.url}/prompt`, { method: 'POST', headers: { Origin: 'http://localhost:1234' }, body: JSON.stringify({ prompt: modelFreeWorkflow() }) });
    expect(post.status).toBe(403);
    expect(sim.queueDepth().pending + sim.queueDepth().running).toBe(0);
    expect((await http(`${sim.url}/prompt`, { headers: { Origin: `http://${host}` } })).status).toBe(200);
    // Origin without a port is compared by host name only.
    expect((await http(`${sim.url}/prompt`, { headers: { Origin: 'http://127.0.0.1' } })).status).toBe(200);
    expect((await http(`${sim.url}/prompt`)).status).toBe(200);
  });
});
