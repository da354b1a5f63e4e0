import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { openStore, storeTarget } from '../../src/main/engine/store/open-store';
import { openSqliteStore } from '../../src/main/engine/store/open-sqlite';
import { ledgerConformance } from './conformance';
import { rejectsWith } from './fixtures/expect-error';
import { seeded } from '../../harness/seeded-random';
import { txt2img } from '../../harness/workflows';
import { sqliteBackend } from './harness';

const backend = sqliteBackend();
ledgerConformance(backend);

describe('the SQLite file (S1)', () => {
  async function folder(): Promise<string> {
    const db = await backend.fresh();
    if (db.target.kind !== 'sqlite') throw new Error('sqlite expected');
    const dir = join(db.target.file, '..');
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  function randomBytes(n: number, seed: number): Buffer {
    const rand = seeded(seed);
    return Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
  }

  it('S1: one file in the data folder, in WAL mode, with its migrations recorded once', async () => {
    const dir = await folder();
    const target = storeTarget(undefined, join(dir, 'data'));
    expect(target).toEqual({ kind: 'sqlite', file: join(dir, 'data', 'ledger.sqlite') });
    const store = await openStore(target);
    await store.submit({ sessionId: 's', workflow: txt2img() });
    await store.close();
    const again = await openStore(target);
    await again.close();
    const raw = new DatabaseSync(join(dir, 'data', 'ledger.sqlite'));
    try {
      expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(raw.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([
        { version: 1, name: 'initial' },
        { version: 2, name: 'task-parent-index' },
      ]);
    } finally {
      raw.close();
    }
  });

  it('S1: a file that is not a SQLite database → corrupt_database naming the file and what to do; the file is not overwritten', async () => {
    const file = join(await folder(), 'ledger.sqlite');
    const bytes = randomBytes(64 * 1024, 7);
    writeFileSync(file, bytes);
    const err = await rejectsWith(openSqliteStore({ file }), 'corrupt_database');
    expect(err.message).toContain(`ledger database ${file} is damaged or is not a SQLite database`);
    expect(err.message).toContain('It was left untouched: move it aside or restore a backup');
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('S1: a ledger whose pages are damaged behind an intact header → corrupt_database; the file is not overwritten', async () => {
    const file = join(await folder(), 'ledger.sqlite');
    const store = await openSqliteStore({ file });
    for (let i = 0; i < 20; i++) await store.submit({ sessionId: 's', workflow: txt2img(i) });
    await store.close();
    const damaged = readFileSync(file);
    const pageSize = damaged.readUInt16BE(16);
    randomBytes(damaged.length - pageSize, 3).copy(damaged, pageSize);
    writeFileSync(file, damaged);
    await rejectsWith(openSqliteStore({ file }), 'corrupt_database');
    expect(readFileSync(file).equals(damaged)).toBe(true);
  });

  it('S1: a SQLite database of another program is refused and left untouched', async () => {
    const file = join(await folder(), 'other.db');
    const raw = new DatabaseSync(file);
    raw.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)');
    raw.close();
    const before = readFileSync(file);
    const err = await rejectsWith(openSqliteStore({ file }), 'incompatible_database');
    expect(err.message).toContain('already holds tables that are not ComfyFleet\'s (invoices)');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('S1: a ledger migrated by a newer ComfyFleet is refused, naming both versions', async () => {
    const file = join(await folder(), 'ledger.sqlite');
    await (await openSqliteStore({ file })).close();
    const raw = new DatabaseSync(file);
    raw.exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)`);
    raw.close();
    const err = await rejectsWith(openSqliteStore({ file }), 'incompatible_database');
    expect(err.message).toContain('has schema version 99, newer than this ComfyFleet knows (2)');
  });

  it('S1: a writer kept waiting past the busy timeout by another connection gets store_busy, not a hang', async () => {
    const file = join(await folder(), 'ledger.sqlite');
    const store = await openSqliteStore({ file, busyTimeoutMs: 50 });
    const other = new DatabaseSync(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const err = await rejectsWith(store.submit({ sessionId: 's', workflow: txt2img() }), 'store_busy');
      expect(err.message).toContain(`ledger database ${file} stayed locked by other writers too long`);
      other.exec('ROLLBACK');
      expect((await store.submit({ sessionId: 's', workflow: txt2img() })).outcome).toBe('created');
    } finally {
      if (other.isTransaction) other.exec('ROLLBACK');
      other.close();
      await store.close();
    }
  });

  it('S1: a data folder that cannot be created → store_unavailable naming the path', async () => {
    const dir = await folder();
    writeFileSync(join(dir, 'plain-file'), 'x');
    const err = await rejectsWith(openSqliteStore({ file: join(dir, 'plain-file', 'ledger.sqlite') }), 'store_unavailable');
    expect(err.message).toContain(join(dir, 'plain-file', 'ledger.sqlite'));
  });
});
