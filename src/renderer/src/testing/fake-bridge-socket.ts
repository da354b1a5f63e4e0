import type { BridgeServerFrame } from '../../../shared/transport';
import type { BridgeSocket, BridgeSocketHandlers, OpenBridgeSocket } from '../transport/socket';

/** Stands in for the headless host's end of the bridge, one instance per connection attempt. */
export class FakeBridgeSocket implements BridgeSocket {
  readonly sent: unknown[] = [];
  closedByClient = false;

  constructor(
    readonly url: string,
    private readonly handlers: BridgeSocketHandlers,
  ) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.closedByClient = true;
  }

  // Host side:
  open(): void {
    this.handlers.onOpen();
  }

  deliver(frame: BridgeServerFrame): void {
    this.handlers.onMessage(JSON.stringify(frame));
  }

  deliverRaw(data: string): void {
    this.handlers.onMessage(data);
  }

  hostClose(code = 1006, reason = ''): void {
    this.handlers.onClose(code, reason);
  }
}

export function fakeSockets(): { open: OpenBridgeSocket; sockets: FakeBridgeSocket[]; last(): FakeBridgeSocket } {
  const sockets: FakeBridgeSocket[] = [];
  return {
    sockets,
    open: (url, handlers) => {
      const socket = new FakeBridgeSocket(url, handlers);
      sockets.push(socket);
      return socket;
    },
    last: () => {
      const socket = sockets.at(-1);
      if (!socket) throw new Error('no socket was opened');
      return socket;
    },
  };
}
