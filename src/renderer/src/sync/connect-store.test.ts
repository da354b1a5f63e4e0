import { describe, expect, it } from 'vitest';
import type { CommandArgs, CommandName, FleetApi, Result } from '../../../shared/api';
import type { HostEvent } from '../../../shared/fleet';
import { createFleetStore } from '../store/fleet/store';
import { deltasEvent, removed, server, snapshot, snapshotEvent, upsert, withQueue } from '../testing/fixtures';
import { ManualClock } from '../../../../harness/manual-clock';
import { staticConnection, type ConnectionSource, type EngineConnection } from '../transport/connection';

import { connectStore } from './connect-store';

/** An API whose event stream and snapshot answers the test drives by hand. */
function fakeApi() {
  let listener: ((event: HostEvent) => void) | null = null;
  const calls: string[] = [];
  const answers: ((result: Result<unknown>) => void)[] = [];
  const api: FleetApi = {
    call: <K extends CommandName>(name: K, _args: CommandArgs<K>) => {
      calls.push(name);
      return new Promise((resolve) => answers.push(resolve as (result: Result<unknown>) => void));
    },
    subscribe: (l) => {
      listener = l;
      return () => {
        listener = null;
      };
    },
  };
  return {
    api,
    calls,
    emit: (event: HostEvent) => listener?.(event),
    answer: async (result: Result<unknown>) => {
      answers.shift()?.(result);
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
    get subscribed() {
      return listener !== null;
    },
  };
}

const open = staticConnection({ status: 'open', since: 0 });

describe('connectStore', () => {
  it('U1: feeds the snapshot and then deltas into the store', () => {
    const store = createFleetStore();
    const fake = fakeApi();
    connectStore(fake.api, open, store, { flushIntervalMs: 0 });
    fake.emit(snapshotEvent(1, [server('a'), server('b')]));
    fake.emit(deltasEvent(2, removed('a')));
    expect(store.getState().order).toEqual(['b']);
    expect(fake.calls).toEqual([]);
  });

  it('on a seq gap asks the engine for one fresh snapshot and applies it', async () => {
    const store = createFleetStore();
    const fake = fakeApi();
    connectStore(fake.api, open, store, { flushIntervalMs: 0 });
    fake.emit(snapshotEvent(1, [server('a')]));
    fake.emit(deltasEvent(3));
    fake.emit(deltasEvent(4));
    expect(store.getState().sync).toBe('resyncing');
    expect(fake.calls).toEqual(['fleet.snapshot']);
    await fake.answer({ ok: true, value: snapshot(4, [server('b')]) });
    expect(store.getState()).toMatchObject({ sync: 'live', seq: 4, order: ['b'] });
  });

  it('asks again after a failed resync call', async () => {
    const store = createFleetStore();
    const fake = fakeApi();
    const scheduler = new ManualClock();
    connectStore(fake.api, open, store, { scheduler, resyncRetryMs: 1000, flushIntervalMs: 0 });
    fake.emit(snapshotEvent(1, []));
    fake.emit(deltasEvent(3));
    await fake.answer({ ok: false, error: { code: 'disconnected', message: 'gone' } });
    expect(fake.calls).toHaveLength(1);
    scheduler.advance(1000);
    expect(fake.calls).toHaveLength(2);
  });

  it('U1: coalesces a stream of batches into at most one store update per interval', () => {
    const store = createFleetStore();
    const fake = fakeApi();
    const scheduler = new ManualClock();
    connectStore(fake.api, open, store, { scheduler, flushIntervalMs: 100 });
    let updates = 0;
    store.subscribe(() => updates++);
    fake.emit(snapshotEvent(1, [server('a'), server('b')]));
    // The first event after a quiet spell shows at once.
    expect(store.getState().order).toEqual(['a', 'b']);
    expect(updates).toBe(1);
    for (let seq = 2; seq <= 21; seq++) {
      scheduler.advance(4);
      fake.emit(deltasEvent(seq, upsert(withQueue(server('a'), 1, seq))));
    }
    // 20 batches within 80 ms: nothing more rendered yet, then all of them in one update.
    expect(updates).toBe(1);
    expect(store.getState().seq).toBe(1);
    scheduler.advance(20);
    expect(updates).toBe(2);
    expect(store.getState()).toMatchObject({ seq: 21, sync: 'live' });
    expect(store.getState().byId.a?.queue?.pending).toBe(21);
  });

  it('mirrors the engine connection state into the store', () => {
    const store = createFleetStore();
    let emit: (c: EngineConnection) => void = () => {};
    let current: EngineConnection = { status: 'connecting', attempt: 0 };
    const connection: ConnectionSource = {
      get: () => current,
      subscribe: (l) => {
        emit = l;
        return () => {};
      },
    };
    connectStore(fakeApi().api, connection, store);
    expect(store.getState().connection).toEqual({ status: 'connecting', attempt: 0 });
    current = { status: 'reconnecting', attempt: 1, retryAt: 5000, reason: 'connection lost (1006)' };
    emit(current);
    expect(store.getState().connection).toEqual(current);
  });

  it('stopping unsubscribes from the stream', () => {
    const fake = fakeApi();
    const stop = connectStore(fake.api, open, createFleetStore());
    expect(fake.subscribed).toBe(true);
    stop();
    expect(fake.subscribed).toBe(false);
  });
});
