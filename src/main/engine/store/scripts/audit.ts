import { z } from 'zod';
import type { AuditEntry, AuditPage } from '../../../../shared/tasks';
import type { Script, SqlParam } from '../sql/script';
import { all, get } from '../sql/script';
import { int, jsonColumn, parseRow } from './json-column';
import { decodeCursor, encodeCursor } from './paging';

export interface AuditRecord {
  at: number;
  actor: string;
  action: string;
  target: string;
  reason: string | null;
  details: unknown;
}

const COLUMNS = 'id, at, actor, action, target, reason, details';

const auditRowSchema = z
  .object({ id: int, at: int, actor: z.string(), action: z.string(), target: z.string(), reason: z.string().nullable(), details: jsonColumn(z.unknown()).nullable() })
  .transform((r): AuditEntry => ({ ...r, details: r.details ?? null }));

export function* insertAudit(entry: AuditRecord): Script<AuditEntry> {
  const details = entry.details === undefined || entry.details === null ? null : JSON.stringify(entry.details);
  const rows = yield* all(`INSERT INTO audit_log (at, actor, action, target, reason, details) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`, [
    entry.at,
    entry.actor,
    entry.action,
    entry.target,
    entry.reason,
    details,
  ]);
  return parseRow(auditRowSchema, rows[0], 'audit entry');
}

/** Newest first, keyset-paged on (at, id). */
export function* listAuditPage(limit: number, cursor: string | null, target: string | null): Script<AuditPage> {
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (target !== null) {
    where.push('target = ?');
    params.push(target);
  }
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = Number((yield* get(`SELECT COUNT(*) AS n FROM audit_log ${filter}`, params))?.n ?? 0);
  const pageWhere = [...where];
  const pageParams = [...params];
  if (cursor) {
    const [at, id] = decodeCursor(cursor);
    pageWhere.push('(at, id) < (?, ?)');
    pageParams.push(at, Number(id));
  }
  const rows = yield* all(`SELECT ${COLUMNS} FROM audit_log ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`, [...pageParams, limit + 1]);
  const items = rows.slice(0, limit).map((r) => parseRow(auditRowSchema, r, 'audit entry'));
  const last = items.at(-1);
  return { items, total, nextCursor: rows.length > limit && last ? encodeCursor(last.at, last.id) : null };
}
