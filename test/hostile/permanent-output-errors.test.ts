import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/shared/tasks';
import { ComfyClient } from '../../src/main/engine/comfy/comfy-client';
import type { OutputRef } from '../../src/main/engine/comfy/comfy-schemas';
import { systemClock } from '../../src/main/engine/core/clock';
import { createLogger } from '../../src/main/engine/core/logger';
import { OutputStore } from '../../src/main/engine/outputs/output-store';
import { TaskOutputs } from '../../src/main/engine/outputs/task-outputs';
import type { SimServer } from '../../sim/src';
import { modelFreeWorkflow, startSim } from '../../sim/src';
import { until } from '../support/until';

/*
 * Issue 21 item 1: an output that can never be stored (over the per-file or per-task limit, too
 * many outputs, the store failing) must not be fetched again. The retry decision used to run on
 * the row's record, which has no errorCode, so every such output was downloaded five times:
 * about 12 000 MiB against a server offering 20 outputs of 60 MB for each of two tasks.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Runs one model-free job on the simulator and returns its SaveImage output, as history names it. */
async function finishedOutput(sim: SimServer): Promise<OutputRef> {
  const res = await fetch(`${sim.url}/prompt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: modelFreeWorkflow({ seed: 7 }) }) });
  const { prompt_id } = (await res.json()) as { prompt_id: string };
  let image: { filename: string; subfolder: string; type: string } | undefined;
  await until(async () => {
    const history = (await (await fetch(`${sim.url}/history/${prompt_id}`)).json()) as Record<string, { outputs: Record<string, { images?: (typeof image)[] }> }>;
    image = history[prompt_id]?.outputs['3']?.images?.[0];
    return image !== undefined;
  }, 'the job in history');
  return { nodeId: '3', kind: 'images', filename: image!.filename, subfolder: image!.subfolder, type: image!.type, suspicious: false };
}

function outputsOver(root: string, maxFileBytes: number): { outputs: TaskOutputs; notes: string[] } {
  const notes: string[] = [];
  const outputs = new TaskOutputs({
    files: new OutputStore(root, { maxFileBytes }),
    notes: {
      appendMessage: async (taskId, level, text): Promise<TaskEvent> => {
        notes.push(text);
        return { id: notes.length, taskId, at: 0, kind: 'message', level, text } as TaskEvent;
      },
    },
    clock: systemClock,
    log: createLogger(() => undefined),
    retryDelaysMs: [1, 1, 1, 1],
  });
  return { outputs, notes };
}

describe('permanent output errors are not fetched again (issue 21 item 1, T6)', () => {
  it('T6: an output over the per-file limit is downloaded once, over a real socket, and the task keeps why; a storable one is stored', async () => {
    const sim = await startSim({ name: 'gpu-big' });
    cleanups.push(() => sim.close());
    const root = mkdtempSync(join(tmpdir(), 'cf-permanent-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const ref = await finishedOutput(sim);

    const real = new ComfyClient({ server: 'gpu-big', baseUrl: sim.url, timeoutMs: 30_000 });
    let views = 0;
    const client = { server: real.server, view: (...args: Parameters<ComfyClient['view']>) => (views++, real.view(...args)) };

    const tooSmall = outputsOver(join(root, 'small'), 16);
    const [kept] = await tooSmall.outputs.fetch('t-small', client, [ref]);
    expect(views, '/view calls for an output that can never be stored').toBe(1);
    expect(tooSmall.notes).toEqual([]);
    expect(kept).toMatchObject({ file: null, error: expect.stringMatching(/16-byte limit/) });

    views = 0;
    const roomy = outputsOver(join(root, 'roomy'), 64 * 1024 * 1024);
    const [stored] = await roomy.outputs.fetch('t-roomy', client, [ref]);
    expect(views).toBe(1);
    expect(stored).toMatchObject({ error: null, contentType: 'image/png' });
    expect(stored?.file).toBeTruthy();
  });
});
