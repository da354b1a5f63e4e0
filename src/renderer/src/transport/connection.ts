/**
 * The renderer's link to the engine, as the UI shows it. Electron IPC is always `open`; the
 * headless WebSocket bridge moves through all three:
 *
 *   connecting ──open──▶ open ──close──▶ reconnecting ──timer──▶ connecting
 *        └──────────────fail/timeout──────────▲
 */
export type EngineConnection =
  | { status: 'connecting'; attempt: number }
  | { status: 'open'; since: number }
  | { status: 'reconnecting'; attempt: number; retryAt: number; reason: string };

/** A readable, observable value: what the store binds to. */
export interface ConnectionSource {
  get(): EngineConnection;
  subscribe(listener: (connection: EngineConnection) => void): () => void;
}

export function staticConnection(connection: EngineConnection): ConnectionSource {
  return { get: () => connection, subscribe: () => () => {} };
}
