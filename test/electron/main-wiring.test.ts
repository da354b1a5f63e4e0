import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../src/shared/api';
import { IPC_CHANNELS } from '../../src/shared/transport';
import { CONTENT_SECURITY_POLICY, consoleWebPreferences } from '../../src/main/window-options';
import type { FakeIpcMain, FakeSession, FakeWebContents } from './electron-double';
import { navigationEvent, topFrame } from './electron-double';

/**
 * src/main/index.ts against an Electron double: what the real shell does at start-up, with a
 * real engine and ledger in a throwaway userData folder.
 */
const shell = vi.hoisted(() => ({
  userData: '',
  windows: [] as { options: { webPreferences?: Record<string, unknown> }; webContents: FakeWebContents; loaded: string[] }[],
  app: null as (EventEmitter & { quitCalls: number; exitCode: number | null; sandboxedEverywhere: boolean }) | null,
  ipcMain: null as FakeIpcMain | null,
  session: null as FakeSession | null,
  opened: [] as string[],
}));

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  const double = await import('./electron-double');
  const app = Object.assign(new EventEmitter(), {
    quitCalls: 0,
    exitCode: null as number | null,
    sandboxedEverywhere: false,
    enableSandbox() {
      app.sandboxedEverywhere = true;
    },
    isPackaged: false,
    whenReady: () => Promise.resolve(),
    getPath: (name: string) => {
      if (name !== 'userData') throw new Error(`main asked for app.getPath(${name}); only userData is expected`);
      return shell.userData;
    },
    quit() {
      app.quitCalls++;
    },
    exit(code: number) {
      app.exitCode = code;
    },
  });
  shell.app = app;
  shell.ipcMain = new double.FakeIpcMain();
  shell.session = new double.FakeSession();
  class BrowserWindow extends EventEmitter {
    readonly webContents: InstanceType<typeof double.FakeWebContents>;
    readonly loaded: string[] = [];
    constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
      super();
      this.webContents = new double.FakeWebContents();
      // Electron announces every new WebContents on the app; the guards hang off that.
      app.emit('web-contents-created', {}, this.webContents);
      shell.windows.push(this);
    }
    show() {}
    async loadURL(url: string) {
      this.loaded.push(url);
      this.webContents.url = url;
    }
  }
  return {
    app,
    BrowserWindow,
    ipcMain: shell.ipcMain,
    session: { defaultSession: shell.session },
    shell: { openExternal: async (url: string) => void shell.opened.push(url) },
  };
});

const argv = process.argv;
beforeAll(async () => {
  shell.userData = mkdtempSync(join(tmpdir(), 'comfyfleet-userdata-'));
  delete process.env['ELECTRON_RENDERER_URL'];
  process.argv = ['electron', '.'];
  await import('../../src/main/index');
  await vi.waitFor(() => expect(shell.windows[0]?.loaded.length).toBe(1), { timeout: 10_000 });
});

afterAll(async () => {
  process.argv = argv;
  shell.app?.emit('window-all-closed');
  await vi.waitFor(() => expect(shell.app?.quitCalls).toBe(1), { timeout: 10_000 });
  rmSync(shell.userData, { recursive: true, force: true });
});

describe('Electron main (M1, E1) against a double', () => {
  it('starts without error and opens one window on the built index.html', () => {
    expect(shell.app?.exitCode).toBeNull();
    expect(shell.windows).toHaveLength(1);
    expect(shell.windows[0]?.loaded[0]).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
  });

  it('sandboxes every renderer, not only the console window', () => {
    expect(shell.app?.sandboxedEverywhere).toBe(true);
  });

  it('creates the window with the E1 options and the built preload', () => {
    const prefs = shell.windows[0]?.options.webPreferences ?? {};
    expect(prefs['preload']).toMatch(/[/\\]preload[/\\]index\.js$/);
    expect(prefs).toEqual(consoleWebPreferences(prefs['preload'] as string));
  });

  it('keeps the ledger in <userData>/data', () => {
    expect(existsSync(join(shell.userData, 'data', 'ledger.sqlite'))).toBe(true);
  });

  it('installs the permission policy, the CSP header and the remote-request block on the session', async () => {
    const session = shell.session!;
    const page = shell.windows[0]!.loaded[0]!;
    expect(await session.request('notifications', page)).toBe(true);
    expect(await session.request('media', page)).toBe(false);
    const answer = vi.fn();
    session.headersListener?.({ url: 'http://localhost:5173/', responseHeaders: {} }, answer);
    expect(answer).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    const cancel = vi.fn();
    session.beforeRequest?.listener({ url: 'https://cdn.example/x.js' }, cancel);
    expect(cancel).toHaveBeenCalledWith({ cancel: true });
  });

  it('guards the window: navigation away is stopped, window.open denied, https handed to the browser', () => {
    const contents = shell.windows[0]!.webContents;
    const away = navigationEvent('https://evil.example/');
    contents.emit('will-navigate', away, away.url);
    expect(away.preventDefault).toHaveBeenCalled();
    expect(contents.windowOpenHandler?.({ url: 'https://docs.comfy.org/' })).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual(['https://docs.comfy.org/']);
  });

  it('answers the console page over IPC from the real engine, and refuses anyone else', async () => {
    const contents = shell.windows[0]!.webContents;
    const ipc = shell.ipcMain!;
    expect([...ipc.handlers.keys()]).toEqual([IPC_CHANNELS.call]);
    const counts = (await ipc.invoke(IPC_CHANNELS.call, { sender: contents, senderFrame: topFrame(contents.url) }, 'tasks.counts', {})) as Result<unknown>;
    expect(counts.ok).toBe(true);
    const foreign = (await ipc.invoke(IPC_CHANNELS.call, { sender: contents, senderFrame: topFrame('https://evil.example/') }, 'tasks.counts', {})) as Result<unknown>;
    expect(foreign).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });
});
