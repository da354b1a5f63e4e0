import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { z } from 'zod';
import type { ApiError, CommandName, Result } from '../shared/api';
import type { HostEvent } from '../shared/fleet';
import { IPC_CHANNELS } from '../shared/transport';
import { commandSchemas } from './engine/api/command-schemas';
import type { Disposable } from './engine/core/disposable';

/** The part of the engine the window reaches: untrusted calls in, events out. */
export interface IpcEngine {
  call(name: string, args: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: HostEvent) => void): Disposable;
}

export interface IpcWiring {
  engine: IpcEngine;
  /** The console window's WebContents: the only sender accepted, the only receiver of events. */
  contents: Pick<WebContents, 'isDestroyed' | 'send' | 'getURL'>;
  isAppUrl(url: string): boolean;
}

export type IpcHandler = (event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, ...payload: unknown[]) => Promise<Result<unknown>>;
export type IpcHandlerTable = Record<typeof IPC_CHANNELS.call, IpcHandler>;

/** Longer than any command name by far; caps what a refusal echoes back. */
const MAX_NAME = 64;

/**
 * The (name, args) envelope of a call. The engine's router checks args per command; this is
 * the shape around them, so garbage is refused in main before it reaches the engine.
 */
export const callEnvelope = z.object({
  name: z
    .string({ error: 'the command name must be a string' })
    .min(1, { error: 'the command name is empty', abort: true })
    .max(MAX_NAME, { error: `the command name is longer than ${MAX_NAME} characters`, abort: true })
    .refine((name) => Object.hasOwn(commandSchemas, name), { error: (issue) => `unknown command ${quote(issue.input)}` }),
  args: z.union([z.undefined(), z.null(), z.record(z.string(), z.unknown())], { error: 'args must be a plain object (or omitted)' }),
});

export type CallEnvelope = { name: CommandName; args: unknown };

/** Parses the invoke payload `(name, args)`; the refusal names what was wrong. */
export function parseCall(payload: readonly unknown[]): { ok: true; value: CallEnvelope } | { ok: false; message: string } {
  if (payload.length < 1 || payload.length > 2) {
    return { ok: false, message: `expected (name, args), got ${payload.length} argument${payload.length === 1 ? '' : 's'}` };
  }
  const parsed = callEnvelope.safeParse({ name: payload[0], args: payload[1] });
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((issue) => issue.message).join('; ') };
  return { ok: true, value: { name: parsed.data.name as CommandName, args: parsed.data.args } };
}

/**
 * E1, after VS Code's ValidatedIpcMain: a call counts only from the console window's top frame
 * while it shows the app's own page. Returns why a sender is refused, or null.
 */
export function senderRefusal(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, wiring: Pick<IpcWiring, 'contents' | 'isAppUrl'>): string | null {
  if (event.sender !== wiring.contents) return 'not the console window';
  if (event.sender.isDestroyed()) return 'the window is closed';
  const frame = readFrame(event);
  if (!frame) return 'the sending frame is gone';
  if (!frame.top) return 'a sub-frame, not the top frame';
  if (!wiring.isAppUrl(frame.url)) return 'not the console page';
  return null;
}

/**
 * A frame that navigated away or was torn down mid-call has no senderFrame, and reading a
 * disposed one throws in Electron: both count as gone.
 */
function readFrame(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): { top: boolean; url: string } | null {
  try {
    const frame = event.senderFrame;
    return frame ? { top: frame.parent === null, url: frame.url } : null;
  } catch {
    return null;
  }
}

function refusal(code: ApiError['code'], channel: string, frameUrl: string | undefined, why: string): Result<never> {
  const from = frameUrl === undefined ? 'an unknown frame' : quote(frameUrl);
  return { ok: false, error: { code, message: `refused ${channel} from ${from}: ${why}` } };
}

/** The IPC channels main answers and their handlers: nothing outside this table is registered. */
export function createIpcHandlers(wiring: IpcWiring): IpcHandlerTable {
  const channel = IPC_CHANNELS.call;
  return {
    [channel]: async (event, ...payload) => {
      const frameUrl = readFrame(event)?.url;
      const refused = senderRefusal(event, wiring);
      if (refused) return refusal('unauthorized', channel, frameUrl, `${refused}. Only the console window's own page may call the engine.`);
      const call = parseCall(payload);
      if (!call.ok) return refusal('bad_request', channel, frameUrl, `${call.message}. Send (name, args) with a known command name and an object of arguments.`);
      try {
        return await wiring.engine.call(call.value.name, call.value.args);
      } catch (err) {
        // engine.call answers with data by contract; this keeps a bug from reaching the renderer as a bare rejection.
        return { ok: false, error: { code: 'internal', message: `${call.value.name} failed unexpectedly: ${err instanceof Error ? err.message : String(err)}` } };
      }
    },
  };
}

/**
 * Wires the engine to one window: the handler table on ipcMain, engine events to the window.
 * Events go only while the window shows the app's page, so a foreign page never receives them.
 */
export function wireEngineToWindow(wiring: IpcWiring, ipc: Pick<IpcMain, 'handle' | 'removeHandler'>): Disposable {
  const table = createIpcHandlers(wiring);
  const channels = Object.keys(table) as (keyof IpcHandlerTable)[];
  for (const channel of channels) ipc.handle(channel, table[channel]);
  const subscription = wiring.engine.onEvent((event) => {
    if (!wiring.contents.isDestroyed() && wiring.isAppUrl(wiring.contents.getURL())) wiring.contents.send(IPC_CHANNELS.event, event);
  });
  return {
    dispose() {
      for (const channel of channels) ipc.removeHandler(channel);
      subscription.dispose();
    },
  };
}

function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
