import type { Page, WebSocketRoute } from '@playwright/test';

/**
 * Stands between a page and the headless host's engine bridge (`/bridge`), so a test decides
 * when the page's engine link opens and when it drops, whatever the machine's speed:
 *
 * - while the gate is shut, each connection the page opens waits (its socket stays
 *   "connecting", as when the host is slow to answer or not listening yet);
 * - while it is open, connections go through to the host unchanged;
 * - `cut()` shuts it and closes the connections that are up, as a host going away does.
 *
 * Routed with `page.routeWebSocket`, so it must be installed before the page loads.
 */
export interface BridgeGate {
  /** Bridge connections the page has asked for so far (waiting or through). */
  attempts(): number;
  open(): void;
  cut(): Promise<void>;
}

export async function gateBridge(page: Page, options: { open: boolean }): Promise<BridgeGate> {
  let isOpen = options.open;
  let release = (): void => {};
  let opened = new Promise<void>((resolve) => (release = resolve));
  let attempts = 0;
  const through = new Set<WebSocketRoute>();

  await page.routeWebSocket(/\/bridge(\?|$)/, async (ws) => {
    attempts += 1;
    let pageGone = false;
    let server: WebSocketRoute | null = null;
    // The page gave up waiting (its connect timeout) or closed: nothing to connect any more.
    ws.onClose((code, reason) => {
      pageGone = true;
      through.delete(ws);
      void server?.close({ code, reason });
    });
    while (!isOpen) await opened;
    if (pageGone) return;
    server = ws.connectToServer();
    through.add(ws);
  });

  return {
    attempts: () => attempts,
    open: () => {
      isOpen = true;
      release();
    },
    cut: async () => {
      isOpen = false;
      opened = new Promise<void>((resolve) => (release = resolve));
      const up = [...through];
      through.clear();
      // 4000: a close the page did not ask for; it reconnects, and waits at the gate.
      await Promise.all(up.map((ws) => ws.close({ code: 4000, reason: 'bridge cut by the test' })));
    },
  };
}
