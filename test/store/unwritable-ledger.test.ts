import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openPostgresStore } from '../../src/main/engine/store/open-postgres';
import { openSqliteStore } from '../../src/main/engine/store/open-sqlite';
import { adminQuery, createDatabase } from '../../harness/postgres';
import { txt2img } from '../../harness/workflows';
import { runHost } from '../support/host-process';
import { makeUnwritable, UNWRITABLE_UNSUPPORTED } from '../support/unwritable-file';
import { rejectsWith } from './fixtures/expect-error';

/**
 * S1, S2: a ledger that opens and answers reads but refuses writes is refused when the store
 * opens — with `store_unavailable` and a message that names the ledger, the cause and what to
 * check — never at the first task. Each database is made unwritable for real: an immutable
 * SQLite file (stops root too), a PostgreSQL role that may only read, a read-only database.
 */

describe('S1: a SQLite ledger that cannot be written', () => {
  it.skipIf(UNWRITABLE_UNSUPPORTED !== null)(`S1: an immutable ledger.sqlite is refused at open, naming the file${UNWRITABLE_UNSUPPORTED ? ` (skipped: ${UNWRITABLE_UNSUPPORTED})` : ''}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-unwritable-store-'));
    const file = join(dir, 'ledger.sqlite');
    try {
      const first = await openSqliteStore({ file });
      await first.submit({ sessionId: 's', key: 'before', workflow: txt2img() });
      await first.close();
      const lock = makeUnwritable(file);
      try {
        const err = await rejectsWith(openSqliteStore({ file }), 'store_unavailable');
        expect(err.message).toBe(
          `ledger "${file}" cannot be written: attempt to write a readonly database. Check the file's permissions (an immutable flag or a read-only disk also stop writes) and free space; nothing was written`,
        );
      } finally {
        lock.undo();
      }
      const again = await openSqliteStore({ file });
      try {
        expect((await again.listTasks()).items.map((t) => t.key)).toEqual(['before']);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('S2: a PostgreSQL ledger that cannot be written', () => {
  let admin: string;
  let db: { url: string; drop(): Promise<void> };
  // Roles belong to the cluster, not the database: unique per run, dropped after the database.
  const reader = `cf_reader_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    const url = inject('pgAdminUrl');
    if (!url) throw new Error('no PostgreSQL for this run: the global setup did not start one (see test/support/postgres-global-setup.ts)');
    admin = url;
    db = await createDatabase(admin, 'unwritable');
    // The ledger exists and is current, made by its owner; the reader may do all the start-up
    // does (create the schema and tables if missing, read them) but write no table.
    await (await openPostgresStore({ url: db.url, poolSize: 1 })).close();
    const name = new URL(db.url).pathname.slice(1);
    await adminQuery(admin, `CREATE ROLE ${reader} LOGIN`);
    await adminQuery(db.url, `GRANT CONNECT, CREATE ON DATABASE "${name}" TO ${reader}; GRANT USAGE, CREATE ON SCHEMA public TO ${reader}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${reader}`);
  });

  afterAll(async () => {
    await db?.drop();
    if (admin) await adminQuery(admin, `DROP ROLE IF EXISTS ${reader}`);
  });

  const asReader = () => {
    const u = new URL(db.url);
    u.username = reader;
    return u.toString();
  };

  it('S2: a role that may only read the tables is refused at open, naming the database and the role check', async () => {
    const url = asReader();
    const err = await rejectsWith(openPostgresStore({ url, poolSize: 1 }), 'store_unavailable');
    expect(err.message).toContain(`ledger "${url}" cannot be written: permission denied for table schema_migrations. Check that the role in the database URL may create, read and write`);
  });

  it('S2, M2: the headless host on that role exits 2 with the same message and never serves', async () => {
    const url = asReader();
    const dir = mkdtempSync(join(tmpdir(), 'cf-unwritable-pg-host-'));
    try {
      const run = await runHost(['--port', '0', '--data', dir, '--db', url]);
      expect(run.outcome, run.output).toEqual({ exited: 2, signal: null });
      expect(run.output).toContain(`ledger "${url}" cannot be written: permission denied for table schema_migrations`);
      expect(run.output).not.toContain('ComfyFleet console:');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('S2: a read-only database (default_transaction_read_only) is refused at open with the same sentence', async () => {
    const ro = await createDatabase(admin, 'readonly');
    try {
      await (await openPostgresStore({ url: ro.url, poolSize: 1 })).close();
      await adminQuery(admin, `ALTER DATABASE "${new URL(ro.url).pathname.slice(1)}" SET default_transaction_read_only = on`);
      const err = await rejectsWith(openPostgresStore({ url: ro.url, poolSize: 1 }), 'store_unavailable');
      expect(err.message).toContain(`ledger "${ro.url}" cannot be written: cannot execute`);
      expect(err.message).toContain('in a read-only transaction');
      expect(err.message).toContain('default_transaction_read_only');
    } finally {
      await ro.drop();
    }
  });
});
