import type { BridgeServerFrame } from '../../../shared/transport';

/**
 * Checks the envelope of a host frame. The host is our own engine on the same origin, so the
 * payload inside is trusted; the check only keeps a garbled frame from throwing mid-dispatch.
 */
export function parseServerFrame(data: string): BridgeServerFrame | null {
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof frame !== 'object' || frame === null) return null;
  const f = frame as Record<string, unknown>;
  if (f.kind === 'result' && typeof f.id === 'number' && isResult(f.result)) return frame as BridgeServerFrame;
  if (f.kind === 'event' && isHostEvent(f.event)) return frame as BridgeServerFrame;
  return null;
}

function isResult(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

function isHostEvent(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as { type?: unknown; snapshot?: { seq?: unknown; servers?: unknown }; batch?: { seq?: unknown; deltas?: unknown } };
  if (e.type === 'snapshot') return typeof e.snapshot?.seq === 'number' && Array.isArray(e.snapshot.servers);
  if (e.type === 'deltas') return typeof e.batch?.seq === 'number' && Array.isArray(e.batch.deltas);
  return false;
}
