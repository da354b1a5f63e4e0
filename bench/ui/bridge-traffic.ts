import type { Page } from '@playwright/test';
import { BRIDGE_PATH } from '../../src/shared/transport';

interface Counters {
  at: number;
  frames: number;
  bytes: number;
  batches: number;
  serverUpserts: number;
  taskUpserts: number;
  otherDeltas: number;
  results: number;
}

export interface TrafficFigures {
  seconds: number;
  framesPerSecond: number;
  kbPerSecond: number;
  batchesPerSecond: number;
  serverUpsertsPerSecond: number;
  taskUpsertsPerSecond: number;
  otherDeltasPerSecond: number;
  resultsPerSecond: number;
}

export interface BridgeTraffic {
  mark(): Counters;
  since(mark: Counters): TrafficFigures;
}

/**
 * Counts what the page actually received on the console's bridge socket (Playwright's view of
 * the WebSocket, outside the page, so counting costs the page nothing): frames, bytes, delta
 * batches, and the deltas in them by kind.
 */
export function countBridgeTraffic(page: Page): BridgeTraffic {
  const c: Counters = { at: 0, frames: 0, bytes: 0, batches: 0, serverUpserts: 0, taskUpserts: 0, otherDeltas: 0, results: 0 };
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).pathname !== BRIDGE_PATH) return;
    ws.on('framereceived', ({ payload }) => {
      c.frames++;
      const text = typeof payload === 'string' ? payload : payload.toString();
      c.bytes += text.length;
      let frame: { kind?: string; event?: { type?: string; batch?: { deltas?: { type?: string }[] } } };
      try {
        frame = JSON.parse(text) as typeof frame;
      } catch {
        return;
      }
      if (frame.kind === 'result') c.results++;
      if (frame.kind !== 'event' || frame.event?.type !== 'deltas') return;
      c.batches++;
      for (const d of frame.event.batch?.deltas ?? []) {
        if (d.type === 'server.upsert') c.serverUpserts++;
        else if (d.type === 'task.upsert') c.taskUpserts++;
        else c.otherDeltas++;
      }
    });
  });
  return {
    mark: () => ({ ...c, at: performance.now() }),
    since(m) {
      const seconds = (performance.now() - m.at) / 1000;
      const rate = (k: Exclude<keyof Counters, 'at'>) => (c[k] - m[k]) / seconds;
      return {
        seconds,
        framesPerSecond: rate('frames'),
        kbPerSecond: rate('bytes') / 1024,
        batchesPerSecond: rate('batches'),
        serverUpsertsPerSecond: rate('serverUpserts'),
        taskUpsertsPerSecond: rate('taskUpserts'),
        otherDeltasPerSecond: rate('otherDeltas'),
        resultsPerSecond: rate('results'),
      };
    },
  };
}
