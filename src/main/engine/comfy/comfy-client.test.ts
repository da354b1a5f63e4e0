import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { modelFreeWorkflow, startSim, txt2imgWorkflow, type SimOptions, type SimServer } from '../../../../sim/src';
import { failure } from '../../../../test/support/http-failure';
import { until } from '../../../../test/support/until';
import { ComfyClient } from './comfy-client';
import type { HistoryEntry } from './comfy-schemas';
import type { ComfyHttpError } from './errors';
import { PromptRejectedError } from './errors';

const SERVER = 'gpu-sim';
const CLIENT_ID = 'comfyfleet-test';
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const sims: SimServer[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function setup(options: SimOptions = {}, timeoutMs = 2_000) {
  const sim = await startSim(options);
  sims.push(sim);
  return { sim, client: new ComfyClient({ server: SERVER, baseUrl: sim.url, timeoutMs }) };
}

async function finished(client: ComfyClient, promptId: string): Promise<HistoryEntry> {
  let entry: HistoryEntry | null = null;
  await until(async () => (entry = await client.history(promptId)) !== null, `history of ${promptId}`);
  return entry as unknown as HistoryEntry;
}

describe('ComfyClient against the simulator (happy paths)', () => {
  it('T4/T6: a job submitted with our prompt_id shows in history with its outputs, and /view returns the PNG', async () => {
    const { client } = await setup({ speed: 10 });
    const promptId = randomUUID();
    const accepted = await client.submitPrompt({ prompt: modelFreeWorkflow({ seed: 7 }), promptId, clientId: CLIENT_ID });
    expect(accepted).toEqual({ promptId, number: expect.any(Number), nodeErrors: [] });

    const entry = await finished(client, promptId);
    expect(entry).toMatchObject({ promptId, outcome: 'success', completed: true, error: null });
    expect(entry.messages.map((m) => m.event)).toEqual(['execution_start', 'execution_cached', 'execution_success']);
    expect(entry.outputs).toEqual([
      { nodeId: '3', kind: 'images', filename: expect.stringMatching(/^ComfyUI_\d+_\.png$/), subfolder: '', type: 'output', suspicious: false },
    ]);

    const file = await client.view(entry.outputs[0]!, { maxBytes: 1024 * 1024 });
    expect(file.contentType).toBe('image/png');
    expect(file.bytes.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
  });

  it('F2: queue() lists pending jobs in execution order although the server sends its heap, with client ids and no graphs', async () => {
    const { sim, client } = await setup();
    sim.pauseWorker();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, promptId] of ids.entries()) await client.submitPrompt({ prompt: modelFreeWorkflow({ seed: i }), promptId, clientId: CLIENT_ID });
    // A front:true job without client_id (another tool's) jumps ahead and scrambles the heap list.
    const res = await fetch(`${sim.url}/prompt`, { method: 'POST', body: JSON.stringify({ prompt: modelFreeWorkflow({ seed: 9 }), front: true }) });
    const front = (await res.json()) as { prompt_id: string; number: number };
    const raw = (await (await fetch(`${sim.url}/queue`)).json()) as { queue_pending: [number][] };
    const rawOrder = raw.queue_pending.map((item) => item[0]);
    expect(rawOrder).not.toEqual([...rawOrder].sort((a, b) => a - b));

    const q = await client.queue();
    expect(q.running).toEqual([]);
    expect(q.pending.map((item) => item.promptId)).toEqual([front.prompt_id, ...ids]);
    expect(q.pending.map((item) => item.clientId)).toEqual([null, CLIENT_ID, CLIENT_ID, CLIENT_ID]);
    expect(q.pending[0]).toEqual({ number: front.number, promptId: front.prompt_id, clientId: null });
  });

  it('T10: the observed 400 example becomes a PromptRejectedError with a readable per-node message', async () => {
    const { client } = await setup();
    const err = await failure(client.submitPrompt({ prompt: modelFreeWorkflow({ width: 0 }), promptId: randomUUID(), clientId: CLIENT_ID }));
    expect(err).toBeInstanceOf(PromptRejectedError);
    const rejected = err as PromptRejectedError;
    expect([rejected.code, rejected.status, rejected.delivered, rejected.call]).toEqual(['rejected', 400, 'yes', 'POST /prompt']);
    expect(rejected.error).toEqual({ type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '' });
    expect(rejected.nodeErrors).toEqual([
      {
        nodeId: '1',
        classType: 'EmptyImage',
        errors: [{ type: 'value_smaller_than_min', message: 'Value 0 smaller than min of 1', details: 'width', inputName: 'width' }],
      },
    ]);
    expect(rejected.message).toBe('server "gpu-sim" refused the workflow: node 1 (EmptyImage) input "width": value 0 smaller than min of 1');
    expect(await client.queue()).toEqual({ running: [], pending: [] });
  });

  it('T10: a KSampler with 0 steps and an unknown node class read well too', async () => {
    const { client } = await setup();
    const steps = await failure(client.submitPrompt({ prompt: txt2imgWorkflow({ steps: 0 }), promptId: randomUUID(), clientId: CLIENT_ID }));
    expect(steps.message).toBe('server "gpu-sim" refused the workflow: node 3 (KSampler) input "steps": value 0 smaller than min of 1');
    const unknown = await failure(
      client.submitPrompt({ prompt: { '1': { class_type: 'NoSuchNode', inputs: {} } }, promptId: randomUUID(), clientId: CLIENT_ID }),
    );
    expect(unknown.code).toBe('rejected');
    expect(unknown.message).toMatch(/^server "gpu-sim" refused the workflow: cannot execute because node NoSuchNode does not exist\. \(Node ID '#1'\)$/);
  });

  it('T7: deleteQueued removes a pending job, which then never reaches history', async () => {
    const { sim, client } = await setup({ speed: 10 });
    sim.pauseWorker();
    const keep = randomUUID();
    const drop = randomUUID();
    await client.submitPrompt({ prompt: modelFreeWorkflow({ seed: 1 }), promptId: keep, clientId: CLIENT_ID });
    await client.submitPrompt({ prompt: modelFreeWorkflow({ seed: 2 }), promptId: drop, clientId: CLIENT_ID });
    await client.deleteQueued([drop]);
    expect((await client.queue()).pending.map((i) => i.promptId)).toEqual([keep]);
    sim.resumeWorker();
    await finished(client, keep);
    expect(await client.history(drop)).toBeNull();
  });

  it('T7: interrupt(promptId) stops the running job, and history says interrupted', async () => {
    const { client } = await setup({ durations: { KSampler: 100 } });
    const promptId = randomUUID();
    const other = randomUUID();
    await client.submitPrompt({ prompt: txt2imgWorkflow({ steps: 100 }), promptId, clientId: CLIENT_ID });
    await client.submitPrompt({ prompt: txt2imgWorkflow({ steps: 100, seed: 2 }), promptId: other, clientId: CLIENT_ID });
    await until(async () => (await client.queue()).running[0]?.promptId === promptId, 'the job to run');
    // Targeting the pending one does nothing (#9607 semantics); then the running one.
    await client.interrupt(other);
    await client.interrupt(promptId);
    const entry = await finished(client, promptId);
    expect(entry).toMatchObject({ outcome: 'interrupted', completed: false, outputs: [], error: null });
    expect(entry.messages.at(-1)?.event).toBe('execution_interrupted');
    expect((await client.queue()).running.map((i) => i.promptId)).toEqual([other]);
    await client.interrupt(other);
  });

  it('a runtime error is outcome error with the node and exception', async () => {
    const { client } = await setup();
    const promptId = randomUUID();
    // 64 Mpixel per batch is the simulator's out-of-memory line (sim/README).
    await client.submitPrompt({ prompt: modelFreeWorkflow({ width: 8192, height: 8192, batchSize: 2 }), promptId, clientId: CLIENT_ID });
    const entry = await finished(client, promptId);
    expect(entry).toMatchObject({ outcome: 'error', completed: false, outputs: [] });
    expect(entry.error).toEqual({ nodeId: '1', nodeType: 'EmptyImage', message: expect.any(String), exceptionType: expect.stringContaining('OutOfMemoryError') });
  });

  it('history of an unknown prompt is null; systemStats, objectInfo and features come back as domain shapes', async () => {
    const { client } = await setup({ models: ['b.safetensors', 'a.ckpt'] });
    expect(await client.history('no-such-prompt')).toBeNull();

    const stats = await client.systemStats();
    expect(stats).toMatchObject({ comfyuiVersion: '0.3.64', os: 'posix', pythonVersion: expect.stringMatching(/^3\.11/) });
    expect(stats.ramTotal).toBeGreaterThan(0);
    expect(stats.devices).toEqual([{ name: expect.stringContaining('cuda:0'), type: 'cuda', index: 0, vramTotal: 24 * 1024 ** 3, vramFree: expect.any(Number) }]);

    const info = await client.objectInfo();
    expect(info.nodeClasses).toEqual(expect.arrayContaining(['KSampler', 'SaveImage', 'CheckpointLoaderSimple', 'EmptyImage']));
    expect(info.nodeClasses).toEqual([...info.nodeClasses].sort());
    expect(info.models).toEqual(['a.ckpt', 'b.safetensors']);

    expect(await client.features()).toEqual({ supportsPreviewMetadata: true, maxUploadSize: 104857600 });
  });

  it('/view of a file that is not there is an HTTP 404 error naming the call', async () => {
    const { client } = await setup();
    const err = await failure(client.view({ filename: 'missing.png', subfolder: '', type: 'output' }));
    expect([err.code, err.status, err.call]).toEqual(['http_status', 404, 'GET /view']);
  });

  it('refuses base URLs that are not http(s)', () => {
    expect(() => new ComfyClient({ server: 'x', baseUrl: 'ftp://h/' })).toThrow(/only http and https/);
    expect(() => new ComfyClient({ server: 'x', baseUrl: 'not a url' })).toThrow(/not a URL/);
  });
});

describe('ComfyClient against simulator faults (E3): typed errors naming server and call', () => {
  const expectNamed = (err: ComfyHttpError, call: string) => {
    expect(err.message).toContain(`server "${SERVER}"`);
    expect(err.message).toContain(call);
    expect(err.call).toBe(call);
  };

  it('crash: unreachable, not delivered, for probes and for submissions (safe to resubmit elsewhere)', async () => {
    const { sim, client } = await setup();
    sim.inject({ kind: 'crash' });
    const probe = await failure(client.queue());
    expect([probe.code, probe.delivered]).toEqual(['unreachable', 'no']);
    expectNamed(probe, 'GET /queue');
    const submit = await failure(client.submitPrompt({ prompt: modelFreeWorkflow(), promptId: randomUUID(), clientId: CLIENT_ID }));
    expect([submit.code, submit.delivered]).toEqual(['unreachable', 'no']);
    expectNamed(submit, 'POST /prompt');
  });

  it('hang: a timeout before any answer, delivered maybe (reconcile before resubmitting)', async () => {
    const { sim, client } = await setup({}, 300);
    sim.inject({ kind: 'hang' });
    const submit = await failure(client.submitPrompt({ prompt: modelFreeWorkflow(), promptId: randomUUID(), clientId: CLIENT_ID }));
    expect([submit.code, submit.delivered, submit.phase]).toEqual(['timeout', 'maybe', 'headers']);
    expectNamed(submit, 'POST /prompt');
    await sim.lift('hang');
  });

  it('http500: an HTTP status error (delivered yes), also on /prompt where it is not a validation verdict', async () => {
    const { sim, client } = await setup();
    sim.inject({ kind: 'http500' });
    const probe = await failure(client.systemStats());
    expect([probe.code, probe.status, probe.delivered]).toEqual(['http_status', 500, 'yes']);
    expectNamed(probe, 'GET /system_stats');
    expect(probe.message).toContain('500 Internal Server Error');
    const submit = await failure(client.submitPrompt({ prompt: modelFreeWorkflow(), promptId: randomUUID(), clientId: CLIENT_ID }));
    expect(submit).not.toBeInstanceOf(PromptRejectedError);
    expect([submit.code, submit.status]).toEqual(['http_status', 500]);
  });

  it('nonJson: an HTML page with 200 is bad_content_type, on JSON calls and on calls that expect an empty answer', async () => {
    const { sim, client } = await setup();
    sim.inject({ kind: 'nonJson' });
    const probe = await failure(client.queue());
    expect([probe.code, probe.status]).toEqual(['bad_content_type', 200]);
    expectNamed(probe, 'GET /queue');
    const del = await failure(client.deleteQueued(['x']));
    expect(del.code).toBe('bad_content_type');
    expectNamed(del, 'POST /queue');
    const view = await failure(client.view({ filename: 'a.png', subfolder: '', type: 'output' }));
    expect(view.code).toBe('bad_content_type');
  });

  it('slowBody past the deadline: a body-phase timeout, delivered yes', async () => {
    const { sim, client } = await setup({}, 300);
    sim.inject({ kind: 'slowBody', bytesPerSecond: 500, paths: ['/object_info'] });
    const err = await failure(client.objectInfo());
    expect([err.code, err.phase, err.delivered, err.status]).toEqual(['timeout', 'body', 'yes', 200]);
    expectNamed(err, 'GET /object_info');
  });

  it('oversizedBody past the cap: too_large before reading the body', async () => {
    const { sim, client } = await setup();
    sim.inject({ kind: 'oversizedBody', bytes: 2 * 1024 * 1024, paths: ['/system_stats'] });
    const err = await failure(client.systemStats());
    expect([err.code, err.delivered]).toEqual(['too_large', 'yes']);
    expectNamed(err, 'GET /system_stats');
    // Under its (larger) cap the same padding is harmless: still valid JSON.
    sim.inject({ kind: 'oversizedBody', bytes: 2 * 1024 * 1024, paths: ['/queue'] });
    expect(await client.queue()).toEqual({ running: [], pending: [] });
  });

  it('stall (WebSocket silent): HTTP still answers, so history is the fallback (T5)', async () => {
    const { sim, client } = await setup({ speed: 10 });
    sim.inject({ kind: 'stall' });
    const promptId = randomUUID();
    await client.submitPrompt({ prompt: modelFreeWorkflow({ seed: 3 }), promptId, clientId: CLIENT_ID });
    expect((await finished(client, promptId)).outcome).toBe('success');
  });
});
