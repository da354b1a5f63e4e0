import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { WsClient, http, sleep, submit, useSims } from './helpers';

const start = useSims();

/**
 * Issue 12: a real ComfyUI computes on a worker thread, so `GET /queue` answers in
 * milliseconds (median 8 ms, max 284 ms observed) while a 4096×4096 blur chain runs. The
 * simulator shares its event loop with this test, so any pixel work done on that loop shows
 * up directly in the measured latencies.
 */

const SIZE = 4096;

function blurChain(): Record<string, unknown> {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: SIZE, height: SIZE, batch_size: 1, color: 0x336699 } },
    '2': { class_type: 'ImageBlur', inputs: { image: ['1', 0], blur_radius: 3, sigma: 1 } },
    '3': { class_type: 'ImageBlur', inputs: { image: ['2', 0], blur_radius: 3, sigma: 1 } },
    '4': { class_type: 'ImageBlur', inputs: { image: ['3', 0], blur_radius: 3, sigma: 1 } },
    '5': { class_type: 'SaveImage', inputs: { images: ['4', 0], filename_prefix: 'big' } },
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

describe('issue 12: the server stays responsive while a job computes pixels', () => {
  it('GET /queue and a WebSocket ping answer in under 100 ms (median of 15) while a 4096×4096 ImageBlur computes', async () => {
    // Simulated durations are negligible: the time goes into real pixel work.
    const sim = await start({ durations: { EmptyImage: 1, ImageBlur: 1, SaveImage: 1 } });
    const ws = await WsClient.connect(sim.url, 'big');
    const { prompt_id } = await submit(sim, { prompt: blurChain(), client_id: 'big' });
    const executingNode = (): unknown =>
      ws.json().filter((f) => f.type === 'executing' && f.data['prompt_id'] === prompt_id).at(-1)?.data['node'];
    // `executing` for node 2 goes out just before its blur starts (EmptyImage is done by then).
    await ws.waitFor((f) => f.kind === 'json' && f.type === 'executing' && f.data['node'] === '2', 'the first blur starting', 60_000);

    const queueMs: number[] = [];
    const pingMs: number[] = [];
    const sawRunning: boolean[] = [];
    for (let i = 0; i < 15; i++) {
      let t0 = performance.now();
      const res = await http(`${sim.url}/queue`, { signal: AbortSignal.timeout(30_000) });
      queueMs.push(performance.now() - t0);
      sawRunning.push(res.json<{ queue_running: unknown[][] }>().queue_running[0]?.[1] === prompt_id);
      t0 = performance.now();
      const pong = new Promise<void>((resolve) => ws.ws.once('pong', () => resolve()));
      ws.ws.ping();
      await pong;
      pingMs.push(performance.now() - t0);
      await sleep(25);
    }
    // The measurements happened while one of the three blurs was still computing.
    const stillRunning = sim.queueDepth().running === 1 && ['2', '3', '4'].includes(executingNode() as string);
    console.log(
      `GET /queue while blurring ${SIZE}×${SIZE}: median ${median(queueMs).toFixed(1)} ms, max ${Math.max(...queueMs).toFixed(1)} ms; ` +
        `WS ping median ${median(pingMs).toFixed(1)} ms, max ${Math.max(...pingMs).toFixed(1)} ms; blur still running: ${stillRunning} ` +
        JSON.stringify({ queueMs: queueMs.map(Math.round), pingMs: pingMs.map(Math.round) }),
    );
    expect(stillRunning).toBe(true);
    expect(sawRunning.every(Boolean)).toBe(true);
    // The median is what a blocked loop cannot meet (on the loop, the simulator answered in a
    // median of 518 ms, max 9 295 ms). A single sample can be delayed by the OS scheduler on a
    // busy machine (a real ComfyUI showed a max of 284 ms), so the max is only a wide guard.
    expect(median(queueMs)).toBeLessThan(100);
    expect(median(pingMs)).toBeLessThan(100);
    for (const ms of [...queueMs, ...pingMs]) expect(ms).toBeLessThan(2_000);
    // useSims closes the server mid-blur: the pool stops that worker (see pixel-pool.test.ts).
    await ws.close();
  }, 120_000);
});
