import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { ipcMain } from 'electron';
import type { Result } from '../shared/api';
import { IPC_CHANNELS } from '../shared/transport';
import type { Engine } from './engine/engine';
import type { Disposable } from './engine/core/disposable';

/**
 * Wires the engine to one window over the two channels of the contract. Calls are accepted only
 * from that window's top frame at the app's own URL (VS Code's ValidatedIpcMain idea); payloads
 * are schema-checked by the engine's command router, and errors come back as data.
 */
export function wireEngineToWindow(engine: Engine, contents: WebContents, isAppUrl: (url: string) => boolean): Disposable {
  const handler = async (event: IpcMainInvokeEvent, name: unknown, args: unknown): Promise<Result<unknown>> => {
    const frame = event.senderFrame;
    if (event.sender !== contents || !frame || frame.parent !== null || !isAppUrl(frame.url)) {
      return { ok: false, error: { code: 'bad_request', message: `refused ${IPC_CHANNELS.call} from ${frame?.url ?? 'an unknown frame'}: not the console window` } };
    }
    return engine.call(typeof name === 'string' ? name : String(name), args);
  };
  ipcMain.handle(IPC_CHANNELS.call, handler);
  const subscription = engine.onEvent((event) => {
    if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.event, event);
  });
  return {
    dispose() {
      ipcMain.removeHandler(IPC_CHANNELS.call);
      subscription.dispose();
    },
  };
}
