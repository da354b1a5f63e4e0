/** What the bridge client needs from a WebSocket; tests pass a fake. */
export interface BridgeSocketHandlers {
  onOpen(): void;
  onMessage(data: string): void;
  onClose(code: number, reason: string): void;
}

export interface BridgeSocket {
  send(data: string): void;
  /** Detaches the handlers first: a closed socket never reports again. */
  close(): void;
}

export type OpenBridgeSocket = (url: string, handlers: BridgeSocketHandlers) => BridgeSocket;

export const openBrowserSocket: OpenBridgeSocket = (url, handlers) => {
  const socket = new WebSocket(url);
  socket.onopen = () => handlers.onOpen();
  socket.onmessage = (event) => {
    if (typeof event.data === 'string') handlers.onMessage(event.data);
  };
  // A failed connection fires error then close; close alone carries what the UI needs.
  socket.onclose = (event) => handlers.onClose(event.code, event.reason);
  return {
    send: (data) => socket.send(data),
    close: () => {
      socket.onopen = socket.onmessage = socket.onclose = null;
      if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) socket.close(1000, 'client closing');
    },
  };
};
