import { z } from 'zod';

/**
 * Fault modes a test or demo can switch on per server. Several kinds may be active at once;
 * injecting a kind again replaces its previous settings.
 */

export type Fault =
  /** Every socket destroyed without a close frame, listener closed (connection refused). Lifting restarts on the same port with empty queue, history and caches, like a real restart. */
  | { kind: 'crash' }
  /** TCP accepted, but no HTTP answer and no WebSocket upgrade completes. Held requests are dropped when lifted. */
  | { kind: 'hang' }
  /** `500 Internal Server Error` (text/plain) for matching paths; the route does not run. */
  | { kind: 'http500'; paths?: string[] }
  /** The correct body, trickled at this rate. */
  | { kind: 'slowBody'; bytesPerSecond: number; paths?: string[] }
  /** JSON bodies padded with whitespace to this many bytes (still valid JSON). */
  | { kind: 'oversizedBody'; bytes: number; paths?: string[] }
  /** A 200 text/html error page instead of the answer; the route does not run. */
  | { kind: 'nonJson'; paths?: string[] }
  /** While a job runs, no WebSocket frame is sent at all; the job still finishes and history is written. */
  | { kind: 'stall' };

export type FaultKind = Fault['kind'];

const paths = z.array(z.string().startsWith('/')).optional();

export const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('crash') }),
  z.object({ kind: z.literal('hang') }),
  z.object({ kind: z.literal('http500'), paths }),
  z.object({ kind: z.literal('slowBody'), bytesPerSecond: z.number().positive(), paths }),
  z.object({ kind: z.literal('oversizedBody'), bytes: z.number().int().nonnegative(), paths }),
  z.object({ kind: z.literal('nonJson'), paths }),
  z.object({ kind: z.literal('stall') }),
]);

export const FAULT_KINDS: readonly FaultKind[] = ['crash', 'hang', 'http500', 'slowBody', 'oversizedBody', 'nonJson', 'stall'];

/** `/api/queue` and `/queue` are the same route; a path also covers everything below it. */
function canonical(path: string): string {
  return path === '/api' ? '/' : path.startsWith('/api/') ? path.slice(4) : path;
}

export function pathMatches(patterns: readonly string[] | undefined, pathname: string): boolean {
  if (!patterns) return true;
  const target = canonical(pathname);
  return patterns.some((p) => {
    const c = canonical(p);
    return target === c || target.startsWith(c.endsWith('/') ? c : c + '/');
  });
}

export class FaultState {
  private readonly active = new Map<FaultKind, Fault>();

  inject(fault: Fault): void {
    this.active.set(fault.kind, fault);
  }

  /** Removes one kind (or all) and returns what was removed. */
  lift(kind?: FaultKind): Fault[] {
    const removed = [...this.active.values()].filter((f) => kind === undefined || f.kind === kind);
    for (const f of removed) this.active.delete(f.kind);
    return removed;
  }

  list(): Fault[] {
    return [...this.active.values()];
  }

  has(kind: FaultKind): boolean {
    return this.active.has(kind);
  }

  /** The active fault of `kind` that applies to `pathname`, if any. */
  forPath<K extends FaultKind>(kind: K, pathname: string): Extract<Fault, { kind: K }> | undefined {
    const fault = this.active.get(kind) as Extract<Fault, { kind: K }> | undefined;
    if (!fault) return undefined;
    return pathMatches('paths' in fault ? fault.paths : undefined, pathname) ? fault : undefined;
  }
}
