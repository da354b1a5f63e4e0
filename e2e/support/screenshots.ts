import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const OUTPUT = resolve(__dirname, '..', 'output');

/** Where a view's screenshot is kept as a test artifact (`e2e/output/<name>`). */
export function screenshotPath(name: string): string {
  mkdirSync(OUTPUT, { recursive: true });
  return resolve(OUTPUT, name);
}
