import type { TaskPolicy } from '../../../../shared/tasks';
import { DEFAULT_POLICY, DEFAULT_TASK_TYPE, parsePolicy } from '../../tasks/task-policy';
import type { Script } from '../sql/script';
import { all, get, run } from '../sql/script';

/*
 * Task types live in `settings`, one row per type (`policy/<type>`), so two consoles
 * registering different types never overwrite each other's read-modify-write. The built-in
 * `default` type exists without a row; a row may override its policy.
 */
const PREFIX = 'policy/';

function parseStored(value: unknown): TaskPolicy {
  return parsePolicy(JSON.parse(String(value)));
}

export function* readPolicy(type: string): Script<TaskPolicy | null> {
  const row = yield* get('SELECT value FROM settings WHERE key = ?', [PREFIX + type]);
  if (row) return parseStored(row.value);
  return type === DEFAULT_TASK_TYPE ? { ...DEFAULT_POLICY } : null;
}

export function* listPolicies(): Script<TaskPolicy[]> {
  const stored = (yield* all(`SELECT value FROM settings WHERE key LIKE 'policy/%'`)).map((r) => parseStored(r.value));
  const byType = new Map<string, TaskPolicy>([[DEFAULT_TASK_TYPE, { ...DEFAULT_POLICY }]]);
  for (const p of stored) byType.set(p.type, p);
  return [...byType.values()].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

export function* writePolicy(policy: TaskPolicy, now: number): Script<TaskPolicy> {
  yield* run('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at', [
    PREFIX + policy.type,
    JSON.stringify(policy),
    now,
  ]);
  return policy;
}
