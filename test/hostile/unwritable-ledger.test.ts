import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/main/engine/store/open-sqlite';
import { runHost } from '../support/host-process';
import { makeUnwritable, UNWRITABLE_UNSUPPORTED } from '../support/unwritable-file';

/**
 * S1, M2: a ledger file that opens but cannot be written (here immutable, which stops root
 * too) must stop the headless host at start with a message naming the file and what to check,
 * and a non-zero exit — not a host that serves and fails at its first task with "attempt to
 * write a readonly database". The PostgreSQL side (a read-only role or database) is in
 * test/store/unwritable-ledger.test.ts, where the run's PostgreSQL is.
 */

describe('S1: an unwritable SQLite ledger stops the host at start', () => {
  it.skipIf(UNWRITABLE_UNSUPPORTED !== null)(`S1, M2: an immutable ledger.sqlite → exit 2 naming the file; writable again → the host serves${UNWRITABLE_UNSUPPORTED ? ` (skipped: ${UNWRITABLE_UNSUPPORTED})` : ''}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-unwritable-'));
    const file = join(dir, 'ledger.sqlite');
    try {
      // A real, current ledger: the start reads and migrates nothing, so only a write can tell.
      await (await openSqliteStore({ file })).close();
      const lock = makeUnwritable(file);
      let refused;
      try {
        refused = await runHost(['--port', '0', '--data', dir]);
      } finally {
        lock.undo();
      }
      expect(refused.outcome, refused.output).toEqual({ exited: 2, signal: null });
      expect(refused.output).toContain(`ledger "${file}" cannot be written: attempt to write a readonly database. Check the file's permissions`);
      expect(refused.output).toContain('free space');
      expect(refused.output).not.toContain('ComfyFleet console:');

      // Control: the same folder, writable again, starts — the refusal was about writing only.
      const control = await runHost(['--port', '0', '--data', dir]);
      expect(control.outcome, control.output).toBe('served');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
