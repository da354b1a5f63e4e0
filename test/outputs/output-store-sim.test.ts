import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodePng as simDecodePng } from '../../sim/src/png';
import { startSim, txt2imgWorkflow, type SimServer } from '../../sim/src';
import { ComfyClient } from '../../src/main/engine/comfy/comfy-client';
import type { HistoryEntry } from '../../src/main/engine/comfy/comfy-schemas';
import { OutputStore, outputSourceOf } from '../../src/main/engine/outputs/output-store';
import { decodePng } from '../../src/main/engine/outputs/png-decode';
import { until } from '../support/until';

const CLIENT_ID = 'comfyfleet-outputs-test';

let root: string;
let base: string;
const sims: SimServer[] = [];

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'comfyfleet-outputs-'));
  root = join(base, 'outputs');
});

afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
  await rm(base, { recursive: true, force: true });
});

async function server(name: string) {
  const sim = await startSim({ speed: 20 });
  sims.push(sim);
  return new ComfyClient({ server: name, baseUrl: sim.url, timeoutMs: 2_000 });
}

/** Runs a txt2img job with our own prompt_id and client_id and waits for its history entry. */
async function runJob(client: ComfyClient, o: { seed: number; width?: number; height?: number }): Promise<HistoryEntry> {
  const promptId = randomUUID();
  const accepted = await client.submitPrompt({
    prompt: txt2imgWorkflow({ steps: 3, seed: o.seed, width: o.width ?? 512, height: o.height ?? 512 }),
    promptId,
    clientId: CLIENT_ID,
  });
  expect(accepted.promptId).toBe(promptId);
  let entry: HistoryEntry | null = null;
  await until(async () => (entry = await client.history(promptId)) !== null, `history of ${promptId}`, 10_000);
  const done = entry as unknown as HistoryEntry;
  expect(done.outcome).toBe('success');
  return done;
}

function insideRoot(rel: string): boolean {
  const r = relative(root, join(root, rel));
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
}

describe('OutputStore against the simulator (T6)', () => {
  it('stores a txt2img output with the bytes /view gives, and a 256 px thumbnail with the same aspect ratio', async () => {
    const client = await server('gpu-a');
    const entry = await runJob(client, { seed: 11, width: 768, height: 512 });
    expect(entry.outputs).toHaveLength(1);
    const ref = entry.outputs[0]!;
    const taskId = randomUUID();
    const store = new OutputStore(root);

    const [rec, ...rest] = await store.fetchAll(taskId, outputSourceOf(client), entry.outputs);
    expect(rest).toEqual([]);
    expect(rec).toMatchObject({
      nodeId: '9',
      kind: 'images',
      filename: ref.filename,
      subfolder: '',
      type: 'output',
      suspicious: false,
      file: `${taskId}/0-${ref.filename}`,
      thumb: `${taskId}/0.thumb.png`,
      thumbReason: null,
      contentType: 'image/png',
      error: null,
      errorCode: null,
    });

    const direct = await client.view(ref);
    const stored = await readFile(join(root, rec!.file!));
    expect(stored.equals(direct.bytes)).toBe(true);
    expect(rec!.bytes).toBe(direct.bytes.length);
    expect(insideRoot(rec!.file!)).toBe(true);

    // The thumbnail is a PNG that an independent decoder (the simulator's) reads: 768×512 → 256×171.
    const thumbBytes = await readFile(join(root, rec!.thumb!));
    const theirs = simDecodePng(thumbBytes);
    expect([theirs.width, theirs.height]).toEqual([256, 171]);
    const source = decodePng(stored);
    expect([source.width, source.height]).toEqual([768, 512]);
    expect(Math.abs(theirs.width / theirs.height - source.width / source.height)).toBeLessThan(0.01);

    // What the UI reads back (U3).
    const byIndex = await store.read(taskId, 0);
    expect(byIndex.bytes.equals(direct.bytes)).toBe(true);
    expect(byIndex.contentType).toBe('image/png');
    const thumb = await store.read(taskId, rec!.file!, { thumbnail: true });
    expect(thumb.bytes.equals(thumbBytes)).toBe(true);
  });

  it('fetching the same task again is idempotent: same names, same bytes, nothing extra', async () => {
    const client = await server('gpu-a');
    const entry = await runJob(client, { seed: 3 });
    const store = new OutputStore(root);
    const taskId = randomUUID();
    const first = await store.fetchAll(taskId, outputSourceOf(client), entry.outputs);
    const listing = (await readdir(join(root, taskId))).sort();
    const second = await store.fetchAll(taskId, outputSourceOf(client), entry.outputs);
    expect(second).toEqual(first);
    expect((await readdir(join(root, taskId))).sort()).toEqual(listing);
    expect(listing).toEqual([`0-${entry.outputs[0]!.filename}`, '0.thumb.png']);
  });

  it("outputs come from the task's own server: two servers, the same file name, different pixels", async () => {
    const a = await server('gpu-a');
    const b = await server('gpu-b');
    const [ea, eb] = await Promise.all([runJob(a, { seed: 1 }), runJob(b, { seed: 2 })]);
    // Both fresh servers name their first output the same.
    expect(ea.outputs[0]!.filename).toBe('ComfyUI_00001_.png');
    expect(eb.outputs[0]!.filename).toBe('ComfyUI_00001_.png');

    const store = new OutputStore(root);
    const taskA = randomUUID();
    const taskB = randomUUID();
    const [ra] = await store.fetchAll(taskA, outputSourceOf(a), ea.outputs);
    const [rb] = await store.fetchAll(taskB, outputSourceOf(b), eb.outputs);

    const storedA = await readFile(join(root, ra!.file!));
    const storedB = await readFile(join(root, rb!.file!));
    expect(storedA.equals(storedB)).toBe(false);
    expect(storedA.equals((await a.view(ea.outputs[0]!)).bytes)).toBe(true);
    expect(storedB.equals((await b.view(eb.outputs[0]!)).bytes)).toBe(true);
    // And the pixels differ, not just metadata.
    expect(Buffer.from(decodePng(storedA).pixels).equals(Buffer.from(decodePng(storedB).pixels))).toBe(false);
  });
});
