import { z } from 'zod';
import type { ServerConfig } from '../../../../shared/fleet';
import type { Script } from '../sql/script';
import { all, run } from '../sql/script';
import { int, jsonColumn, parseRow } from './json-column';

const serverRowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string(),
    enabled: int,
    drained: int,
    max_in_flight: int,
    tags: jsonColumn(z.array(z.string())),
    added_at: int,
  })
  .transform(
    (r): ServerConfig => ({
      id: r.id,
      name: r.name,
      url: r.url,
      enabled: r.enabled !== 0,
      drained: r.drained !== 0,
      maxInFlight: r.max_in_flight,
      tags: r.tags,
      addedAt: r.added_at,
    }),
  );

export function* listServerRows(): Script<ServerConfig[]> {
  return (yield* all('SELECT id, name, url, enabled, drained, max_in_flight, tags, added_at FROM servers ORDER BY added_at, id')).map((r) => parseRow(serverRowSchema, r, 'server row'));
}

export function* upsertServer(s: ServerConfig): Script<void> {
  yield* run(
    `INSERT INTO servers (id, name, url, enabled, drained, max_in_flight, tags, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url, enabled = excluded.enabled, drained = excluded.drained,
       max_in_flight = excluded.max_in_flight, tags = excluded.tags, added_at = excluded.added_at`,
    [s.id, s.name, s.url, s.enabled ? 1 : 0, s.drained ? 1 : 0, s.maxInFlight, JSON.stringify(s.tags), s.addedAt],
  );
}

export function* deleteServerRow(id: string): Script<void> {
  yield* run('DELETE FROM servers WHERE id = ?', [id]);
}
