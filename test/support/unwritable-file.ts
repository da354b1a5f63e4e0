import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether `chattr +i` stops writes here; probed once (see canChattr). */
let chattrWorks: boolean | undefined;

/**
 * Makes a file really unwritable for this process and its children — also as root, which
 * ignores permission bits: `chattr +i` (immutable; needs CAP_LINUX_IMMUTABLE and ext4, xfs,
 * btrfs…), or mode 0444 for a user that is not root. The returned `undo` must run before the
 * folder is removed (an immutable file cannot be deleted).
 */
export function makeUnwritable(file: string): { undo(): void } {
  if (canChattr()) {
    execFileSync('chattr', ['+i', file], { stdio: 'pipe' });
    return { undo: () => execFileSync('chattr', ['-i', file], { stdio: 'pipe' }) };
  }
  if (!isRoot()) {
    chmodSync(file, 0o444);
    return { undo: () => chmodSync(file, 0o644) };
  }
  throw new Error(`cannot make ${file} unwritable: ${UNWRITABLE_UNSUPPORTED ?? 'unknown reason'}`);
}

/**
 * Why {@link makeUnwritable} cannot work on this machine, or null when it can. Found once by
 * trying on a scratch file: root on a file system without the immutable flag, or without
 * CAP_LINUX_IMMUTABLE (a default Docker container), has no way to stop its own writes.
 */
export const UNWRITABLE_UNSUPPORTED: string | null = isRoot() && !canChattr() ? 'running as root, and `chattr +i` is refused here (no CAP_LINUX_IMMUTABLE, or tmpfs)' : null;

function canChattr(): boolean {
  if (chattrWorks !== undefined) return chattrWorks;
  const dir = mkdtempSync(join(tmpdir(), 'cf-chattr-'));
  const probe = join(dir, 'probe');
  writeFileSync(probe, 'x');
  try {
    execFileSync('chattr', ['+i', probe], { stdio: 'pipe' });
    try {
      // Proof, not trust: the flag must stop this very process.
      closeSync(openSync(probe, 'a'));
      chattrWorks = false;
    } catch {
      chattrWorks = true;
    }
    execFileSync('chattr', ['-i', probe], { stdio: 'pipe' });
  } catch {
    chattrWorks = false;
  }
  rmSync(dir, { recursive: true, force: true });
  return chattrWorks;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}
