import { describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/api';
import type { HostEvent } from '../../../shared/fleet';
import type { PreloadBridge } from '../../../shared/transport';
import { deltasEvent, server, snapshot } from '../testing/fixtures';
import { ManualClock } from '../../../../harness/manual-clock';
import { createElectronApi } from './electron-api';

/** A preload bridge whose snapshot answers the test releases by hand. */
function fakeBridge() {
  const log: string[] = [];
  const listeners = new Set<(event: HostEvent) => void>();
  const answers: ((result: Result<unknown>) => void)[] = [];
  const bridge: PreloadBridge = {
    call: (name, args) => {
      log.push(`call ${name} ${JSON.stringify(args)}`);
      return new Promise((resolve) => answers.push(resolve));
    },
    onEvent: (listener) => {
      log.push('onEvent');
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const emit = (event: HostEvent): void => listeners.forEach((l) => l(event));
  const answer = async (result: Result<unknown>): Promise<void> => {
    answers.shift()?.(result);
    await Promise.resolve();
    await Promise.resolve();
  };
  return { bridge, log, listeners, emit, answer };
}

const seqs = (events: HostEvent[]): string[] => events.map((e) => (e.type === 'snapshot' ? `S${e.snapshot.seq}` : `D${e.batch.seq}`));

describe('createElectronApi', () => {
  it('M1: subscribe listens before asking for the snapshot, then delivers it first', async () => {
    const fake = fakeBridge();
    const got: HostEvent[] = [];
    createElectronApi(fake.bridge).subscribe((e) => got.push(e));
    expect(fake.log).toEqual(['onEvent', 'call fleet.snapshot {}']);
    await fake.answer({ ok: true, value: snapshot(3, [server('a')]) });
    expect(seqs(got)).toEqual(['S3']);
  });

  it('M1: drops batches already in the snapshot and keeps those that came early but are newer', async () => {
    const fake = fakeBridge();
    const got: HostEvent[] = [];
    createElectronApi(fake.bridge).subscribe((e) => got.push(e));
    fake.emit(deltasEvent(3));
    fake.emit(deltasEvent(4));
    await fake.answer({ ok: true, value: snapshot(3, []) });
    fake.emit(deltasEvent(3));
    fake.emit(deltasEvent(5));
    expect(seqs(got)).toEqual(['S3', 'D4', 'D5']);
  });

  it('retries the snapshot with backoff when the engine answers with an error', async () => {
    const fake = fakeBridge();
    const scheduler = new ManualClock();
    const got: HostEvent[] = [];
    createElectronApi(fake.bridge, { scheduler, random: () => 0 }).subscribe((e) => got.push(e));
    await fake.answer({ ok: false, error: { code: 'internal', message: 'store busy' } });
    expect(got).toEqual([]);
    scheduler.advance(499);
    expect(fake.log.filter((l) => l.startsWith('call'))).toHaveLength(1);
    scheduler.advance(1);
    expect(fake.log.filter((l) => l.startsWith('call'))).toHaveLength(2);
    await fake.answer({ ok: true, value: snapshot(1, []) });
    expect(seqs(got)).toEqual(['S1']);
  });

  it('unsubscribing stops events and a late snapshot answer', async () => {
    const fake = fakeBridge();
    const got: HostEvent[] = [];
    const stop = createElectronApi(fake.bridge).subscribe((e) => got.push(e));
    stop();
    expect(fake.listeners.size).toBe(0);
    await fake.answer({ ok: true, value: snapshot(1, []) });
    expect(got).toEqual([]);
  });

  it('turns a rejected IPC call into an internal error result', async () => {
    const api = createElectronApi({
      call: () => Promise.reject(new Error('handler exploded')),
      onEvent: () => () => {},
    });
    const result = await api.call('servers.remove', { id: 'x' });
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
