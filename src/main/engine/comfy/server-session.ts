import WebSocket from 'ws';
import type { SocketClose, SocketView } from '../../../shared/fleet';
import type { Clock, Random, TimerHandle } from '../core/clock';
import type { Disposable } from '../core/disposable';
import { Emitter } from '../core/emitter';
import type { BackoffOptions } from './backoff';
import { DEFAULT_BACKOFF, reconnectDelay } from './backoff';
import { classifyClose } from './close-codes';
import type { BinaryFrame } from './binary-frames';
import { parseBinaryFrame } from './binary-frames';
import type { KnownFrame } from './ws-frames';
import { parseTextFrame } from './ws-frames';

export interface ServerSessionOptions {
  /** Name for messages. */
  serverName: string;
  /** http(s) base URL of the ComfyUI server. */
  baseUrl: string;
  /** The console's own clientId: job events for prompts submitted with it arrive on this socket. */
  clientId: string;
  clock: Clock;
  random: Random;
  backoff?: Partial<BackoffOptions>;
}

export interface SessionCounters {
  framesReceived: number;
  binaryFrames: number;
  /** Frames of a type this console does not know (text or binary): counted and ignored, never fatal. */
  unknownFrames: number;
  invalidFrames: number;
  connects: number;
}

/**
 *  connecting ──open──▶ open ──close──▶ closed ──(backoff)──▶ connecting
 *      │                                  ▲
 *      └────── error / handshake timeout ─┘
 *
 * One WebSocket to one ComfyUI server. There is never more than one live socket: a new one is
 * opened only after the previous one has fully closed, because ComfyUI unregisters the new
 * socket of a sid when the old one's cleanup runs (the reconnect pitfall, protocol doc §2).
 */
export class ServerSession implements Disposable {
  private readonly opts: BackoffOptions;
  private socket: WebSocket | null = null;
  private reconnectTimer: TimerHandle | null = null;
  private handshakeTimer: TimerHandle | null = null;
  private uptimeTimer: TimerHandle | null = null;
  private disposed = false;
  private view: SocketView;

  private readonly onStateEmitter = new Emitter<SocketView>();
  private readonly onFrameEmitter = new Emitter<KnownFrame>();
  private readonly onInvalidEmitter = new Emitter<string>();
  private readonly onBinaryEmitter = new Emitter<Extract<BinaryFrame, { kind: 'preview' | 'text' }>>();
  /** Fires on every state change of the socket. */
  readonly onState = this.onStateEmitter.event;
  /** Fires for every schema-valid text frame. */
  readonly onFrame = this.onFrameEmitter.event;
  /** Fires for frames that failed their schema, with a message naming the server. */
  readonly onInvalidFrame = this.onInvalidEmitter.event;
  /** Fires for binary preview images (events 1 and 4) and progress texts (event 3). */
  readonly onBinaryFrame = this.onBinaryEmitter.event;

  readonly counters: SessionCounters = { framesReceived: 0, binaryFrames: 0, unknownFrames: 0, invalidFrames: 0, connects: 0 };

  constructor(private readonly options: ServerSessionOptions) {
    this.opts = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.view = {
      state: 'closed',
      clientId: options.clientId,
      connectedAt: null,
      lastClose: null,
      reconnectAttempt: 0,
      nextAttemptAt: null,
    };
  }

  get state(): SocketView {
    return this.view;
  }

  start(): void {
    if (this.disposed || this.socket || this.reconnectTimer) return;
    this.open();
  }

  private open(): void {
    const { clock } = this.options;
    this.reconnectTimer = null;
    const url = wsUrl(this.options.baseUrl, this.options.clientId);
    // No Origin header: ComfyUI's CSRF guard refuses a loopback Host with a mismatched Origin.
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    this.socket = ws;
    this.update({ state: 'connecting', nextAttemptAt: null });

    this.handshakeTimer = clock.setTimeout(() => {
      this.handshakeTimer = null;
      // terminate() makes ws emit close 1006, which schedules the retry.
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    }, this.opts.connectTimeoutMs);

    ws.on('open', () => {
      this.clearHandshakeTimer();
      this.counters.connects++;
      // Must be the first message: previews then come as event 4, naming the prompt they belong to.
      ws.send(FEATURE_FLAGS);
      this.update({ state: 'open', connectedAt: clock.now() });
      // Only a connection that stays up resets the backoff; a flapping server keeps backing off.
      this.uptimeTimer = clock.setTimeout(() => {
        this.uptimeTimer = null;
        this.update({ reconnectAttempt: 0 });
      }, this.opts.minUptimeMs);
    });
    ws.on('message', (data, isBinary) => {
      this.counters.framesReceived++;
      if (isBinary) {
        this.counters.binaryFrames++;
        this.handleBinary(toBytes(data));
        return;
      }
      this.handleText(data.toString());
    });
    // ws emits 'close' after 'error'; the error itself only needs to be kept from crashing us.
    ws.on('error', () => undefined);
    ws.on('close', (code, reasonBuf) => this.handleClose(ws, code, reasonBuf.toString()));
  }

  private handleText(text: string): void {
    const parsed = parseTextFrame(text);
    switch (parsed.kind) {
      case 'known':
        this.onFrameEmitter.fire(parsed.frame);
        return;
      case 'unknown':
        this.counters.unknownFrames++;
        return;
      case 'invalid':
        this.counters.invalidFrames++;
        this.onInvalidEmitter.fire(`server "${this.options.serverName}" sent an invalid WebSocket frame: ${parsed.error}`);
        return;
    }
  }

  private handleBinary(bytes: Uint8Array): void {
    const frame = parseBinaryFrame(bytes);
    switch (frame.kind) {
      case 'preview':
      case 'text':
        this.onBinaryEmitter.fire(frame);
        return;
      case 'unknown':
        this.counters.unknownFrames++;
        return;
      case 'invalid':
        this.counters.invalidFrames++;
        this.onInvalidEmitter.fire(`server "${this.options.serverName}" sent an invalid binary frame: ${frame.reason}`);
        return;
    }
  }

  private handleClose(ws: WebSocket, code: number, reason: string): void {
    if (this.socket !== ws) return;
    this.clearTimers();
    this.socket = null;
    const { clock } = this.options;
    const now = clock.now();
    const attempt = this.view.reconnectAttempt + 1;
    const lastClose: SocketClose = {
      code,
      kind: classifyClose(code),
      reason: reason || (this.view.state === 'connecting' ? 'connection failed' : ''),
      at: now,
    };
    if (this.disposed) {
      this.update({ state: 'closed', connectedAt: null, lastClose, nextAttemptAt: null });
      return;
    }
    const delay = reconnectDelay(attempt - 1, this.opts, this.options.random);
    this.reconnectTimer = clock.setTimeout(() => this.open(), delay);
    this.update({ state: 'closed', connectedAt: null, lastClose, reconnectAttempt: attempt, nextAttemptAt: now + delay });
  }

  private clearHandshakeTimer(): void {
    if (this.handshakeTimer) this.options.clock.clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
  }

  private clearTimers(): void {
    this.clearHandshakeTimer();
    if (this.uptimeTimer) this.options.clock.clearTimeout(this.uptimeTimer);
    this.uptimeTimer = null;
  }

  private update(patch: Partial<SocketView>): void {
    this.view = { ...this.view, ...patch };
    this.onStateEmitter.fire(this.view);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.reconnectTimer) this.options.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.clearTimers();
    const ws = this.socket;
    if (ws) {
      if (ws.readyState === WebSocket.OPEN) {
        ws.close(1000, 'console closing');
        // A hung server may never answer the close handshake; don't leave the socket behind.
        this.options.clock.setTimeout(() => ws.terminate(), 1_000);
      } else {
        ws.terminate();
      }
    }
    this.onStateEmitter.dispose();
    this.onFrameEmitter.dispose();
    this.onInvalidEmitter.dispose();
    this.onBinaryEmitter.dispose();
  }
}

const FEATURE_FLAGS = JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } });

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

export function wsUrl(baseUrl: string, clientId: string): string {
  const u = new URL(baseUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = `${u.pathname.replace(/\/$/, '')}/ws`;
  u.search = `?clientId=${encodeURIComponent(clientId)}`;
  return u.toString();
}
