import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/main/engine/store/open-postgres';
import { storeTarget } from '../../src/main/engine/store/open-store';
import { adminQuery } from '../../harness/postgres';
import { ledgerConformance } from './conformance';
import { rejectsWith } from './fixtures/expect-error';
import { txt2img } from '../../harness/workflows';
import { postgresBackend } from './harness';

const backend = postgresBackend();
ledgerConformance(backend);

describe('the PostgreSQL database (S2)', () => {
  async function target(): Promise<{ url: string; schema: string }> {
    const db = await backend.fresh();
    if (db.target.kind !== 'postgres') throw new Error('postgres expected');
    return db.target;
  }

  it('S2: a postgres:// URL selects PostgreSQL; anything else the SQLite file', () => {
    expect(storeTarget('postgres://u:p@db.local:5432/fleet', '/data')).toEqual({ kind: 'postgres', url: 'postgres://u:p@db.local:5432/fleet' });
    expect(storeTarget('postgresql://db/fleet', '/data').kind).toBe('postgres');
    expect(storeTarget('', '/data')).toEqual({ kind: 'sqlite', file: '/data/ledger.sqlite' });
  });

  it('S2: an unreachable server → store_unavailable naming the URL but never the password', async () => {
    const err = await rejectsWith(openPostgresStore({ url: 'postgres://fleet:s3cret@127.0.0.1:1/ledger', connectTimeoutMs: 2000 }), 'store_unavailable');
    expect(err.message).toContain('cannot use the ledger database postgres://fleet:***@127.0.0.1:1/ledger');
    expect(err.message).not.toContain('s3cret');
  });

  it('S2: a database that does not exist → store_unavailable saying to create it', async () => {
    const { url } = await target();
    const missing = new URL(url);
    missing.pathname = '/no_such_db';
    const err = await rejectsWith(openPostgresStore({ url: missing.toString() }), 'store_unavailable');
    expect(err.message).toContain('create the database first');
  });

  it('S2: two consoles starting together on a new schema migrate it once', async () => {
    const t = await target();
    const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore({ ...t, poolSize: 2 })));
    try {
      const rows = await adminQuery(t.url, `SELECT version FROM "${t.schema}".schema_migrations ORDER BY version`);
      expect(rows.rows).toEqual([{ version: 1 }, { version: 2 }]);
      expect((await stores[3]!.submit({ sessionId: 's', workflow: txt2img() })).outcome).toBe('created');
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('S2: schemas are separate ledgers in one database', async () => {
    const a = await target();
    const b = await target();
    const sa = await openPostgresStore(a);
    const sb = await openPostgresStore(b);
    try {
      await sa.submit({ sessionId: 's', key: 'k', workflow: txt2img() });
      expect((await sb.submit({ sessionId: 's', key: 'k', workflow: txt2img() })).outcome).toBe('created');
      expect((await sa.listTasks()).total).toBe(1);
      expect(sa.label).toContain(`(schema ${a.schema})`);
    } finally {
      await sa.close();
      await sb.close();
    }
  });

  it('S2: a schema migrated by a newer ComfyFleet, or holding foreign tables, is refused untouched', async () => {
    const t = await target();
    await (await openPostgresStore(t)).close();
    await adminQuery(t.url, `INSERT INTO "${t.schema}".schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)`);
    const err = await rejectsWith(openPostgresStore(t), 'incompatible_database');
    expect(err.message).toContain('has schema version 99, newer than this ComfyFleet knows (2)');

    const other = await target();
    await adminQuery(other.url, `CREATE SCHEMA "${other.schema}"; CREATE TABLE "${other.schema}".invoices (id int)`);
    await rejectsWith(openPostgresStore(other), 'incompatible_database');
    const tables = await adminQuery(other.url, `SELECT table_name FROM information_schema.tables WHERE table_schema = '${other.schema}'`);
    expect(tables.rows).toEqual([{ table_name: 'invoices' }]);
  });

  it('S2: bad URLs and schema names are refused before connecting', async () => {
    await rejectsWith(openPostgresStore({ url: 'mysql://x/y' }), 'bad_request');
    await rejectsWith(openPostgresStore({ url: 'postgres://127.0.0.1/x', schema: 'Robert"); DROP' }), 'bad_request');
  });
});
