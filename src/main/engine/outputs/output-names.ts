import { sanitiseFileName } from './sanitise';

/**
 * The only names the output store ever writes inside a task folder. Keeping them to fixed
 * shapes lets `read` accept a name only if it is one of ours, and lets a re-fetch recognise
 * stale files and leftovers of a crash:
 *
 * - `<index>-<sanitised server name>`: the output itself (`0-ComfyUI_00001_.png`);
 * - `<index>.thumb.png`: its thumbnail (no `-`, so it never looks like an output);
 * - `.tmp-…`: a write in progress (a leading dot, which sanitised names never have).
 */

export const MAX_OUTPUT_INDEX = 99_999;

export function outputFileName(index: number, serverFilename: string): string {
  return `${index}-${sanitiseFileName(serverFilename)}`;
}

export function thumbFileName(index: number): string {
  return `${index}.thumb.png`;
}

export const TEMP_PREFIX = '.tmp-';

const OUTPUT = /^(0|[1-9][0-9]{0,4})-[^/\\]+$/;
const THUMB = /^(0|[1-9][0-9]{0,4})\.thumb\.png$/;

export type OurName = { kind: 'output' | 'thumb'; index: number } | { kind: 'temp' };

/** What a name in a task folder is, or null when the store did not write it. */
export function classifyName(name: string): OurName | null {
  if (name.startsWith(TEMP_PREFIX)) return { kind: 'temp' };
  const thumb = THUMB.exec(name);
  if (thumb) return { kind: 'thumb', index: Number(thumb[1]) };
  const output = OUTPUT.exec(name);
  // The part after the dash must be a name the sanitiser could have produced.
  if (output && sanitiseFileName(name.slice(name.indexOf('-') + 1)) === name.slice(name.indexOf('-') + 1)) {
    return { kind: 'output', index: Number(output[1]) };
  }
  return null;
}
