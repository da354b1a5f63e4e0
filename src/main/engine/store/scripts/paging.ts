import { ledgerErrors } from '../../tasks/ledger-error';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

export function pageSize(limit: number | undefined, max = MAX_PAGE, fallback = DEFAULT_PAGE): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw ledgerErrors.badRequest(`page size must be a whole number from 1 to ${max}, got ${limit}`);
  return limit;
}

/**
 * Keyset cursors: the sort key of the last row, opaque to callers. Keyset rather than offset
 * so a page deep in 100 000 tasks costs the same as the first, and rows inserted meanwhile
 * do not shift the pages.
 */
export function encodeCursor(n: number, id: string | number): string {
  return Buffer.from(JSON.stringify([n, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [number, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && (typeof v[1] === 'string' || typeof v[1] === 'number')) return [v[0] as number, String(v[1])];
  } catch {
    // fall through to the error below
  }
  throw ledgerErrors.badRequest('the page cursor is not one this ledger gave out; start again from the first page');
}
