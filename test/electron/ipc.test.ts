import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../src/shared/api';
import type { HostEvent } from '../../src/shared/fleet';
import { IPC_CHANNELS } from '../../src/shared/transport';
import { createAppUrl } from '../../src/main/app-url';
import { commandSchemas } from '../../src/main/engine/api/command-schemas';
import { Engine } from '../../src/main/engine/engine';
import { createIpcHandlers, parseCall, wireEngineToWindow } from '../../src/main/ipc';
import type { IpcEngine } from '../../src/main/ipc';
import { FakeIpcMain, FakeWebContents, subFrame, topFrame } from './electron-double';

vi.mock('electron', () => ({}));

const app = createAppUrl({ indexFile: '/app/out/renderer/index.html' });
const APP = `${app.url}#/fleet`;
const CALL = IPC_CHANNELS.call;

const engines: Engine[] = [];
afterEach(() => {
  for (const engine of engines.splice(0)) engine.dispose();
});

function realEngine(): Engine {
  const engine = new Engine({ log: () => {} });
  engines.push(engine);
  return engine;
}

/** An engine that records what reaches it. */
function recordingEngine() {
  const calls: { name: string; args: unknown }[] = [];
  const listeners: ((event: HostEvent) => void)[] = [];
  const engine: IpcEngine = {
    call: async (name, args) => {
      calls.push({ name, args });
      return { ok: true, value: 'reached' };
    },
    onEvent: (listener) => {
      listeners.push(listener);
      return { dispose: () => listeners.splice(listeners.indexOf(listener), 1) };
    },
  };
  return { engine, calls, listeners };
}

function setup(engine: IpcEngine = recordingEngine().engine) {
  const contents = new FakeWebContents(APP);
  const ipc = new FakeIpcMain();
  const wiring = wireEngineToWindow({ engine, contents: contents as never, isAppUrl: app.isAppUrl }, ipc as never);
  const fromWindow = (frame = topFrame(APP)) => ({ sender: contents, senderFrame: frame });
  return { contents, ipc, wiring, fromWindow, invoke: (event: unknown, ...args: unknown[]) => ipc.invoke(CALL, event, ...args) as Promise<Result<unknown>> };
}

function refusedWith(result: Result<unknown>, code: string): string {
  if (result.ok) throw new Error(`expected a refusal with ${code}, got ${JSON.stringify(result)}`);
  expect(result.error.code).toBe(code);
  return result.error.message;
}

describe('IPC handler table', () => {
  it('answers exactly the call channel of the contract', () => {
    const table = createIpcHandlers({ engine: recordingEngine().engine, contents: new FakeWebContents(APP) as never, isAppUrl: app.isAppUrl });
    expect(Object.keys(table)).toEqual([IPC_CHANNELS.call]);
  });

  it('registers its channels on ipcMain and removes them on dispose', () => {
    const { ipc, wiring } = setup();
    expect([...ipc.handlers.keys()]).toEqual([CALL]);
    wiring.dispose();
    expect(ipc.handlers.size).toBe(0);
  });
});

describe('IPC sender check', () => {
  it('a call from the console page reaches a real engine (no ledger) and its answer comes back', async () => {
    const { invoke, fromWindow } = setup(realEngine());
    const result = await invoke(fromWindow(), 'fleet.snapshot', {});
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toMatchObject({ seq: 0, servers: [], locks: [] });
    expect(await invoke(fromWindow(), 'log.setVerbose', { verbose: true })).toEqual({ ok: true, value: { verbose: true } });
  });

  it('another WebContents is refused as unauthorized, naming the channel and its frame', async () => {
    const { invoke } = setup();
    const other = new FakeWebContents(APP);
    const message = refusedWith(await invoke({ sender: other, senderFrame: topFrame(APP) }, 'fleet.snapshot', {}), 'unauthorized');
    expect(message).toContain(CALL);
    expect(message).toContain(JSON.stringify(APP));
    expect(message).toMatch(/not the console window/);
  });

  it('a sub-frame of the console window is refused, even at the app URL', async () => {
    const { invoke, contents } = setup();
    const message = refusedWith(await invoke({ sender: contents, senderFrame: subFrame(APP, APP) }, 'fleet.snapshot', {}), 'unauthorized');
    expect(message).toMatch(/sub-frame/);
  });

  it('the top frame at a foreign URL is refused and the URL is named', async () => {
    const { invoke, fromWindow } = setup();
    const message = refusedWith(await invoke(fromWindow(topFrame('https://evil.example/x')), 'fleet.snapshot', {}), 'unauthorized');
    expect(message).toContain('"https://evil.example/x"');
    expect(message).toMatch(/not the console page/);
  });

  it('a destroyed window, a missing frame and a frame that throws when read are refused', async () => {
    const { invoke, contents, fromWindow } = setup();
    expect(refusedWith(await invoke({ sender: contents, senderFrame: null }, 'fleet.snapshot', {}), 'unauthorized')).toMatch(/an unknown frame: the sending frame is gone/);
    const disposed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      parent: null,
    };
    expect(refusedWith(await invoke({ sender: contents, senderFrame: disposed }, 'fleet.snapshot', {}), 'unauthorized')).toMatch(/frame is gone/);
    contents.destroyed = true;
    expect(refusedWith(await invoke(fromWindow(), 'fleet.snapshot', {}), 'unauthorized')).toMatch(/window is closed/);
  });

  it('nothing refused reaches the engine', async () => {
    const recording = recordingEngine();
    const { invoke, contents } = setup(recording.engine);
    await invoke({ sender: new FakeWebContents(APP), senderFrame: topFrame(APP) }, 'fleet.snapshot', {});
    await invoke({ sender: contents, senderFrame: subFrame(APP, APP) }, 'fleet.snapshot', {});
    await invoke({ sender: contents, senderFrame: topFrame('https://evil.example/') }, 'fleet.snapshot', {});
    await invoke({ sender: contents, senderFrame: topFrame(APP) }, 42, {});
    expect(recording.calls).toEqual([]);
  });
});

describe('IPC payload validation', () => {
  const bad: [string, unknown[], RegExp][] = [
    ['a non-string name', [42, {}], /command name must be a string/],
    ['no name at all', [], /expected \(name, args\), got 0 arguments/],
    ['a huge name', ['x'.repeat(1_000_000), {}], /^refused .*: the command name is longer than 64 characters\. Send/],
    ['an empty name', ['', {}], /: the command name is empty\. Send/],
    ['an unknown command', ['fs.readFile', {}], /unknown command "fs.readFile"/],
    ['an inherited property as a name', ['__proto__', {}], /unknown command "__proto__"/],
    ['an extra argument', ['fleet.snapshot', {}, 'extra'], /got 3 arguments/],
    ['args as an array', ['fleet.snapshot', []], /args must be a plain object/],
    ['args as a string', ['fleet.snapshot', 'x'.repeat(100_000)], /args must be a plain object/],
    ['args as a Map', ['fleet.snapshot', new Map([['a', 1]])], /args must be a plain object/],
  ];
  for (const [what, payload, message] of bad) {
    it(`refuses ${what} as bad_request before the engine sees it`, async () => {
      const recording = recordingEngine();
      const { invoke, fromWindow } = setup(recording.engine);
      const text = refusedWith(await invoke(fromWindow(), ...payload), 'bad_request');
      expect(text).toMatch(message);
      expect(text).toContain(CALL);
      // A refusal echoes at most a short prefix of what it was sent.
      expect(text.length).toBeLessThan(600);
      expect(recording.calls).toEqual([]);
    });
  }

  it('passes every known command name, with or without args', () => {
    for (const name of Object.keys(commandSchemas)) {
      expect(parseCall([name, {}]).ok, name).toBe(true);
      expect(parseCall([name]).ok, name).toBe(true);
    }
  });

  it("the engine's router then checks each command's arguments (zod, strict objects)", async () => {
    const { invoke, fromWindow } = setup(realEngine());
    expect(refusedWith(await invoke(fromWindow(), 'servers.series', { id: 'srv-1', window: '1y' }), 'bad_request')).toMatch(/servers\.series/);
    expect(refusedWith(await invoke(fromWindow(), 'fleet.snapshot', { extra: 1 }), 'bad_request')).toMatch(/fleet\.snapshot/);
    expect(refusedWith(await invoke(fromWindow(), 'servers.add', { url: 'x'.repeat(5000) }), 'bad_request')).toMatch(/servers\.add/);
    expect(refusedWith(await invoke(fromWindow(), 'log.setVerbose', { verbose: 'yes' }), 'bad_request')).toMatch(/log\.setVerbose/);
  });

  it('an engine that throws still answers with data', async () => {
    const engine: IpcEngine = {
      call: () => Promise.reject(new Error('boom')),
      onEvent: () => ({ dispose() {} }),
    };
    const { invoke, fromWindow } = setup(engine);
    expect(refusedWith(await invoke(fromWindow(), 'fleet.snapshot', {}), 'internal')).toMatch(/fleet\.snapshot failed unexpectedly: boom/);
  });
});

describe('IPC events', () => {
  const event: HostEvent = { type: 'deltas', batch: { seq: 1, at: 0, deltas: [] } };

  it('go to the console window on the event channel while it shows the app', () => {
    const recording = recordingEngine();
    const { contents, wiring } = setup(recording.engine);
    recording.listeners.forEach((listener) => listener(event));
    expect(contents.sent).toEqual([{ channel: IPC_CHANNELS.event, payload: event }]);
    wiring.dispose();
    expect(recording.listeners).toEqual([]);
  });

  it('are held back from a destroyed window and from a foreign page', () => {
    const recording = recordingEngine();
    const { contents } = setup(recording.engine);
    contents.url = 'https://evil.example/';
    recording.listeners.forEach((listener) => listener(event));
    contents.url = APP;
    contents.destroyed = true;
    recording.listeners.forEach((listener) => listener(event));
    expect(contents.sent).toEqual([]);
  });
});
