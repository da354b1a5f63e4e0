import { z } from 'zod';

/*
 * Text the console stores or compares as a value must survive the database unchanged.
 *
 * A lone UTF-16 surrogate (JSON allows `"\ud800"`) cannot be encoded as UTF-8: SQLite stores
 * U+FFFD in its place, so `"u-x\ud800y"` and `"u-x\udbffy"` become the same key and
 * deduplicate against each other (T2). PostgreSQL refuses NUL in text outright. Both are
 * refused at the edge — the command schemas (IPC, bridge) and the REST layer — as
 * `bad_request` naming the field, so every database sees the same text and the same answer.
 * Workflows are stored as JSON text, whose escapes keep any string intact: they are not checked.
 */

// Without the `u` flag a regex walks UTF-16 code units: a high surrogate not followed by a low
// one, or a low one not preceded by a high one. The same test as String.prototype.isWellFormed
// (ES2024, newer than the lib this project compiles against).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored as it is, or null when it can. */
export function textFault(text: string): string | null {
  const lone = LONE_SURROGATE.exec(text);
  if (lone) {
    const unit = lone[0].charCodeAt(0).toString(16).toUpperCase();
    return `the text holds a lone UTF-16 surrogate (U+${unit} at position ${lone.index}), which no database stores as given (it would read back as U+FFFD and match other text); send well-formed Unicode`;
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return `the text holds a NUL character (at position ${nul}), which the ledger cannot store; remove it`;
  return null;
}

/** `z.string()` that refuses what {@link textFault} refuses; chain `.trim()`, `.min()`… as usual. */
export function storableString() {
  return z.string().refine((s) => textFault(s) === null, { error: (issue) => textFault(String(issue.input)) ?? 'the text cannot be stored' });
}

/**
 * The first string in `value` (its object keys included) that {@link textFault} refuses, with
 * its path (`requirements.nodes[2]`), or null. Iterative, so a deeply nested body cannot
 * overflow the stack; stops at the first fault.
 */
export function findTextFault(value: unknown, root: string): { path: string; fault: string } | null {
  const stack: { value: unknown; path: string }[] = [{ value, path: root }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; path: string };
    if (typeof item.value === 'string') {
      const fault = textFault(item.value);
      if (fault) return { path: item.path, fault };
    } else if (Array.isArray(item.value)) {
      for (let i = item.value.length - 1; i >= 0; i--) stack.push({ value: item.value[i] as unknown, path: `${item.path}[${i}]` });
    } else if (typeof item.value === 'object' && item.value !== null) {
      const entries = Object.entries(item.value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        const fault = textFault(key);
        // JSON.stringify escapes the offending code unit, so the message itself stays well-formed.
        if (fault) return { path: `${item.path}[${JSON.stringify(key)}]`, fault: `a field name: ${fault}` };
        stack.push({ value: child, path: `${item.path}.${key}` });
      }
    }
  }
  return null;
}
