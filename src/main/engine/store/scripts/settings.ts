import type { Script } from '../sql/script';
import { get, run } from '../sql/script';

export function* readSetting(key: string): Script<string | undefined> {
  const row = yield* get('SELECT value FROM settings WHERE key = ?', [key]);
  return row ? String(row.value) : undefined;
}

export function* writeSetting(key: string, json: string, now: number): Script<void> {
  yield* run('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at', [key, json, now]);
}

export function* deleteSetting(key: string): Script<void> {
  yield* run('DELETE FROM settings WHERE key = ?', [key]);
}
