import { mkdirSync, readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { pyInt } from './py-convert';
import { PyError } from './py-json';

/**
 * `folder_paths.py`: the output / input / temp directories and the rules for where
 * SaveImage may write and `/view` may read. Path semantics are Python's (`os.path.join`
 * restarts at an absolute component, `commonpath` compares whole components).
 */

export interface Folders {
  output: string;
  input: string;
  temp: string;
}

export function pyJoin(a: string, ...rest: string[]): string {
  let out = a;
  for (const part of rest) {
    if (part.startsWith('/')) out = part;
    else if (out === '' || out.endsWith('/')) out += part;
    else out += '/' + part;
  }
  return out;
}

export function pyNormpath(p: string): string {
  if (p === '') return '.';
  return posix.normalize(p).replace(/(.)\/$/, '$1');
}

export function pyAbspath(p: string): string {
  return posix.resolve(p);
}

export function pyCommonpath(a: string, b: string): string {
  const pa = pyAbspath(a).split('/').filter(Boolean);
  const pb = pyAbspath(b).split('/').filter(Boolean);
  const common: string[] = [];
  for (let i = 0; i < Math.min(pa.length, pb.length) && pa[i] === pb[i]; i++) common.push(pa[i] as string);
  return '/' + common.join('/');
}

export function isInside(base: string, candidate: string): boolean {
  return pyCommonpath(base, pyAbspath(candidate)) === base;
}

/** `annotated_filepath`: a trailing " [output]" / " [input]" / " [temp]" picks the folder. */
export function annotatedFilepath(name: string, folders: Folders): [string, string | null] {
  if (name.endsWith('[output]')) return [name.slice(0, -9), folders.output];
  if (name.endsWith('[input]')) return [name.slice(0, -8), folders.input];
  if (name.endsWith('[temp]')) return [name.slice(0, -7), folders.temp];
  return [name, null];
}

export function directoryByType(type: string, folders: Folders): string | null {
  if (type === 'output') return folders.output;
  if (type === 'input') return folders.input;
  if (type === 'temp') return folders.temp;
  return null;
}

function computeVars(input: string, width: number, height: number): string {
  const now = new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return input
    .replaceAll('%width%', String(width))
    .replaceAll('%height%', String(height))
    .replaceAll('%year%', String(now.getFullYear()))
    .replaceAll('%month%', pad(now.getMonth() + 1))
    .replaceAll('%day%', pad(now.getDate()))
    .replaceAll('%hour%', pad(now.getHours()))
    .replaceAll('%minute%', pad(now.getMinutes()))
    .replaceAll('%second%', pad(now.getSeconds()));
}

export interface SavePath {
  fullOutputFolder: string;
  filename: string;
  counter: number;
  subfolder: string;
}

/** `get_save_image_path`: refuses to leave `outputDir`, continues the highest counter on disk. */
export function getSaveImagePath(filenamePrefix: string, outputDir: string, width: number, height: number): SavePath {
  if (filenamePrefix.includes('%')) filenamePrefix = computeVars(filenamePrefix, width, height);
  const normalized = pyNormpath(filenamePrefix);
  const subfolder = posix.dirname(normalized) === '.' ? '' : posix.dirname(normalized);
  const filename = posix.basename(normalized);
  const fullOutputFolder = pyJoin(outputDir, subfolder);
  const common = pyCommonpath(outputDir, pyAbspath(fullOutputFolder));
  if (common !== outputDir) {
    throw new PyError(
      'Exception',
      '**** ERROR: Saving image outside the output folder is not allowed.' +
        `\n full_output_folder: ${pyAbspath(fullOutputFolder)}` +
        `\n         output_dir: ${outputDir}` +
        `\n         commonpath: ${common}`,
    );
  }
  const prefixLen = posix.basename(filenamePrefix).length;
  let counter = 1;
  try {
    let best: [number, string] | null = null;
    for (const f of readdirSync(fullOutputFolder)) {
      const prefix = f.slice(0, prefixLen + 1);
      let digits = 0;
      try {
        digits = pyInt(f.slice(prefixLen + 1).split('_')[0] ?? '');
      } catch {
        digits = 0;
      }
      if (prefix.slice(0, -1) !== filename || !prefix.endsWith('_')) continue;
      if (!best || digits > best[0] || (digits === best[0] && prefix > best[1])) best = [digits, prefix];
    }
    if (best) counter = best[0] + 1;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(fullOutputFolder, { recursive: true });
  }
  return { fullOutputFolder, filename, counter, subfolder };
}
