import { describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../shared/fleet';
import type { BridgeCall } from '../../../shared/transport';
import { fakeSockets } from '../testing/fake-bridge-socket';
import { deltasEvent, server, snapshot, snapshotEvent } from '../testing/fixtures';
import { ManualClock } from '../../../../harness/manual-clock';
import type { EngineConnection } from './connection';
import { createWsFleetApi } from './ws-api';

const URL = 'ws://127.0.0.1:8787/bridge';

function setup() {
  const scheduler = new ManualClock();
  const net = fakeSockets();
  const api = createWsFleetApi({ url: URL, openSocket: net.open, scheduler, random: () => 0 });
  const states: EngineConnection[] = [];
  api.connection.subscribe((c) => states.push(c));
  return { scheduler, net, api, states };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

const seqs = (events: HostEvent[]): string[] => events.map((e) => (e.type === 'snapshot' ? `S${e.snapshot.seq}` : `D${e.batch.seq}`));

describe('createWsFleetApi', () => {
  it('M2: connects at once to the bridge and reports connecting, then open', () => {
    const { net, api, scheduler } = setup();
    expect(net.sockets).toHaveLength(1);
    expect(net.last().url).toBe(URL);
    expect(api.connection.get()).toEqual({ status: 'connecting', attempt: 0 });
    net.last().open();
    expect(api.connection.get()).toEqual({ status: 'open', since: scheduler.now() });
  });

  it('M2: sends calls with increasing ids and resolves each on its own result', async () => {
    const { net, api } = setup();
    net.last().open();
    const first = api.call('servers.remove', { id: 'a' });
    const second = api.call('servers.add', { url: 'http://x:1' });
    const [c1, c2] = net.last().sent as BridgeCall[];
    expect(c1).toEqual({ kind: 'call', id: 1, name: 'servers.remove', args: { id: 'a' } });
    expect(c2?.id).toBe(2);
    net.last().deliver({ kind: 'result', id: 2, result: { ok: false, error: { code: 'invalid_url', message: 'bad' } } });
    net.last().deliver({ kind: 'result', id: 1, result: { ok: true, value: { id: 'a' } } });
    expect(await first).toEqual({ ok: true, value: { id: 'a' } });
    expect(await second).toMatchObject({ ok: false, error: { code: 'invalid_url' } });
  });

  it('resolves pending calls as disconnected when the socket closes', async () => {
    const { net, api } = setup();
    net.last().open();
    const pending = api.call('fleet.snapshot', {});
    net.last().hostClose(1006);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'disconnected' } });
  });

  it('answers calls made while disconnected at once, without sending', async () => {
    const { net, api } = setup();
    expect(await api.call('servers.remove', { id: 'a' })).toMatchObject({ ok: false, error: { code: 'disconnected' } });
    expect(net.last().sent).toEqual([]);
  });

  it('reconnects with growing backoff and says when the next try is due', () => {
    const { net, api, scheduler } = setup();
    net.last().hostClose(1006);
    expect(api.connection.get()).toEqual({ status: 'reconnecting', attempt: 1, retryAt: scheduler.now() + 500, reason: 'connection lost (1006)' });
    expect(net.last().closedByClient).toBe(true);
    scheduler.advance(500);
    expect(net.sockets).toHaveLength(2);
    net.last().hostClose(1006);
    // random() = 0 puts each delay at the bottom of its step: 500, then 500 (1000/2), then 1000.
    expect(api.connection.get()).toMatchObject({ status: 'reconnecting', attempt: 2, retryAt: scheduler.now() + 500 });
    scheduler.advance(500);
    net.last().hostClose(1006);
    expect(api.connection.get()).toMatchObject({ status: 'reconnecting', attempt: 3, retryAt: scheduler.now() + 1000 });
  });

  it('starts the backoff over only after a connection stayed up long enough', () => {
    const { net, api, scheduler } = setup();
    for (let i = 0; i < 3; i++) {
      net.last().hostClose(1006);
      scheduler.advance(10_000);
    }
    net.last().open();
    scheduler.advance(1000);
    net.last().hostClose(1001, 'host restarting');
    expect(api.connection.get()).toMatchObject({ attempt: 4, reason: 'closed 1001: host restarting' });
    scheduler.advance(10_000);
    net.last().open();
    scheduler.advance(5000);
    net.last().hostClose(1006);
    expect(api.connection.get()).toMatchObject({ attempt: 1 });
  });

  it('gives up on a connection that does not open in time', () => {
    const { net, api, scheduler } = setup();
    scheduler.advance(10_000);
    expect(net.sockets[0]?.closedByClient).toBe(true);
    expect(api.connection.get()).toMatchObject({ status: 'reconnecting', reason: 'no answer within 10 s' });
  });

  it('M2: delivers the opening snapshot, then deltas, and a new connection\'s snapshot after a reconnect', () => {
    const { net, api, scheduler } = setup();
    const got: HostEvent[] = [];
    api.subscribe((e) => got.push(e));
    net.last().open();
    net.last().deliver({ kind: 'event', event: snapshotEvent(4, [server('a')]) });
    net.last().deliver({ kind: 'event', event: deltasEvent(5) });
    net.last().hostClose(1006);
    scheduler.advance(500);
    net.last().open();
    net.last().deliver({ kind: 'event', event: snapshotEvent(9, []) });
    net.last().deliver({ kind: 'event', event: deltasEvent(10) });
    expect(seqs(got)).toEqual(['S4', 'D5', 'S9', 'D10']);
  });

  it('ignores events from a socket it has already replaced', () => {
    const { net, api, scheduler } = setup();
    const got: HostEvent[] = [];
    api.subscribe((e) => got.push(e));
    const old = net.last();
    old.open();
    old.hostClose(1006);
    scheduler.advance(500);
    old.deliver({ kind: 'event', event: snapshotEvent(1, []) });
    expect(got).toEqual([]);
  });

  it('a subscriber joining mid-connection asks for a snapshot and gets it first', async () => {
    const { net, api } = setup();
    net.last().open();
    net.last().deliver({ kind: 'event', event: snapshotEvent(4, []) });
    const got: HostEvent[] = [];
    api.subscribe((e) => got.push(e));
    const request = net.last().sent.at(-1) as BridgeCall;
    expect(request).toMatchObject({ name: 'fleet.snapshot' });
    net.last().deliver({ kind: 'event', event: deltasEvent(5) });
    net.last().deliver({ kind: 'result', id: request.id, result: { ok: true, value: snapshot(5, []) } });
    await flush();
    net.last().deliver({ kind: 'event', event: deltasEvent(6) });
    expect(seqs(got)).toEqual(['S5', 'D6']);
  });

  it('skips malformed frames and keeps going', () => {
    const { net, api } = setup();
    const got: HostEvent[] = [];
    api.subscribe((e) => got.push(e));
    net.last().open();
    net.last().deliverRaw('{oops');
    net.last().deliver({ kind: 'event', event: snapshotEvent(1, []) });
    expect(seqs(got)).toEqual(['S1']);
  });

  it('dispose stops reconnecting and fails pending calls', async () => {
    const { net, api, scheduler } = setup();
    net.last().open();
    const pending = api.call('fleet.snapshot', {});
    api.dispose();
    api.dispose();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'disconnected' } });
    expect(net.last().closedByClient).toBe(true);
    scheduler.advance(60_000);
    expect(net.sockets).toHaveLength(1);
    expect(scheduler.pendingTimers).toBe(0);
  });
});
