/**
 * `npm run bench -- pN`: runs benchmark PN of PRODUCT.md and ends with one line `pN key=value …`.
 * Benchmarks print figures and ratios; they never assert timings.
 */
import { runP1 } from './p1-throughput';
import { runP2 } from './p2-spread';
import { runP3 } from './p3-latency';
import { runP4 } from './p4-store';
import { runP6 } from './p6-memory';
import { runP7 } from './p7-death-detection';

interface Benchmark {
  title: string;
  run?: () => Promise<Record<string, string | number>>;
  /** Why it cannot run yet. */
  pending?: string;
}

const benchmarks: Record<string, Benchmark> = {
  p1: { title: 'dispatch throughput, engine vs bare client', run: runP1 },
  p2: { title: '100 simultaneous tasks on 3 equal servers', run: runP2 },
  p3: { title: 'mixed-speed fleet, Poisson arrivals at 80 % load', run: runP3 },
  p4: { title: 'store: 100 000 tasks, 50 concurrent writers (SQLite and PostgreSQL)', run: runP4 },
  p5: { title: 'renderer in Chromium: 50 servers updating 2×/s, 10 000 tasks (fleet view, task table scrolled)', run: async () => (await import('./ui/p5-renderer')).runP5() },
  p6: { title: 'engine memory with 100 000 stored tasks (SQLite and PostgreSQL)', run: runP6 },
  p7: { title: 'server death → detected (crash → unhealthy)', run: runP7 },
};

async function main(): Promise<void> {
  const id = (process.argv[2] ?? '').toLowerCase();
  const bench = benchmarks[id];
  if (!bench) {
    console.error(`usage: npm run bench -- pN\n${Object.entries(benchmarks).map(([k, b]) => `  ${k}  ${b.title}${b.pending ? ` (not yet: ${b.pending})` : ''}`).join('\n')}`);
    process.exit(2);
  }
  if (!bench.run) {
    console.error(`${id}: ${bench.title} — not yet: ${bench.pending}`);
    console.log(`${id} status=not_implemented`);
    process.exit(2);
  }
  console.error(`${id}: ${bench.title}`);
  const figures = await bench.run();
  console.log(`${id} ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  process.exit(0);
}

void main();
