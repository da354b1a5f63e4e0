export type JsonParse = { ok: true; value: unknown } | { ok: false; message: string; line: number; column: number };

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const at = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: at - lineStart + 1 };
}

/**
 * JSON.parse with the place of the error as line and column. V8 names a position ("at position
 * 42", newer ones also "(line 3 column 5)"); an unexpected end is at the end of the text.
 */
export function parseJson(text: string): JsonParse {
  // A file saved by a Windows editor may start with a byte-order mark; the engine drops it too.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (err) {
    const message = (err as Error).message;
    const lc = /\(line (\d+) column (\d+)\)/.exec(message);
    if (lc) return { ok: false, message, line: Number(lc[1]), column: Number(lc[2]) };
    const pos = /at position (\d+)/.exec(message);
    const offset = pos ? Number(pos[1]) : body.trimEnd().length;
    return { ok: false, message, ...lineColumn(body, offset) };
  }
}
