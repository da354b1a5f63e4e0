import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_PREFIX } from './output-names';

/**
 * File operations of the output store that never leave their folder: no symlinks followed
 * (a link planted in the data folder could otherwise point reads or writes anywhere), writes
 * that appear whole or not at all.
 */

// Windows has no O_NOFOLLOW; the lstat checks below still refuse links there.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** Thrown when a path inside the store is not what the store put there. */
export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
}

/** Creates `parent/name` if needed and checks it is a real folder, not a link to one elsewhere. */
export async function ensurePlainDir(parent: string, name: string): Promise<string> {
  const dir = join(parent, name);
  await mkdir(dir, { recursive: true });
  const st = await lstat(dir);
  if (st.isSymbolicLink() || !st.isDirectory()) throw new UnsafePathError(`${dir} is not a plain folder`);
  return dir;
}

/** Whether `parent/name` exists as a real folder (false for a link or a file). */
export async function isPlainDir(path: string): Promise<boolean> {
  try {
    const st = await lstat(path);
    return st.isDirectory() && !st.isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Writes to a fresh temporary name (exclusive create, so it cannot open someone's link), syncs,
 * then renames over `name`. A crash leaves at most a `.tmp-…` file, never half a file under
 * the final name; rename replaces a link at `name` rather than writing through it.
 */
export async function writeFileAtomic(dir: string, name: string, data: Uint8Array): Promise<void> {
  const temp = join(dir, `${TEMP_PREFIX}${randomUUID()}`);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o644);
  try {
    try {
      await handle.writeFile(data);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(dir, name));
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

export type PlainFile = { bytes: Buffer } | { tooLarge: number };

/**
 * Reads `dir/name` only if it is a regular file with a single link: not a symlink (checked
 * before opening and by O_NOFOLLOW while opening), not a hard link to a file elsewhere, and
 * the file opened is the file checked. Returns null when it is missing or refused.
 */
export async function readPlainFile(dir: string, name: string, maxBytes: number): Promise<PlainFile | null> {
  const path = join(dir, name);
  let before;
  try {
    before = await lstat(path);
  } catch {
    return null;
  }
  if (!before.isFile() || before.isSymbolicLink() || before.nlink > 1) return null;
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.ino !== before.ino || st.dev !== before.dev) return null;
    if (st.size > maxBytes) return { tooLarge: st.size };
    // Read what was measured, not "until EOF": a file that grows meanwhile cannot blow the cap.
    const bytes = Buffer.alloc(st.size);
    let got = 0;
    while (got < bytes.length) {
      const { bytesRead } = await handle.read(bytes, got, bytes.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { bytes: bytes.subarray(0, got) };
  } finally {
    await handle.close();
  }
}
