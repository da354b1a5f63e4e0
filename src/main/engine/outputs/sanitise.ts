import { createHash } from 'node:crypto';

/**
 * Local names from untrusted server words (E3, T6). A hostile or broken server chooses output
 * file names; nothing it sends may pick a folder, a device, or a name the file system refuses.
 * Rules, applied in this order, are pure and deterministic (same input → same output), and
 * sanitising a sanitised name changes nothing:
 *
 * 1. Lone UTF-16 surrogates become `_`; the text is NFC-normalised (macOS would otherwise store
 *    another byte sequence than Linux for the same name).
 * 2. ComfyUI's annotation suffix (` [output]`, ` [input]`, ` [temp]`) is dropped: it is an
 *    instruction to `/view`, not part of the name.
 * 3. Only the last path segment survives, splitting on both `/` and `\` (`../../etc/passwd` →
 *    `passwd`, `C:\x.png` → `x.png`).
 * 4. Control characters (C0, DEL, C1) and bidi/zero-width formatting characters are removed:
 *    they hide the real name (`evil\u202Egnp.exe`) or break logs.
 * 5. Characters Windows refuses (`<>:"|?*`) become `_`.
 * 6. Leading dots and spaces go (no hidden files, no `.`/`..`); trailing dots and spaces go
 *    (Windows drops them silently, so two names would meet).
 * 7. Windows device names (`CON`, `nul.png`, `COM1`, `LPT9.txt`…) get a leading `_`.
 * 8. The name is cut to a byte budget (UTF-8, never inside a character), keeping a short
 *    extension.
 * 9. Nothing left → the fallback (`output`).
 */

export interface SanitiseOptions {
  /** UTF-8 byte budget of the result; default {@link DEFAULT_NAME_BYTES}. At least 16. */
  maxBytes?: number;
  /** Used when nothing usable remains; default `output`. Must itself be a safe name. */
  fallback?: string;
}

/**
 * Leaves room under the usual 255-byte limit for our `<index>-` prefix and `.tmp-…` names.
 */
export const DEFAULT_NAME_BYTES = 160;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ANNOTATION = / \[(?:output|input|temp)\]$/;
// C0, DEL, C1; bidi embeddings/overrides/isolates; zero-width and BOM; line/paragraph separators.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const WINDOWS_RESERVED_CHARS = /[<>:"|?*]/g;
const LEADING = /^[.\s]+/;
const TRAILING = /[.\s]+$/;
// Windows treats these as devices with any extension, in any case; the superscript digits too.
const DEVICE = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(?:\.|$)/i;
const EXTENSION = /\.[A-Za-z0-9]{1,16}$/;

export function sanitiseFileName(name: string, options: SanitiseOptions = {}): string {
  const maxBytes = Math.max(16, options.maxBytes ?? DEFAULT_NAME_BYTES);
  const fallback = options.fallback ?? 'output';
  // One pass can uncover what an earlier rule would have caught (`a [input]\0` only ends in
  // an annotation once the NUL is gone), so run to a fixed point; every pass only removes or
  // shortens, so this ends quickly.
  let s = String(name);
  for (let i = 0; i < 8; i++) {
    const next = onePass(s, maxBytes);
    if (next === s) break;
    s = next;
  }
  return s === '' ? fallback : s;
}

function onePass(name: string, maxBytes: number): string {
  let s = name.replace(LONE_SURROGATE, '_').normalize('NFC');
  s = s.replace(ANNOTATION, '');
  s = lastSegment(s);
  s = s.replace(INVISIBLE, '');
  s = s.replace(WINDOWS_RESERVED_CHARS, '_');
  s = trimEnds(s);
  if (DEVICE.test(s)) s = `_${s}`;
  return trimEnds(capBytes(s, maxBytes));
}

/**
 * A folder name for a task. Ids that are already plain (lower-case letters, digits, `-`, `_`:
 * every uuid) are kept as they are so the folder is easy to find; any other id is sanitised
 * and suffixed with a hash of the original, so two different ids never share a folder (and
 * `remove` of one never deletes the other's files), also on case-insensitive file systems.
 */
export function taskDirName(taskId: string): string {
  if (PLAIN_ID.test(taskId) && !DEVICE.test(taskId)) return taskId;
  const hash = createHash('sha256').update(taskId, 'utf8').digest('hex').slice(0, 16);
  const base =
    sanitiseFileName(taskId, { maxBytes: 64, fallback: 'task' })
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'task';
  return `${base}-${hash}`;
}

const PLAIN_ID = /^[a-z0-9][a-z0-9_-]{0,99}$/;

function lastSegment(s: string): string {
  const parts = s.split(/[/\\]/);
  return parts[parts.length - 1] ?? '';
}

function trimEnds(s: string): string {
  return s.replace(LEADING, '').replace(TRAILING, '');
}

/** Cuts to `maxBytes` of UTF-8 on a code point boundary, keeping a short extension when it fits. */
function capBytes(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  const found = EXTENSION.exec(s)?.[0] ?? '';
  // An extension may not eat the whole budget: then it is just part of the name.
  const ext = Buffer.byteLength(found, 'utf8') <= maxBytes / 2 ? found : '';
  const stem = s.slice(0, s.length - ext.length);
  const room = maxBytes - Buffer.byteLength(ext, 'utf8');
  return truncateUtf8(stem, room) + ext;
}

function truncateUtf8(s: string, maxBytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (used + n > maxBytes) break;
    out += ch;
    used += n;
  }
  return out;
}
