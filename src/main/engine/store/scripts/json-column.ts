import { z } from 'zod';
import { LedgerError } from '../../tasks/ledger-error';

/** A TEXT column holding JSON, parsed and then checked with `schema`. */
export function jsonColumn<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({ code: 'custom', message: 'not valid JSON', input: text });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** Integers come back as numbers from SQLite and (with the int8 parser) from pg. */
export const int = z.number().int();

/** Parses a row read back from the database; a row that does not fit names itself. */
export function parseRow<T extends z.ZodType>(schema: T, row: unknown, what: string): z.output<T> {
  const r = schema.safeParse(row);
  if (r.success) return r.data;
  throw new LedgerError(
    'internal',
    `${what} in the ledger is unreadable (${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); was it written by another version or edited by hand?`,
  );
}
