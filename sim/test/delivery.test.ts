import { describe, expect, it } from 'vitest';
import { modelFreeWorkflow } from '../src/index';
import { WorkGate, WsClient, historyOf, submit, until, useSims, type JsonFrame } from './helpers';

const start = useSims();

describe('protocol §2 WebSocket sessions and delivery rules', () => {
  it('protocol §2: the first frame is status with the sid; the sid is the clientId, else 32 hex digits of a uuid4', async () => {
    const sim = await start();
    const named = await WsClient.connect(sim.url, 'client-A');
    expect(named.frames[0]).toEqual({ kind: 'json', type: 'status', data: { status: { exec_info: { queue_remaining: 0 } }, sid: 'client-A' } });
    const anonymous = await WsClient.connect(sim.url);
    const first = anonymous.frames[0] as JsonFrame;
    expect(first.data['sid']).toMatch(/^[0-9a-f]{32}$/);
    const alias = await WsClient.connect(sim.url, 'client-B', '/api/ws');
    expect((alias.frames[0] as JsonFrame).data['sid']).toBe('client-B');
    expect(sim.wsClientCount()).toBe(3);
    await Promise.all([named.close(), anonymous.close(), alias.close()]);
  });

  it('protocol §2: a socket that reconnects with the sid owning the running job gets a second frame executing{node} without prompt_id', async () => {
    // Node 2 is held until the end of the test: the reconnect happens while it runs, on any machine.
    const gate = new WorkGate((at) => at.nodeId === '2');
    const sim = await start({ workGate: gate.hook });
    const owner = await WsClient.connect(sim.url, 'owner');
    const { prompt_id } = await submit(sim, { prompt: modelFreeWorkflow({ seed: 3 }), client_id: 'owner' });
    await owner.waitFor((f) => f.kind === 'json' && f.type === 'executing' && f.data['node'] === '2', 'node 2 running');
    await owner.close();
    const again = await WsClient.connect(sim.url, 'owner');
    await again.waitFor((f) => f.kind === 'json' && f.type === 'executing', 'second frame');
    expect(again.frames.slice(0, 2)).toEqual([
      { kind: 'json', type: 'status', data: { status: { exec_info: { queue_remaining: 1 } }, sid: 'owner' } },
      { kind: 'json', type: 'executing', data: { node: '2' } },
    ]);
    const other = await WsClient.connect(sim.url, 'someone-else');
    await other.flush();
    expect(other.types()).toEqual(['status']);
    gate.release();
    await again.waitDone(prompt_id);
    await Promise.all([again.close(), other.close()]);
  });

  it('protocol §2 delivery table: job events go to the submitting client only; another socket sees only status frames', async () => {
    const sim = await start({ speed: 20 });
    const a = await WsClient.connect(sim.url, 'client-A');
    const b = await WsClient.connect(sim.url, 'client-B');
    const { prompt_id } = await submit(sim, { prompt: modelFreeWorkflow(), client_id: 'client-A' });
    await a.waitDone(prompt_id);
    await until(() => b.types().length >= 4, 'status frames on B');
    await b.flush();
    expect(new Set(a.types())).toEqual(new Set(['status', 'execution_start', 'execution_cached', 'progress_state', 'executing', 'executed', 'execution_success']));
    expect(b.types()).toEqual(['status', 'status', 'status', 'status']);
    await Promise.all([a.close(), b.close()]);
  });

  it('protocol §0: events for a client_id with no connected socket are dropped; the job still completes', async () => {
    const sim = await start({ speed: 20 });
    const bystander = await WsClient.connect(sim.url, 'bystander');
    const { prompt_id } = await submit(sim, { prompt: modelFreeWorkflow(), client_id: 'nobody-home' });
    const entry = await historyOf(sim, prompt_id);
    expect((entry['status'] as { status_str: string }).status_str).toBe('success');
    await until(() => bystander.types().length >= 4, 'status frames');
    expect(bystander.types()).toEqual(['status', 'status', 'status', 'status']);
    await bystander.close();
  });

  it('protocol §2 pitfall: a second socket with the same sid replaces the first without closing it; when the first closes, the second receives nothing', async () => {
    const sim = await start({ speed: 20 });
    const first = await WsClient.connect(sim.url, 'dup');
    const second = await WsClient.connect(sim.url, 'dup');
    expect(sim.wsClientCount()).toBe(2);

    const job1 = await submit(sim, { prompt: modelFreeWorkflow({ seed: 1 }), client_id: 'dup' });
    await second.waitDone(job1.prompt_id);
    expect(first.types()).toEqual(['status']);
    expect(first.ws.readyState).toBe(first.ws.OPEN);

    await first.close();
    // The server has seen the close (and dropped the sid) once its connection count falls.
    await until(() => sim.wsClientCount() === 1, 'the first socket gone on the server');
    const seen = second.frames.length;
    const job2 = await submit(sim, { prompt: modelFreeWorkflow({ seed: 2 }), client_id: 'dup' });
    await historyOf(sim, job2.prompt_id);
    // Every frame of job 2 would have been sent by now; the pong comes after any of them.
    await second.flush();
    expect(second.ws.readyState).toBe(second.ws.OPEN);
    expect(second.frames.length).toBe(seen);
    expect(sim.wsClientCount()).toBe(1);
    await second.close();
  });

  it('protocol §2: feature_flags as the first client message is answered with the server flags; later ones and other text are ignored', async () => {
    const sim = await start();
    const ws = await WsClient.connect(sim.url, 'ff');
    ws.send({ type: 'feature_flags', data: { supports_preview_metadata: true } });
    const answer = (await ws.waitFor((f) => f.kind === 'json' && f.type === 'feature_flags', 'answer')) as JsonFrame;
    expect(answer.data).toEqual({ supports_preview_metadata: true, max_upload_size: 104857600 });
    ws.send({ type: 'feature_flags', data: {} });
    ws.send({ type: 'hello' });
    // Messages are handled in order, so an answer to either would precede the pong.
    await ws.flush();
    expect(ws.types()).toEqual(['status', 'feature_flags']);
    await ws.close();
  });
});
