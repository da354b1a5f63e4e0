import { randomUUID } from 'node:crypto';
import { link, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutputRef } from '../../src/main/engine/comfy/comfy-schemas';
import { EngineError } from '../../src/main/engine/core/engine-error';
import { OutputStore, type OutputSource } from '../../src/main/engine/outputs/output-store';
import { encodePng } from '../../src/main/engine/outputs/png-encode';
import { taskDirName } from '../../src/main/engine/outputs/sanitise';

let base: string;
let root: string;
let outside: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'comfyfleet-output-files-'));
  root = join(base, 'outputs');
  outside = join(base, 'secret');
  await mkdir(outside);
  await writeFile(join(outside, 'passwd'), 'root:x:0:0');
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const PNG = encodePng({ width: 2, height: 2, channels: 3, pixels: new Uint8Array(12).fill(200) });

function ref(filename: string): OutputRef {
  return { nodeId: '9', kind: 'images', filename, subfolder: '', type: 'output', suspicious: false };
}

/** An in-process source that serves fixed bytes per name (the socket paths are covered elsewhere). */
function source(files: Record<string, Buffer>, calls: string[] = []): OutputSource {
  return {
    serverName: 'gpu-files',
    view: async (r) => {
      calls.push(r.filename);
      const bytes = Object.hasOwn(files, r.filename) ? files[r.filename] : undefined;
      if (!bytes) throw new Error(`no ${r.filename}`);
      return { bytes, contentType: 'image/png' };
    },
  };
}

async function notFound(p: Promise<unknown>): Promise<EngineError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EngineError);
  expect((err as EngineError).code).toBe('not_found');
  return err as EngineError;
}

describe('OutputStore.read', () => {
  it('reads by index and by file, outputs and thumbnails, with the sniffed type', async () => {
    const store = new OutputStore(root);
    const taskId = randomUUID();
    const [png, txt] = await store.fetchAll(taskId, source({ 'a.png': PNG, 'b.txt': Buffer.from('hello') }), [ref('a.png'), ref('b.txt')]);
    expect(png!.thumb).toBe(`${taskId}/0.thumb.png`);
    expect(txt).toMatchObject({ file: `${taskId}/1-b.txt`, thumb: null, contentType: 'application/octet-stream' });

    expect(await store.read(taskId, 0)).toEqual({ bytes: PNG, contentType: 'image/png', file: `${taskId}/0-a.png` });
    expect((await store.read(taskId, txt!.file!)).bytes.toString()).toBe('hello');
    expect((await store.read(taskId, 0, { thumbnail: true })).contentType).toBe('image/png');
    await notFound(store.read(taskId, 1, { thumbnail: true }));
    await notFound(store.read(taskId, 2));
    await notFound(store.read(randomUUID(), 0));
    const big = await store.read(taskId, 0, { maxBytes: 10 }).catch((e: unknown) => e);
    expect(big).toMatchObject({ code: 'too_large' });
  });

  it('refuses traversal: .., absolute paths, other tasks, names it did not write, bad indexes', async () => {
    const store = new OutputStore(root);
    const taskId = randomUUID();
    const other = randomUUID();
    await store.fetchAll(taskId, source({ 'a.png': PNG }), [ref('a.png')]);
    await store.fetchAll(other, source({ 'a.png': PNG }), [ref('a.png')]);
    await writeFile(join(root, taskId, 'notes.txt'), 'not an output');
    await writeFile(join(root, taskId, '.tmp-leftover'), 'half');

    for (const which of [
      '../secret/passwd',
      `${taskId}/../../secret/passwd`,
      `${taskId}/../${other}/0-a.png`,
      join(outside, 'passwd'),
      '/etc/passwd',
      `${other}/0-a.png`,
      `${taskId}/notes.txt`,
      `${taskId}/.tmp-leftover`,
      `${taskId}\\0-a.png`,
      `${taskId}/0-a.png/`,
      `${taskId}/0-a.png\u0000`,
      '0-a.png',
      '',
      -1,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ]) {
      await notFound(store.read(taskId, which));
    }
    // A task id that is itself a path is just a name: it cannot reach the root's parent.
    await notFound(store.read('..', 0));
    await notFound(store.read(`../${taskId}`, 0));
  });

  it('refuses symlinks planted inside the root: as an output, as a thumbnail, as the task folder', async () => {
    const store = new OutputStore(root);
    const taskId = randomUUID();
    await store.fetchAll(taskId, source({ 'a.png': PNG }), [ref('a.png')]);
    const dir = join(root, taskId);
    await symlink(join(outside, 'passwd'), join(dir, '1-passwd'));
    await notFound(store.read(taskId, 1));
    await notFound(store.read(taskId, `${taskId}/1-passwd`));

    await rm(join(dir, '0.thumb.png'));
    await symlink(join(outside, 'passwd'), join(dir, '0.thumb.png'));
    await notFound(store.read(taskId, 0, { thumbnail: true }));

    // A hard link to a file outside is refused too (a plain file, but not one we wrote alone).
    await link(join(outside, 'passwd'), join(dir, '2-passwd'));
    await notFound(store.read(taskId, 2));

    const linked = randomUUID();
    await writeFile(join(outside, '0-a.png'), 'secret');
    await symlink(outside, join(root, linked));
    await notFound(store.read(linked, 0));
    await notFound(store.read(linked, `${linked}/0-a.png`));
    expect(await readFile(join(outside, 'passwd'), 'utf8')).toBe('root:x:0:0');
  });
});

describe('OutputStore writes', () => {
  it('a re-fetch keeps the same names, drops files the refs no longer name and leftovers of a crashed write', async () => {
    const store = new OutputStore(root);
    const taskId = randomUUID();
    const files = { 'a.png': PNG, 'b.png': PNG, 'c.jpg': Buffer.from([0xff, 0xd8, 0xff, 0xe0]) };
    await store.fetchAll(taskId, source(files), [ref('a.png'), ref('b.png'), ref('c.jpg')]);
    expect((await readdir(join(root, taskId))).sort()).toEqual(['0-a.png', '0.thumb.png', '1-b.png', '1.thumb.png', '2-c.jpg']);

    // A crash mid-write leaves only a temporary name behind, never a half file under a final name.
    await writeFile(join(root, taskId, '.tmp-0123'), PNG.subarray(0, 10));
    const again = await store.fetchAll(taskId, source(files), [ref('a.png'), ref('c.jpg')]);
    expect(again.map((r) => r.file)).toEqual([`${taskId}/0-a.png`, `${taskId}/1-c.jpg`]);
    expect((await readdir(join(root, taskId))).sort()).toEqual(['0-a.png', '0.thumb.png', '1-c.jpg']);
    expect(await readFile(join(root, taskId, '1-c.jpg'))).toEqual(files['c.jpg']);
  });

  it('a failed write leaves neither a temporary file nor a changed final file, and the other outputs are stored', async () => {
    const store = new OutputStore(root);
    const taskId = randomUUID();
    // A folder where the output should go makes the final rename fail.
    await mkdir(join(root, taskId, '0-a.png', 'inner'), { recursive: true });
    const [a, b] = await store.fetchAll(taskId, source({ 'a.png': PNG, 'b.png': PNG }), [ref('a.png'), ref('b.png')]);
    expect(a).toMatchObject({ file: null, errorCode: 'store_failed' });
    expect(a!.error).toMatch(/^could not store output "a\.png" \(node "9"\) from server "gpu-files": writing 0-a\.png failed/);
    expect(b).toMatchObject({ file: `${taskId}/1-b.png`, error: null });
    expect((await readdir(join(root, taskId))).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('a root that cannot be created fails every output with store_failed instead of throwing', async () => {
    await writeFile(join(base, 'blocked'), 'a file, not a folder');
    const store = new OutputStore(join(base, 'blocked', 'outputs'));
    const records = await store.fetchAll(randomUUID(), source({ 'a.png': PNG }), [ref('a.png'), ref('b.png')]);
    expect(records.map((r) => r.errorCode)).toEqual(['store_failed', 'store_failed']);
    expect(records[0]!.error).toMatch(/server "gpu-files"/);
  });

  it('a task folder that is a symlink out of the root is never written through', async () => {
    const store = new OutputStore(root);
    const taskId = randomUUID();
    await mkdir(root, { recursive: true });
    await symlink(outside, join(root, taskId));
    const [rec] = await store.fetchAll(taskId, source({ 'a.png': PNG }), [ref('a.png')]);
    expect(rec).toMatchObject({ file: null, errorCode: 'store_failed' });
    expect((await readdir(outside)).sort()).toEqual(['passwd']);
  });

  it('two fetches of one task at once run one after the other and leave one consistent folder', async () => {
    const store = new OutputStore(root);
    const taskId = randomUUID();
    const calls: string[] = [];
    const [first, second] = await Promise.all([
      store.fetchAll(taskId, source({ 'a.png': PNG, 'b.png': PNG }, calls), [ref('a.png'), ref('b.png')], { concurrency: 2 }),
      store.fetchAll(taskId, source({ 'a.png': PNG, 'b.png': PNG }, calls), [ref('a.png'), ref('b.png')], { concurrency: 2 }),
    ]);
    expect(second).toEqual(first);
    // Serialised: the second fetch started only after the first had asked for both files.
    expect(calls).toEqual(['a.png', 'b.png', 'a.png', 'b.png']);
    expect((await readdir(join(root, taskId))).sort()).toEqual(['0-a.png', '0.thumb.png', '1-b.png', '1.thumb.png']);
  });

  it('task ids that are not plain get their own hashed folder inside the root', async () => {
    const store = new OutputStore(root);
    const [rec] = await store.fetchAll('../../escape', source({ 'a.png': PNG }), [ref('a.png')]);
    expect(rec!.file).toBe(`${taskDirName('../../escape')}/0-a.png`);
    expect(await readdir(base)).toEqual(expect.arrayContaining(['outputs', 'secret']));
    expect((await readdir(base)).length).toBe(2);
    expect((await store.read('../../escape', 0)).bytes).toEqual(PNG);
  });
});

describe('OutputStore.remove', () => {
  it('deletes a task folder; missing tasks are fine; other tasks stay', async () => {
    const store = new OutputStore(root);
    const a = randomUUID();
    const b = randomUUID();
    await store.fetchAll(a, source({ 'a.png': PNG }), [ref('a.png')]);
    await store.fetchAll(b, source({ 'a.png': PNG }), [ref('a.png')]);
    await store.remove(a);
    await store.remove(a);
    await store.remove(randomUUID());
    expect(await readdir(root)).toEqual([b]);
    await notFound(store.read(a, 0));
  });

  it('a symlink planted as a task folder is removed, not what it points to', async () => {
    const store = new OutputStore(root);
    const taskId = randomUUID();
    await mkdir(root, { recursive: true });
    await symlink(outside, join(root, taskId));
    await store.remove(taskId);
    expect(await readdir(root)).toEqual([]);
    expect(await readFile(join(outside, 'passwd'), 'utf8')).toBe('root:x:0:0');
  });
});
