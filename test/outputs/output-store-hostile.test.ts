import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ComfyClient } from '../../src/main/engine/comfy/comfy-client';
import type { OutputRef } from '../../src/main/engine/comfy/comfy-schemas';
import { isSuspiciousRef } from '../../src/main/engine/comfy/comfy-schemas';
import { OutputStore, outputSourceOf, type OutputSource, type StoredOutput } from '../../src/main/engine/outputs/output-store';
import { encodePng } from '../../src/main/engine/outputs/png-encode';
import { send, startViewServer, type ViewServer } from './view-server';

const SERVER = 'gpu-hostile';
const KiB = 1024;

let view: ViewServer;
let base: string;
let root: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

/** A distinct little PNG per file name, so each stored file can be traced to its request. */
function pngFor(name: string): Buffer {
  const px = new Uint8Array(4 * 3 * 3);
  Buffer.from(name).forEach((c, i) => (px[i % px.length] = (px[i % px.length]! + c) & 0xff));
  return encodePng({ width: 4, height: 3, channels: 3, pixels: px });
}

function ref(filename: string, extra: Partial<OutputRef> = {}): OutputRef {
  const r = { nodeId: '9', kind: 'images', filename, subfolder: '', type: 'output', ...extra };
  return { ...r, suspicious: isSuspiciousRef(r) };
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  view = await startViewServer((res) => res.writeHead(404).end('404: Not Found'));
});

afterAll(async () => {
  await view.close();
  // Anything a cut or slow download left behind would have surfaced by now.
  await new Promise((r) => setTimeout(r, 50));
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'comfyfleet-hostile-outputs-'));
  root = join(base, 'data', 'outputs');
  view.behaviours.clear();
  view.requests.length = 0;
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

function client(): ComfyClient {
  return new ComfyClient({ server: SERVER, baseUrl: view.url, timeoutMs: 2_000 });
}

/** The real client, counting how many of its /view calls the store has in progress at once. */
function countingSource(): OutputSource & { maxInFlight: number } {
  const inner = outputSourceOf(client());
  let now = 0;
  const source = {
    serverName: inner.serverName,
    maxInFlight: 0,
    view: async (...args: Parameters<OutputSource['view']>) => {
      source.maxInFlight = Math.max(source.maxInFlight, ++now);
      try {
        return await inner.view(...args);
      } finally {
        now--;
      }
    },
  };
  return source;
}

/** Every file under `dir`, as paths relative to `dir`. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await walk(join(dir, e.name))).map((p) => join(e.name, p)));
    else out.push(e.name);
  }
  return out;
}

function expectFailure(rec: StoredOutput | undefined, code: string, detail: RegExp): void {
  expect(rec?.file).toBeNull();
  expect(rec?.thumb).toBeNull();
  expect(rec?.errorCode).toBe(code);
  expect(rec?.error).toContain(`server "${SERVER}"`);
  expect(rec?.error).toContain(JSON.stringify(rec?.filename));
  expect(rec?.error).toMatch(detail);
}

describe('OutputStore against a hostile /view (E3)', () => {
  it('traversal and odd names: every file lands inside the root under a safe name, nothing escapes', async () => {
    const names = [
      '../../etc/passwd',
      '/abs/path.png',
      'C:\\x.png',
      'a/../../b.png',
      'nul\u0000byte.png',
      'new\nline.png',
      '__proto__',
      `${'x'.repeat(300)}.png`,
      'shot.png [input]',
      'CON',
      '.htaccess',
      '..',
    ];
    for (const n of names) view.behaviours.set(n, send(pngFor(n)));
    const store = new OutputStore(root);
    const taskId = randomUUID();
    const records = await store.fetchAll(taskId, outputSourceOf(client()), names.map((n) => ref(n)));

    expect(records.map((r) => r.errorCode)).toEqual(names.map(() => null));
    expect(records.map((r) => r.file)).toEqual([
      `${taskId}/0-passwd`,
      `${taskId}/1-path.png`,
      `${taskId}/2-x.png`,
      `${taskId}/3-b.png`,
      `${taskId}/4-nulbyte.png`,
      `${taskId}/5-newline.png`,
      `${taskId}/6-__proto__`,
      `${taskId}/7-${'x'.repeat(156)}.png`,
      `${taskId}/8-shot.png`,
      `${taskId}/9-_CON`,
      `${taskId}/10-htaccess`,
      `${taskId}/11-output`,
    ]);
    for (const [i, rec] of records.entries()) {
      const rel = relative(root, join(root, rec.file!));
      expect(rel.startsWith('..') || isAbsolute(rel)).toBe(false);
      // Each file holds what the server sent for that name, verbatim.
      expect((await readFile(join(root, rec.file!))).equals(pngFor(names[i]!))).toBe(true);
      expect(rec.thumb).toBe(`${taskId}/${i}.thumb.png`);
    }
    // Nothing was written anywhere but the task's folder: not next to the root, not above it.
    expect(await walk(base)).toEqual(expect.arrayContaining((await readdir(join(root, taskId))).map((n) => join('data', 'outputs', taskId, n))));
    expect((await walk(base)).every((p) => p.startsWith(join('data', 'outputs', taskId)))).toBe(true);
    // The refs forged by name are flagged, and still go to /view verbatim (the server judges them).
    expect(records.filter((r) => r.suspicious).map((r) => r.filename)).toEqual(expect.arrayContaining(['../../etc/passwd', 'a/../../b.png', 'shot.png [input]']));
    expect(view.requests.map((q) => q.get('filename'))).toEqual(expect.arrayContaining(names));
  });

  it('HTML, 404, 500, oversized, cut and slow answers fail that output only, each with a typed error naming server and file', async () => {
    view.behaviours.set('good.png', send(pngFor('good')));
    view.behaviours.set('page.png', send('<html><body>Login required</body></html>', 'text/html'));
    view.behaviours.set('missing.png', (res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('404: Not Found'));
    view.behaviours.set('crash.png', (res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('500 Internal Server Error'));
    view.behaviours.set('declared-huge.png', (res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(10 * 1024 * KiB) });
      res.write(Buffer.alloc(1024));
    });
    view.behaviours.set('streamed-huge.png', (res, ctx) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      ctx.every(1, () => res.write(Buffer.alloc(16 * KiB)));
    });
    view.behaviours.set('cut.png', (res, ctx) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': '10000' });
      res.write(pngFor('cut').subarray(0, 40), () => ctx.socket.destroy());
    });
    view.behaviours.set('slow.png', (res, ctx) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': '100000' });
      ctx.every(20, () => res.write(Buffer.alloc(10)));
    });
    view.behaviours.set('hang.png', () => undefined);
    view.behaviours.set('lying.png', send(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 'image/png'));

    const names = ['good.png', 'page.png', 'missing.png', 'crash.png', 'declared-huge.png', 'streamed-huge.png', 'cut.png', 'slow.png', 'hang.png', 'lying.png'];
    const store = new OutputStore(root);
    const taskId = randomUUID();
    const source = countingSource();
    const records = await store.fetchAll(taskId, source, names.map((n) => ref(n)), { maxFileBytes: 256 * KiB, timeoutMs: 400 });
    const by = (n: string) => records[names.indexOf(n)];

    expect(by('good.png')).toMatchObject({ file: `${taskId}/0-good.png`, error: null, contentType: 'image/png' });
    expectFailure(by('page.png'), 'bad_content_type', /web page/);
    expectFailure(by('missing.png'), 'http_status', /HTTP 404/);
    expectFailure(by('crash.png'), 'http_status', /HTTP 500/);
    expectFailure(by('declared-huge.png'), 'too_large', /262144-byte limit/);
    expectFailure(by('streamed-huge.png'), 'too_large', /262144-byte limit/);
    expectFailure(by('cut.png'), 'connection_lost', /connection lost/);
    expectFailure(by('slow.png'), 'timeout', /400 ms/);
    expectFailure(by('hang.png'), 'timeout', /400 ms/);
    // The server's header is not believed: the bytes say GIF, so no thumbnail is attempted.
    expect(by('lying.png')).toMatchObject({ error: null, contentType: 'image/gif', thumb: null, thumbReason: 'image/gif is not decoded; only PNG gets a thumbnail' });

    // Only the stored outputs are on disk, and no temporary file was left behind.
    expect((await readdir(join(root, taskId))).sort()).toEqual(['0-good.png', '0.thumb.png', '9-lying.png']);
    // Small concurrency: never more than two downloads at once against one server.
    expect(source.maxInFlight).toBe(2);
  });

  it('caps: at most maxRefs refs are fetched, and the task total is kept', async () => {
    for (const n of ['a.png', 'b.png', 'c.png', 'd.png', 'e.png']) view.behaviours.set(n, send(Buffer.alloc(40 * KiB, n.charCodeAt(0))));
    const store = new OutputStore(root);
    const taskId = randomUUID();
    const records = await store.fetchAll(taskId, outputSourceOf(client()), ['a.png', 'b.png', 'c.png', 'd.png', 'e.png'].map((n) => ref(n)), {
      maxRefs: 4,
      maxTaskBytes: 100 * KiB,
      concurrency: 1,
    });
    expect(records.map((r) => r.errorCode)).toEqual([null, null, 'task_too_large', 'task_too_large', 'too_many_outputs']);
    expect(records[4]!.error).toBe('could not store output "e.png" (node "9") from server "gpu-hostile": not fetched: a task may store at most 4 outputs');
    expect(records[2]!.error).toMatch(/^could not store output "c\.png" \(node "9"\) from server "gpu-hostile": .*102400-byte limit/);
    expect(view.requests.map((q) => q.get('filename'))).not.toContain('e.png');
    let total = 0;
    for (const n of await readdir(join(root, taskId))) total += (await stat(join(root, taskId, n))).size;
    expect(total).toBeLessThanOrEqual(100 * KiB);
  });

  it('a source that misbehaves in-process (throws, returns junk, never settles) fails its output, not the task', async () => {
    const source: OutputSource = {
      serverName: 'gpu-odd',
      view: (r) => {
        if (r.filename === 'throws.png') throw new TypeError('boom');
        if (r.filename === 'rejects.png') return Promise.reject(new Error('nope'));
        if (r.filename === 'junk.png') return Promise.resolve({ bytes: 'not a buffer' } as never);
        if (r.filename === 'never.png') return new Promise(() => undefined);
        if (r.filename === 'ignores-cap.png') return Promise.resolve({ bytes: Buffer.alloc(2 * KiB), contentType: 'image/png' });
        return Promise.resolve({ bytes: pngFor(r.filename), contentType: 'image/png' });
      },
    };
    const store = new OutputStore(root);
    const names = ['throws.png', 'rejects.png', 'junk.png', 'never.png', 'ignores-cap.png', 'fine.png'];
    const records = await store.fetchAll(randomUUID(), source, names.map((n) => ref(n)), { timeoutMs: 100, maxFileBytes: KiB });
    expect(records.map((r) => r.errorCode)).toEqual(['bad_answer', 'bad_answer', 'bad_answer', 'timeout', 'too_large', null]);
    for (const r of records.slice(0, 5)) expect(r.error).toMatch(/server "gpu-odd"/);
  });

  it('a cancelled fetch marks the outputs not yet stored as aborted', async () => {
    view.behaviours.set('first.png', send(pngFor('first')));
    view.behaviours.set('hang.png', () => undefined);
    const controller = new AbortController();
    const store = new OutputStore(root);
    const pending = store.fetchAll(randomUUID(), outputSourceOf(client()), [ref('first.png'), ref('hang.png'), ref('later.png')], {
      concurrency: 1,
      signal: controller.signal,
    });
    await new Promise<void>((resolve) => {
      const check = () => (view.requests.some((q) => q.get('filename') === 'hang.png') ? resolve() : setTimeout(check, 5));
      check();
    });
    controller.abort();
    const records = await pending;
    expect(records.map((r) => r.errorCode)).toEqual([null, 'aborted', 'aborted']);
    expect(records[1]!.error).toMatch(/cancelled/);
  });
});
