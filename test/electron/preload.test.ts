import type { EventEmitter } from 'node:events';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { HostEvent } from '../../src/shared/fleet';
import type { PreloadBridge } from '../../src/shared/transport';
import { IPC_CHANNELS } from '../../src/shared/transport';

/** contextBridge and ipcRenderer doubles; what the preload touches is recorded. */
const electron = vi.hoisted(() => {
  const exposed: { key: string; api: unknown }[] = [];
  const invoked: { channel: string; args: unknown[] }[] = [];
  /** Every ipcRenderer method the preload called, with its channel. */
  const touched: { method: string; channel: unknown }[] = [];
  return { exposed, invoked, touched };
});
const renderer = vi.hoisted(() => ({ emitter: null as EventEmitter | null }));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const emitter = new Emitter();
  renderer.emitter = emitter;
  const methods: Record<string, (channel: string, ...rest: unknown[]) => unknown> = {
    invoke: (channel, ...args) => {
      electron.invoked.push({ channel, args });
      return Promise.resolve({ ok: true, value: null });
    },
    on: (channel, listener) => emitter.on(channel, listener as (...args: unknown[]) => void),
    removeListener: (channel, listener) => emitter.removeListener(channel, listener as (...args: unknown[]) => void),
  };
  return {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => electron.exposed.push({ key, api }),
    },
    ipcRenderer: new Proxy(methods, {
      get: (target, method: string) => (channel: string, ...rest: unknown[]) => {
        electron.touched.push({ method, channel });
        const real = target[method];
        if (!real) throw new Error(`the preload called ipcRenderer.${method}, which it has no business using`);
        return real(channel, ...rest);
      },
    }),
  };
});

let bridge: PreloadBridge;
beforeAll(async () => {
  await import('../../src/preload/index');
  bridge = electron.exposed[0]?.api as PreloadBridge;
});

const snapshot = { type: 'deltas', batch: { seq: 3, at: 0, deltas: [] } } as HostEvent;

describe('preload (M1, E1)', () => {
  it('exposes one object, window.comfyfleet, with exactly call and onEvent', () => {
    expect(electron.exposed.map((entry) => entry.key)).toEqual(['comfyfleet']);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'onEvent']);
    expect(typeof bridge.call).toBe('function');
    expect(typeof bridge.onEvent).toBe('function');
  });

  it('call invokes the call channel with (name, args) and nothing else', async () => {
    await bridge.call('fleet.snapshot', {});
    expect(electron.invoked).toEqual([{ channel: IPC_CHANNELS.call, args: ['fleet.snapshot', {}] }]);
  });

  it('onEvent listens on the event channel only and hands over the event, never the IpcRendererEvent', () => {
    const emitter = renderer.emitter!;
    const seen: unknown[][] = [];
    const stop = bridge.onEvent((...args: unknown[]) => seen.push(args));
    expect(emitter.eventNames()).toEqual([IPC_CHANNELS.event]);
    emitter.emit(IPC_CHANNELS.event, { sender: 'ipcRenderer itself' }, snapshot);
    expect(seen).toEqual([[snapshot]]);
    stop();
  });

  it("onEvent's unsubscribe removes its listener and only its own", () => {
    const emitter = renderer.emitter!;
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = bridge.onEvent(first);
    const stopSecond = bridge.onEvent(second);
    expect(emitter.listenerCount(IPC_CHANNELS.event)).toBe(2);
    stopFirst();
    expect(emitter.listenerCount(IPC_CHANNELS.event)).toBe(1);
    emitter.emit(IPC_CHANNELS.event, {}, snapshot);
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledWith(snapshot);
    stopSecond();
    expect(emitter.listenerCount(IPC_CHANNELS.event)).toBe(0);
  });

  it('uses only the two channels of the contract, through invoke/on/removeListener', async () => {
    await bridge.call('tasks.counts', {});
    bridge.onEvent(() => {})();
    expect(electron.touched.length).toBeGreaterThan(0);
    for (const { method, channel } of electron.touched) {
      expect(['invoke', 'on', 'removeListener']).toContain(method);
      expect(Object.values(IPC_CHANNELS)).toContain(channel);
    }
  });
});
