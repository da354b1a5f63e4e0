import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import type { LedgerOptions, Store } from '../../src/main/engine/store/store';
import { createDatabase } from '../../harness/postgres';
import type { LedgerTarget } from './fixtures/open-target';
import { openTarget } from './fixtures/open-target';

export type { LedgerTarget };

export interface LedgerDb {
  target: LedgerTarget;
  /** Opens another connection (SQLite) or pool (PostgreSQL) to this test's database. */
  open(options?: LedgerOptions & { poolSize?: number }): Promise<Store>;
}

/** One backend of the conformance suite: only this factory differs between SQLite and PostgreSQL. */
export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A new, empty ledger for one test; every store opened through it is closed after the test. */
  fresh(): Promise<LedgerDb>;
}

function tracked(make: (target: LedgerTarget) => LedgerDb) {
  const open: Store[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return (target: LedgerTarget): LedgerDb => {
    const db = make(target);
    return {
      target,
      open: async (options) => {
        const store = await db.open(options);
        open.push(store);
        return store;
      },
    };
  };
}

/** Real SQLite files in a temp dir of this test file, removed after it. */
export function sqliteBackend(): Backend {
  let root = '';
  let n = 0;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'comfyfleet-ledger-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const wrap = tracked((target) => ({ target, open: (options) => openTarget(target, options) }));
  return {
    name: 'sqlite',
    fresh: async () => wrap({ kind: 'sqlite', file: join(root, `t${++n}`, 'ledger.sqlite') }),
  };
}

/**
 * The run's PostgreSQL (globalSetup): a database per test file, a schema per test, so tests
 * of one file never see each other's rows and files can run in parallel.
 */
export function postgresBackend(): Backend {
  let db: { url: string; drop(): Promise<void> } | null = null;
  let n = 0;
  beforeAll(async () => {
    const admin = inject('pgAdminUrl');
    if (!admin) throw new Error('no PostgreSQL for this run: the global setup did not start one (see test/support/postgres-global-setup.ts)');
    db = await createDatabase(admin, 'ledger');
  });
  afterAll(async () => {
    await db?.drop();
  });
  const wrap = tracked((target) => ({ target, open: (options) => openTarget(target, { poolSize: 12, ...options }) }));
  return {
    name: 'postgres',
    fresh: async () => {
      if (!db) throw new Error('the test database was not created');
      return wrap({ kind: 'postgres', url: db.url, schema: `t${++n}` });
    },
  };
}
