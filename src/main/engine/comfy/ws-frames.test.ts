import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTextFrame } from './ws-frames';

describe('WebSocket text frames (protocol doc §2)', () => {
  it('F3: a status frame yields queue_remaining', () => {
    const p = parseTextFrame('{"type":"status","data":{"status":{"exec_info":{"queue_remaining":3}},"sid":"c"}}');
    expect(p.kind).toBe('known');
    if (p.kind === 'known' && p.frame.type === 'status') expect(p.frame.data.status.exec_info.queue_remaining).toBe(3);
  });

  it('the terminal executing frame carries node null and the prompt id', () => {
    const p = parseTextFrame('{"type":"executing","data":{"node":null,"prompt_id":"P"}}');
    expect(p).toEqual({ kind: 'known', frame: { type: 'executing', data: { node: null, prompt_id: 'P' } } });
  });

  it('the second first-frame executing (no prompt_id, no display_node) is accepted', () => {
    expect(parseTextFrame('{"type":"executing","data":{"node":"11"}}').kind).toBe('known');
  });

  it('unknown message types are counted as unknown, not errors', () => {
    expect(parseTextFrame('{"type":"crystools.monitor","data":{"cpu":3}}')).toEqual({ kind: 'unknown', type: 'crystools.monitor' });
  });

  it('E3: a known type with a wrong shape is invalid and says which type', () => {
    const p = parseTextFrame('{"type":"status","data":{"status":{"exec_info":{"queue_remaining":"many"}}}}');
    expect(p.kind).toBe('invalid');
    if (p.kind === 'invalid') expect(p.error).toMatch(/^status frame of unexpected shape/);
  });

  it('E3: non-JSON and non-envelope text is invalid', () => {
    expect(parseTextFrame('<html>').kind).toBe('invalid');
    expect(parseTextFrame('[1,2]').kind).toBe('invalid');
    expect(parseTextFrame('null').kind).toBe('invalid');
  });

  it('E3: no input makes the parser throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ type: 'status', data: v }))), (text) => {
        const p = parseTextFrame(text);
        expect(['known', 'unknown', 'invalid']).toContain(p.kind);
      }),
      { numRuns: 500 },
    );
  });
});
