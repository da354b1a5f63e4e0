import { describe, expect, it } from 'vitest';
import { isPng, modelFreeWorkflow, txt2imgWorkflow } from '../src/index';
import { WorkGate, WsClient, historyOf, http, postJson, submit, until, useSims, type Frame, type JsonFrame } from './helpers';

const start = useSims();

const isJson = (f: Frame): f is JsonFrame => f.kind === 'json';
const jsonOf = (frames: Frame[]): JsonFrame[] => frames.filter(isJson);
const queueRemaining = (f: JsonFrame): unknown => (f.data['status'] as { exec_info: { queue_remaining: number } }).exec_info.queue_remaining;

/** Frames of one job: from its first `status` after index `from` to its terminal executing{null}. */
async function runJob(sim: { url: string }, ws: WsClient, body: Record<string, unknown>): Promise<{ id: string; frames: Frame[] }> {
  const from = ws.frames.length;
  const res = await postJson(`${sim.url}/prompt`, body);
  expect(res.status).toBe(200);
  const id = res.json<{ prompt_id: string }>().prompt_id;
  const done = await ws.waitDone(id);
  return { id, frames: ws.frames.slice(from, ws.frames.indexOf(done) + 1) };
}

describe('protocol §3 observed sequences', () => {
  it('protocol §3: simple job emits status, status, execution_start, execution_cached, per node progress_state/executing/progress_state, executed, execution_success, status, executing{node:null}', async () => {
    const sim = await start({ speed: 20 });
    const ws = await WsClient.connect(sim.url, 'client-A');
    const { id, frames } = await runJob(sim, ws, { prompt: modelFreeWorkflow(), client_id: 'client-A' });
    expect(frames.map((f) => (f.kind === 'json' ? f.type : 'binary'))).toEqual([
      'status', 'status', 'execution_start', 'execution_cached',
      'progress_state', 'executing', 'progress_state',
      'progress_state', 'executing', 'progress_state',
      'progress_state', 'executing', 'executed', 'progress_state',
      'execution_success', 'status', 'executing',
    ]);
    const json = jsonOf(frames);
    expect(json.filter((f) => f.type === 'status').map(queueRemaining)).toEqual([1, 1, 0]);
    expect(json[2]?.data).toEqual({ prompt_id: id, timestamp: expect.any(Number) });
    expect(json[3]?.data).toEqual({ nodes: [], prompt_id: id, timestamp: expect.any(Number) });
    expect(json.filter((f) => f.type === 'executing').map((f) => f.data)).toEqual([
      { node: '1', display_node: '1', prompt_id: id },
      { node: '2', display_node: '2', prompt_id: id },
      { node: '3', display_node: '3', prompt_id: id },
      { node: null, prompt_id: id },
    ]);
    expect(json.find((f) => f.type === 'executed')?.data).toEqual({
      node: '3',
      display_node: '3',
      output: { images: [{ filename: 'ComfyUI_00001_.png', subfolder: '', type: 'output' }] },
      prompt_id: id,
    });
    const states = json.filter((f) => f.type === 'progress_state').map((f) => f.data['nodes'] as Record<string, { state: string }>);
    expect(states[0]).toEqual({
      '1': { value: 0, max: 1, state: 'running', node_id: '1', prompt_id: id, display_node_id: '1', parent_node_id: null, real_node_id: '1' },
    });
    expect(Object.fromEntries(Object.entries(states.at(-1) ?? {}).map(([k, v]) => [k, v.state]))).toEqual({ '1': 'finished', '2': 'finished', '3': 'finished' });

    const entry = await historyOf(sim, id);
    expect(entry['prompt']).toEqual([0, id, modelFreeWorkflow(), { client_id: 'client-A' }, ['3']]);
    expect(entry['outputs']).toEqual({ '3': { images: [{ filename: 'ComfyUI_00001_.png', subfolder: '', type: 'output' }] } });
    expect(entry['meta']).toEqual({ '3': { node_id: '3', display_node: '3', parent_node: null, real_node_id: '3' } });
    const status = entry['status'] as { status_str: string; completed: boolean; messages: [string, Record<string, unknown>][] };
    expect(status.status_str).toBe('success');
    expect(status.completed).toBe(true);
    expect(status.messages.map((m) => m[0])).toEqual(['execution_start', 'execution_cached', 'execution_success']);
    expect(status.messages.every((m) => typeof m[1]['timestamp'] === 'number')).toBe(true);
    await ws.close();
  });

  it('protocol §3: the same graph resubmitted is all cached: execution_cached lists every node, executed is re-sent, no executing per node', async () => {
    const sim = await start({ speed: 20 });
    const ws = await WsClient.connect(sim.url, 'client-A');
    await runJob(sim, ws, { prompt: modelFreeWorkflow(), client_id: 'client-A' });
    const { id, frames } = await runJob(sim, ws, { prompt: modelFreeWorkflow(), client_id: 'client-A' });
    expect(frames.map((f) => (f.kind === 'json' ? f.type : 'binary'))).toEqual([
      'status', 'status', 'execution_start', 'execution_cached', 'executed', 'progress_state', 'execution_success', 'status', 'executing',
    ]);
    const json = jsonOf(frames);
    expect(json[3]?.data['nodes']).toEqual(['1', '2', '3']);
    expect(json[4]?.data).toEqual({
      node: '3',
      display_node: '3',
      output: { images: [{ filename: 'ComfyUI_00001_.png', subfolder: '', type: 'output' }] },
      prompt_id: id,
    });
    const entry = await historyOf(sim, id);
    expect(entry['outputs']).toEqual({ '3': { images: [{ filename: 'ComfyUI_00001_.png', subfolder: '', type: 'output' }] } });
    await ws.close();
  });

  it('protocol §3: SaveImageWebsocket (batch 2) sends (progress_state, progress, binary event 1 with a PNG) per image and no executed', async () => {
    const sim = await start({ speed: 20 });
    const ws = await WsClient.connect(sim.url, 'client-A');
    const prompt = {
      '1': { class_type: 'EmptyImage', inputs: { width: 16, height: 8, batch_size: 2, color: 0xff0000 } },
      '2': { class_type: 'SaveImageWebsocket', inputs: { images: ['1', 0] } },
    };
    const { id, frames } = await runJob(sim, ws, { prompt, client_id: 'client-A' });
    const types = frames.map((f) => (f.kind === 'json' ? f.type : 'binary'));
    const at = types.indexOf('executing', types.indexOf('executing') + 1);
    expect(jsonOf(frames).filter((f) => f.type === 'executing')[1]?.data['node']).toBe('2');
    expect(types.slice(at + 1)).toEqual([
      'progress_state', 'progress', 'binary',
      'progress_state', 'progress', 'binary',
      'progress_state', 'execution_success', 'status', 'executing',
    ]);
    expect(types).not.toContain('executed');
    const progress = jsonOf(frames).filter((f) => f.type === 'progress').map((f) => f.data);
    expect(progress).toEqual([
      { value: 0, max: 2, prompt_id: id, node: '2' },
      { value: 1, max: 2, prompt_id: id, node: '2' },
    ]);
    for (const f of frames) {
      if (f.kind !== 'binary') continue;
      expect(f.buf.readUInt32BE(0)).toBe(1);
      expect(f.buf.readUInt32BE(4)).toBe(2);
      expect(isPng(f.buf.subarray(8))).toBe(true);
    }
    // Never cached: IS_CHANGED returns time.time() upstream.
    const again = await runJob(sim, ws, { prompt, client_id: 'client-A' });
    expect(jsonOf(again.frames).find((f) => f.type === 'execution_cached')?.data['nodes']).toEqual(['1']);
    expect(again.frames.filter((f) => f.kind === 'binary')).toHaveLength(2);
    await ws.close();
  });

  it('protocol §2 binary frames: a client that negotiated supports_preview_metadata gets event 4 with JSON metadata before progress', async () => {
    const sim = await start({ speed: 20 });
    const ws = await WsClient.connect(sim.url, 'client-A');
    ws.send({ type: 'feature_flags', data: { supports_preview_metadata: true } });
    await ws.waitFor((f) => f.kind === 'json' && f.type === 'feature_flags', 'feature_flags answer');
    const prompt = {
      '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
      '2': { class_type: 'SaveImageWebsocket', inputs: { images: ['1', 0] } },
    };
    const { id, frames } = await runJob(sim, ws, { prompt, client_id: 'client-A' });
    const types = frames.map((f) => (f.kind === 'json' ? f.type : 'binary'));
    const i = types.indexOf('binary');
    expect(types.slice(i - 1, i + 2)).toEqual(['progress_state', 'binary', 'progress']);
    const bin = frames[i] as Extract<Frame, { kind: 'binary' }>;
    expect(bin.buf.readUInt32BE(0)).toBe(4);
    const len = bin.buf.readUInt32BE(4);
    expect(JSON.parse(bin.buf.subarray(8, 8 + len).toString())).toEqual({
      node_id: '2',
      prompt_id: id,
      display_node_id: '2',
      parent_node_id: null,
      real_node_id: '2',
      image_type: 'image/png',
    });
    expect(isPng(bin.buf.subarray(8 + len))).toBe(true);
    await ws.close();
  });

  it('protocol §3: runtime error (SaveImage outside the output folder) sends execution_error, status, executing{null}; history is error with no outputs', async () => {
    const sim = await start({ speed: 20 });
    const ws = await WsClient.connect(sim.url, 'client-A');
    const prompt = {
      '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
      '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: '../escape' } },
    };
    const { id, frames } = await runJob(sim, ws, { prompt, client_id: 'client-A' });
    const types = frames.map((f) => (f.kind === 'json' ? f.type : 'binary'));
    const last = types.lastIndexOf('executing', types.length - 2);
    expect(jsonOf(frames).filter((f) => f.type === 'executing').at(-2)?.data['node']).toBe('2');
    expect(types.slice(last)).toEqual(['executing', 'execution_error', 'status', 'executing']);
    const error = jsonOf(frames).find((f) => f.type === 'execution_error')?.data ?? {};
    expect(Object.keys(error)).toEqual([
      'prompt_id', 'node_id', 'node_type', 'executed', 'exception_message', 'exception_type', 'traceback', 'current_inputs', 'current_outputs', 'timestamp',
    ]);
    expect(error).toMatchObject({ prompt_id: id, node_id: '2', node_type: 'SaveImage', executed: ['1'], exception_type: 'Exception', current_outputs: ['2', '1'] });
    expect(String(error['exception_message'])).toMatch(/^\*\*\*\* ERROR: Saving image outside the output folder is not allowed\.\n/);
    expect((error['current_inputs'] as Record<string, unknown[]>)['images']?.[0]).toMatch(/^tensor\(/);
    expect((error['traceback'] as string[]).length).toBeGreaterThan(0);

    const entry = await historyOf(sim, id);
    expect(entry['outputs']).toEqual({});
    const status = entry['status'] as { status_str: string; completed: boolean; messages: [string, unknown][] };
    expect([status.status_str, status.completed]).toEqual(['error', false]);
    expect(status.messages.map((m) => m[0])).toEqual(['execution_start', 'execution_cached', 'execution_error']);
    await ws.close();
  });

  it('protocol §3: interrupt {prompt_id} of the running job with 4 queued: executing{11}, execution_interrupted, status, executing{null}; the front:true job runs next reusing cached nodes', async () => {
    // Node 10 of the first job is held until the interrupt has been posted: the interrupt
    // lands while it computes, as in the observed run, whatever the machine's speed.
    const gate = new WorkGate((at) => at.nodeId === '10');
    const sim = await start({ workGate: gate.hook, durations: { EmptyImage: 1, ImageBlur: 1, SaveImage: 1 } });
    const ws = await WsClient.connect(sim.url, 'client-A');
    const graph = (color: number): Record<string, unknown> => ({
      '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color } },
      '10': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      '11': { class_type: 'ImageBlur', inputs: { image: ['10', 0], blur_radius: 1, sigma: 1 } },
      '12': { class_type: 'SaveImage', inputs: { images: ['11', 0], filename_prefix: 'intr' } },
    });
    const running = await submit(sim, { prompt: graph(1), client_id: 'client-A' });
    await ws.waitFor((f) => f.kind === 'json' && f.type === 'executing' && f.data['node'] === '10', 'node 10 running');
    for (const color of [2, 3, 4]) await submit(sim, { prompt: graph(color), client_id: 'client-A' });
    const front = await submit(sim, { prompt: graph(1), client_id: 'client-A', front: true });
    expect(front.number).toBe(-4);
    const queue = (await http(`${sim.url}/queue`)).json<{ queue_running: unknown[][]; queue_pending: unknown[][] }>();
    expect(queue.queue_running.map((q) => q[1])).toEqual([running.prompt_id]);
    expect(queue.queue_pending.map((q) => q[0])).toEqual([-4, 1, 3, 2]);

    // Targeting a job that is not running does nothing.
    expect((await postJson(`${sim.url}/interrupt`, { prompt_id: front.prompt_id })).status).toBe(200);
    const from = ws.frames.length;
    const res = await postJson(`${sim.url}/interrupt`, { prompt_id: running.prompt_id });
    expect([res.status, res.text]).toEqual([200, '']);
    gate.release();
    const done = await ws.waitDone(running.prompt_id);
    const after = jsonOf(ws.frames.slice(from, ws.frames.indexOf(done) + 1)).filter((f) => f.type !== 'progress_state');
    expect(after.map((f) => f.type)).toEqual(['executing', 'execution_interrupted', 'status', 'executing']);
    expect(after[0]?.data['node']).toBe('11');
    expect(after[1]?.data).toEqual({ prompt_id: running.prompt_id, node_id: '11', node_type: 'ImageBlur', executed: ['1', '10'], timestamp: expect.any(Number) });

    const next = (await ws.waitFor((f) => f.kind === 'json' && f.type === 'execution_cached', 'next job', 5000, from)) as JsonFrame;
    expect(next.data['prompt_id']).toBe(front.prompt_id);
    expect(next.data['nodes']).toEqual(['1', '10']);

    const entry = await historyOf(sim, running.prompt_id);
    const status = entry['status'] as { status_str: string; completed: boolean; messages: [string, unknown][] };
    expect([status.status_str, status.completed, status.messages.at(-1)?.[0]]).toEqual(['error', false, 'execution_interrupted']);
    expect(entry['outputs']).toEqual({});
    await ws.close();
  });

  it('protocol §1 POST /interrupt: a stray global interrupt with nothing running does not affect the next job', async () => {
    const sim = await start({ speed: 20 });
    const ws = await WsClient.connect(sim.url, 'c');
    expect((await http(`${sim.url}/interrupt`, { method: 'POST' })).status).toBe(200);
    const { id } = await runJob(sim, ws, { prompt: modelFreeWorkflow(), client_id: 'c' });
    expect(((await historyOf(sim, id))['status'] as { status_str: string }).status_str).toBe('success');
    await ws.close();
  });

  it('protocol §2: a txt2img job reports KSampler progress per step (progress_state then progress, value 1..steps) and runs nodes in ComfyUI order', async () => {
    const sim = await start({ speed: 20 });
    const ws = await WsClient.connect(sim.url, 'client-A');
    const { id, frames } = await runJob(sim, ws, { prompt: txt2imgWorkflow({ steps: 5, width: 64, height: 64, seed: 7 }), client_id: 'client-A' });
    const json = jsonOf(frames);
    expect(json.filter((f) => f.type === 'executing').map((f) => f.data['node'])).toEqual(['4', '5', '7', '6', '3', '8', '9', null]);
    expect(json.filter((f) => f.type === 'progress').map((f) => f.data)).toEqual(
      [1, 2, 3, 4, 5].map((value) => ({ value, max: 5, prompt_id: id, node: '3' })),
    );
    const types = json.map((f) => f.type);
    for (let i = 0; i < types.length; i++) if (types[i] === 'progress') expect(types[i - 1]).toBe('progress_state');
    const lastState = json.filter((f) => f.type === 'progress_state').at(-1)?.data['nodes'] as Record<string, { value: number; max: number; state: string }>;
    expect(lastState['3']).toMatchObject({ value: 5, max: 5, state: 'finished' });
    const image = (json.find((f) => f.type === 'executed')?.data['output'] as { images: { filename: string }[] }).images[0];
    const png = await http(`${sim.url}/view?filename=${image?.filename ?? ''}&type=output`);
    expect(png.status).toBe(200);
    expect(isPng(png.body)).toBe(true);
    await ws.close();
  });

  it('protocol §2 binary frames: with latent previews on, each KSampler step sends event 1 (PNG) after its progress frame', async () => {
    const sim = await start({ speed: 20, latentPreviews: true });
    const ws = await WsClient.connect(sim.url, 'client-A');
    const { frames } = await runJob(sim, ws, { prompt: txt2imgWorkflow({ steps: 3, width: 64, height: 64 }), client_id: 'client-A' });
    const types = frames.map((f) => (f.kind === 'json' ? f.type : 'binary'));
    expect(types.filter((t) => t === 'binary')).toHaveLength(3);
    for (let i = 0; i < types.length; i++) if (types[i] === 'binary') expect(types[i - 1]).toBe('progress');
    const bin = frames.find((f) => f.kind === 'binary') as Extract<Frame, { kind: 'binary' }>;
    expect([bin.buf.readUInt32BE(0), bin.buf.readUInt32BE(4), isPng(bin.buf.subarray(8))]).toEqual([1, 2, true]);
    await ws.close();
  });

  it('protocol §2 delivery: a job without client_id sends no execution_*/executing/executed; progress_state is broadcast; status frames bracket it', async () => {
    const sim = await start({ speed: 20 });
    const watcher = await WsClient.connect(sim.url, 'watcher');
    const from = watcher.frames.length;
    const { prompt_id } = await submit(sim, { prompt: modelFreeWorkflow() });
    await historyOf(sim, prompt_id);
    await until(() => watcher.json().filter((f) => f.type === 'status').length >= 4, 'final status');
    expect(watcher.types(from)).toEqual(['status', 'status', ...Array(6).fill('progress_state'), 'status']);
    await watcher.close();
  });

  it('protocol §2 delivery: execution_interrupted is broadcast when the interrupted job has no client_id', async () => {
    const gate = new WorkGate((at) => at.nodeId === '2');
    const sim = await start({ workGate: gate.hook, durations: { EmptyImage: 1, SaveImage: 1 } });
    const watcher = await WsClient.connect(sim.url, 'watcher');
    const { prompt_id } = await submit(sim, { prompt: modelFreeWorkflow({ seed: 5 }) });
    await watcher.waitFor((x) => x.kind === 'json' && x.type === 'progress_state' && (x.data['nodes'] as Record<string, { state: string }>)['2']?.state === 'running', 'node 2 running');
    await http(`${sim.url}/interrupt`, { method: 'POST', body: 'not json' });
    gate.release();
    const f = (await watcher.waitFor((x) => x.kind === 'json' && x.type === 'execution_interrupted', 'broadcast interrupt')) as JsonFrame;
    expect(f.data).toMatchObject({ prompt_id, node_id: '3', node_type: 'SaveImage', executed: ['1', '2'] });
    expect(watcher.types()).not.toContain('executing');
    await watcher.close();
  });
});
