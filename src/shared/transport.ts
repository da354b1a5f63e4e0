import type { CommandName, Result } from './api';
import type { HostEvent } from './fleet';

/** Electron IPC channel names: the only two the preload forwards and main accepts. */
export const IPC_CHANNELS = {
  /** renderer → main, `invoke(call, name, args)` → Result */
  call: 'comfyfleet:call',
  /** main → renderer, one HostEvent per message */
  event: 'comfyfleet:event',
} as const;

/** Path of the headless host's WebSocket bridge. */
export const BRIDGE_PATH = '/bridge';

/** Headless bridge frames, client → host. */
export interface BridgeCall {
  kind: 'call';
  id: number;
  name: CommandName;
  args: unknown;
}

/** Headless bridge frames, host → client. On connect the host sends a snapshot event first. */
export type BridgeServerFrame = { kind: 'result'; id: number; result: Result<unknown> } | { kind: 'event'; event: HostEvent };

/**
 * What the preload exposes as `window.comfyfleet`: the raw transport, not ipcRenderer.
 * The renderer wraps it into a FleetApi.
 */
export interface PreloadBridge {
  call(name: CommandName, args: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: HostEvent) => void): () => void;
}
