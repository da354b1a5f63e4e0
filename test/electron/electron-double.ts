import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/**
 * Test doubles for the parts of Electron main uses. The real module cannot load here (its
 * binary is not downloaded), so every test replaces `electron` with these via vi.mock.
 */

/** The `Event` Electron passes to navigation listeners: a URL and preventDefault. */
export function navigationEvent(url: string, extra: Record<string, unknown> = {}) {
  const event = {
    url,
    ...extra,
    defaultPrevented: false,
    preventDefault: vi.fn(() => {
      event.defaultPrevented = true;
    }),
  };
  return event;
}

export class FakeWebContents extends EventEmitter {
  destroyed = false;
  url = '';
  readonly sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;

  constructor(url = '') {
    super();
    this.url = url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.url;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

export function topFrame(url: string): FakeFrame {
  return { url, parent: null };
}

export function subFrame(url: string, parentUrl: string): FakeFrame {
  return { url, parent: topFrame(parentUrl) };
}

type HeadersListener = (details: { url: string; responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void;
type RequestListener = (details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void;

export class FakeSession {
  requestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl: string; isMainFrame: boolean }) => void) | null = null;
  checkHandler: ((contents: unknown, permission: string, origin: string, details: { requestingUrl?: string; isMainFrame: boolean }) => boolean) | null = null;
  headersListener: HeadersListener | null = null;
  beforeRequest: { filter: { urls: string[] }; listener: RequestListener } | null = null;

  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headersListener = listener;
    },
    onBeforeRequest: (filter: { urls: string[] }, listener: RequestListener) => {
      this.beforeRequest = { filter, listener };
    },
  };
  setPermissionRequestHandler(handler: FakeSession['requestHandler']): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['checkHandler']): void {
    this.checkHandler = handler;
  }

  /** What the request handler answers, as Chromium would see it. */
  request(permission: string, requestingUrl: string, isMainFrame = true): Promise<boolean> {
    return new Promise((resolve) => this.requestHandler?.({}, permission, resolve, { requestingUrl, isMainFrame }));
  }
  check(permission: string, requestingUrl: string | undefined, isMainFrame = true): boolean {
    if (!this.checkHandler) throw new Error('no permission check handler installed');
    return this.checkHandler(null, permission, requestingUrl ? new URL(requestingUrl).origin : '', { requestingUrl, isMainFrame });
  }
}

/** ipcMain with handle/removeHandler, and a way to invoke as a renderer would. */
export class FakeIpcMain {
  readonly handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return Promise.resolve(handler(event, ...args));
  }
}
