import { describe, expect, it } from 'vitest';
import { lineColumn, parseJson } from './json-position';

describe('parseJson (U5: JSON errors with line and column)', () => {
  it('parses valid JSON, also after a byte-order mark', () => {
    expect(parseJson('\ufeff{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('places a syntax error on its line and column', () => {
    const r = parseJson('{\n  "3": {\n    "class_type": "KSampler",,\n  }\n}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.line, r.column]).toEqual([3, 30]);
  });

  it('an unexpected end is at the end of the text', () => {
    const r = parseJson('{\n  "a": [1, 2');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.line).toBe(2);
  });

  it('lineColumn counts from 1', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
