export const MAX_COPIES = 100;

/** 1–100, whatever was typed. */
export function clampCopies(n: number): number {
  if (!Number.isFinite(n)) return 1;
  return Math.min(MAX_COPIES, Math.max(1, Math.floor(n)));
}

/**
 * The idempotency key of each copy. One copy keeps the key as given; several get `key-1…key-n`,
 * so each is its own task rather than a duplicate of the first. No key: no keys (null).
 */
export function expandCopies(key: string, copies: number): (string | null)[] {
  const n = clampCopies(copies);
  const k = key.trim();
  if (!k) return Array.from({ length: n }, () => null);
  if (n === 1) return [k];
  return Array.from({ length: n }, (_, i) => `${k}-${i + 1}`);
}
