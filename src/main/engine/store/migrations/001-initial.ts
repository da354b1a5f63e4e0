/*
 * 001 — the task ledger.
 *
 * One schema for SQLite and PostgreSQL; only spelling differs (the tokens below: 64-bit
 * integers, identity columns, byte-order collation of keys, SQLite's WITHOUT ROWID). Times are
 * epoch milliseconds passed in by the engine's clock, never the database's, so tests and
 * replays are deterministic. JSON is stored as TEXT and parsed with zod when read back.
 * Indexes are few on purpose: every one is written on each change of a task (P4); filters
 * without their own index (type, server) scan the created-order index, fine at 100 000 rows.
 *
 * - `tasks` is a projection. The record is `task_events`: every change of a task appends one
 *   event in the same transaction that updates the row (events.version = row version after
 *   it). `version` is the optimistic-concurrency counter: writers update
 *   `WHERE id = ? AND version = ?`, so two writers can never both win.
 * - Idempotency (T2) is decided by the database, not by check-then-insert: `key_claim` equals
 *   the key while the task holds it (active, or a `once` success) and is NULL otherwise; a
 *   unique index on (type, key_claim) admits one claimant per key, NULLs never collide. A
 *   submission inserts with ON CONFLICT DO NOTHING and reads the claimant in the same
 *   transaction; the transition that ends a claim sets it NULL in the same UPDATE. `idem_key`
 *   keeps the key for search after the claim is gone.
 * - The workflow (up to megabytes) lives in `task_workflows`, so list pages, counts and
 *   filters scan small rows (S4) and never load it.
 * - `task_attempts` holds one row per submission to a server with the prompt_id the console
 *   generated before POSTing (T4); prompt_ids are unique, so a task is found by any of them.
 * - `session_locks` maps a session to its server while the session has unfinished tasks (L2);
 *   it is keyed by session, so two consoles acquiring at once get one holder.
 * - Events, attempts and workflows go with their task (ON DELETE CASCADE) when retention
 *   purges it; `parent_id` is a plain reference that may outlive its parent.
 */
import type { Dialect } from '../sql/script';

export const name = 'initial';

export function statements(dialect: Dialect): string[] {
  const BIG = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  const SERIAL = dialect === 'sqlite' ? 'INTEGER PRIMARY KEY' : 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY';
  // SQLite: tables keyed by a text id are stored in key order, without a second rowid b-tree
  // and the index that would map id → rowid: one page less to write per insert.
  const KEYED = dialect === 'sqlite' ? ' WITHOUT ROWID' : '';
  // Byte order for keys that sort pages and cursors, so both databases page identically
  // whatever locale the PostgreSQL cluster was created with.
  const KEY = dialect === 'sqlite' ? 'TEXT' : 'TEXT COLLATE "C"';
  return [
    `CREATE TABLE servers (
      id ${KEY} PRIMARY KEY,
      name TEXT NOT NULL,
      url TEXT NOT NULL,
      enabled INTEGER NOT NULL,
      drained INTEGER NOT NULL,
      max_in_flight INTEGER NOT NULL,
      tags TEXT NOT NULL,
      added_at ${BIG} NOT NULL
    )${KEYED}`,
    `CREATE TABLE sessions (
      id ${KEY} PRIMARY KEY,
      created_at ${BIG} NOT NULL
    )${KEYED}`,
    `CREATE TABLE tasks (
      id ${KEY} PRIMARY KEY,
      type TEXT NOT NULL,
      session_id ${KEY} NOT NULL REFERENCES sessions (id),
      idem_key TEXT,
      key_claim TEXT,
      mode TEXT NOT NULL CHECK (mode IN ('once', 'rerunnable')),
      status TEXT NOT NULL CHECK (status IN ('queued', 'dispatched', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
      server_id TEXT,
      prompt_id TEXT,
      attempt INTEGER NOT NULL,
      requeues INTEGER NOT NULL,
      parent_id ${KEY},
      pin_server_id TEXT,
      requirements TEXT,
      progress TEXT,
      outputs TEXT NOT NULL,
      error TEXT,
      created_at ${BIG} NOT NULL,
      updated_at ${BIG} NOT NULL,
      dispatched_at ${BIG},
      started_at ${BIG},
      ended_at ${BIG},
      version INTEGER NOT NULL,
      CHECK (key_claim IS NULL OR key_claim = idem_key)
    )${KEYED}`,
    `CREATE UNIQUE INDEX tasks_key_claim ON tasks (type, key_claim)`,
    `CREATE INDEX tasks_created ON tasks (created_at, id)`,
    `CREATE INDEX tasks_status_created ON tasks (status, created_at, id)`,
    `CREATE INDEX tasks_session_status ON tasks (session_id, status)`,
    `CREATE INDEX tasks_ended ON tasks (ended_at) WHERE ended_at IS NOT NULL`,
    `CREATE TABLE task_workflows (
      task_id ${KEY} PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
      workflow TEXT NOT NULL
    )`,
    `CREATE TABLE task_events (
      id ${SERIAL},
      task_id ${KEY} NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
      at ${BIG} NOT NULL,
      version INTEGER NOT NULL,
      kind TEXT NOT NULL,
      data TEXT NOT NULL
    )`,
    `CREATE INDEX task_events_task ON task_events (task_id, id)`,
    `CREATE TABLE task_attempts (
      task_id ${KEY} NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
      n INTEGER NOT NULL,
      server_id TEXT NOT NULL,
      prompt_id TEXT NOT NULL UNIQUE,
      dispatched_at ${BIG} NOT NULL,
      started_at ${BIG},
      ended_at ${BIG},
      outcome TEXT CHECK (outcome IN ('succeeded', 'failed', 'cancelled', 'interrupted', 'requeued')),
      detail TEXT,
      PRIMARY KEY (task_id, n)
    )${KEYED}`,
    `CREATE TABLE session_locks (
      session_id ${KEY} PRIMARY KEY,
      server_id TEXT NOT NULL,
      acquired_at ${BIG} NOT NULL,
      renewed_at ${BIG} NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('held', 'stuck')),
      stuck_reason TEXT,
      stuck_since ${BIG}
    )${KEYED}`,
    `CREATE TABLE audit_log (
      id ${SERIAL},
      at ${BIG} NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT NOT NULL,
      reason TEXT,
      details TEXT
    )`,
    `CREATE INDEX audit_log_at ON audit_log (at, id)`,
    `CREATE TABLE settings (
      key ${KEY} PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at ${BIG} NOT NULL
    )${KEYED}`,
  ];
}
