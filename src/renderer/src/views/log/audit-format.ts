import type { AuditEntry } from '../../../../shared/tasks';

export interface DetailPair {
  key: string;
  value: string;
}

/** A value as an operator reads it: text as is, lists joined, small objects as `key: value` pairs. */
function readable(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(readable).join(', ');
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? '(none)' : entries.map(([k, v]) => `${k}: ${readable(v)}`).join(', ');
  }
  return String(value);
}

/** An audit entry's details as key/value rows (U7); details that are not an object make one `value` row. */
export function detailPairs(details: unknown): DetailPair[] {
  if (details === null || details === undefined) return [];
  if (typeof details !== 'object' || Array.isArray(details)) return [{ key: 'value', value: readable(details) }];
  return Object.entries(details as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => ({ key, value: readable(v) }));
}

/** The audit filter: every word of `query` must appear (any case) in the action, target, actor, reason or details. */
export function matchesAudit(entry: AuditEntry, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [entry.action, entry.target, entry.actor, entry.reason ?? '', ...detailPairs(entry.details).map((p) => `${p.key} ${p.value}`)].join('\n').toLowerCase();
  return words.every((w) => text.includes(w));
}
