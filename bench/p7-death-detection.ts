import { Engine } from '../src/main/engine/engine';
import { startSim } from '../sim/src';

/**
 * P7 (≤ 2 s): a server crashes (sockets destroyed without a close frame, connections refused);
 * how long until the engine shows its socket closed as abnormal. Health states (F2/F6) arrive
 * with the fleet-health issue; until then this measures the socket-level detection they build on.
 */
export async function runP7(): Promise<Record<string, string | number>> {
  const runs = 20;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const sim = await startSim({ name: `p7-${i}` });
    const engine = new Engine({ servers: [{ url: sim.url, name: sim.name }], deltaIntervalMs: 1, log: () => undefined });
    await waitFor(() => engine.snapshot().servers[0]?.socket.state === 'open');
    const crashedAt = performance.now();
    sim.inject({ kind: 'crash' });
    await waitFor(() => engine.snapshot().servers[0]?.socket.lastClose?.kind === 'abnormal');
    samples.push(performance.now() - crashedAt);
    engine.dispose();
    await sim.close();
  }
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? NaN;
  console.error(`detection times (ms): ${samples.map((s) => s.toFixed(1)).join(' ')}`);
  return {
    runs,
    detect_ms_p50: pct(50).toFixed(1),
    detect_ms_p95: pct(95).toFixed(1),
    detect_ms_max: (samples.at(-1) ?? NaN).toFixed(1),
    target_ms: 2000,
    ratio_max_to_target: ((samples.at(-1) ?? NaN) / 2000).toFixed(4),
    level: 'socket',
  };
}

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > end) throw new Error('p7: condition not reached within 10 s');
    await new Promise((r) => setTimeout(r, 1));
  }
}
