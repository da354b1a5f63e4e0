import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isDict, parseJson, toPyJson, type Dict } from './py-json';

/**
 * The WebSocket side of `PromptServer`: a registry sid → socket that decides who receives
 * what. Faithful to server.py, including the reconnect pitfall: a second socket with the
 * same sid replaces the first in the registry without closing it, and when the first one
 * later closes its cleanup removes the sid, silently orphaning the second.
 */

/** `comfy_api.feature_flags.SERVER_FEATURE_FLAGS`. */
export const SERVER_FEATURES = { supports_preview_metadata: true, max_upload_size: 104857600 } as const;

export const BinaryEvent = { PREVIEW_IMAGE: 1, TEXT: 3, PREVIEW_IMAGE_WITH_METADATA: 4 } as const;

export interface HubSource {
  /** `get_queue_info()` for the first frame. */
  queueInfo(): Dict;
  /** `server.client_id` / `server.last_node_id`, for the reconnect `executing` frame. */
  currentClient(): { clientId: string | null; lastNodeId: string | null };
  /** True while frames must be swallowed (the `stall` fault). */
  muted(): boolean;
}

export class WsHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  private readonly sockets = new Map<string, WebSocket>();
  private readonly metadata = new Map<string, Dict>();

  constructor(private readonly source: HubSource) {}

  /** Completes an upgrade on `/ws` or `/api/ws` (checks happen in the HTTP layer). */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, clientId: string | null): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onOpen(ws, clientId));
  }

  private onOpen(ws: WebSocket, clientId: string | null): void {
    let sid = clientId ?? '';
    if (sid) this.sockets.delete(sid);
    else sid = randomUUID().replace(/-/g, '');
    this.sockets.set(sid, ws);
    this.metadata.set(sid, { feature_flags: {} });

    ws.on('error', () => undefined);
    this.send('status', { status: this.source.queueInfo(), sid }, sid);
    const { clientId: running, lastNodeId } = this.source.currentClient();
    if (running === sid && lastNodeId !== null) this.send('executing', { node: lastNodeId }, sid);

    let firstMessage = true;
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return;
      let data: unknown;
      try {
        data = parseJson(raw.toString());
      } catch {
        return;
      }
      if (!isDict(data)) return;
      if (firstMessage && data['type'] === 'feature_flags') {
        const flags = data['data'] ?? {};
        const meta = this.metadata.get(sid);
        if (meta) meta['feature_flags'] = flags;
        this.send('feature_flags', { ...SERVER_FEATURES }, sid);
      }
      firstMessage = false;
    });
    ws.on('close', () => {
      // Upstream pops by sid, whoever holds it now: this is the reconnect pitfall.
      this.sockets.delete(sid);
      this.metadata.delete(sid);
    });
  }

  private targets(sid: string | null): WebSocket[] {
    if (this.source.muted()) return [];
    if (sid === null) return [...this.sockets.values()];
    const ws = this.sockets.get(sid);
    return ws ? [ws] : [];
  }

  /** `send_json`: to one sid, or to every registered socket when `sid` is null. */
  send(event: string, data: unknown, sid: string | null): void {
    const targets = this.targets(sid);
    if (targets.length === 0) return;
    const text = toPyJson({ type: event, data });
    for (const ws of targets) if (ws.readyState === ws.OPEN) ws.send(text);
  }

  /** `send_bytes`: `[u32 event][payload]`. */
  sendBinary(event: number, payload: Buffer, sid: string | null): void {
    const targets = this.targets(sid);
    if (targets.length === 0) return;
    const head = Buffer.alloc(4);
    head.writeUInt32BE(event, 0);
    const message = Buffer.concat([head, payload]);
    for (const ws of targets) if (ws.readyState === ws.OPEN) ws.send(message);
  }

  /** `feature_flags.supports_feature(sockets_metadata, sid, name)`. */
  supportsFeature(sid: string | null, name: string): boolean {
    if (sid === null) return false;
    const flags = this.metadata.get(sid)?.['feature_flags'];
    return isDict(flags) && flags[name] === true;
  }

  /** Open connections, registered or not. */
  connectionCount(): number {
    return this.wss.clients.size;
  }

  /** Kills every socket without a close frame: clients observe 1006. */
  terminateAll(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }

  close(): void {
    this.terminateAll();
    this.wss.close();
  }
}
