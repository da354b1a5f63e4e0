import { z } from 'zod';
import type { HttpCallOptions } from './http-json';
import { callJson } from './http-json';

/**
 * `GET /queue` items are raw 5-tuples; only the count matters for depth, so items stay opaque
 * (a tolerant probe: {@link ComfyClient.queue} is the strict, item-level reading).
 */
const queueResponse = z.object({
  queue_running: z.array(z.array(z.unknown())),
  queue_pending: z.array(z.array(z.unknown())),
});

/** Items carry whole graphs, so a long queue is big: the same cap as `ComfyClient.queue`. */
const QUEUE_MAX_BYTES = 32 * 1024 * 1024;

export interface QueueCounts {
  running: number;
  pending: number;
}

export async function getQueueCounts(baseUrl: string, opts: HttpCallOptions): Promise<QueueCounts> {
  const q = await callJson(baseUrl, '/queue', queueResponse, { ...opts, maxBytes: opts.maxBytes ?? QUEUE_MAX_BYTES });
  return { running: q.queue_running.length, pending: q.queue_pending.length };
}
