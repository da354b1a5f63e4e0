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

  it.each([
    '{"type":"execution_start","data":{"prompt_id":"P","timestamp":1795376717181}}',
    '{"type":"execution_cached","data":{"nodes":["1","2"],"prompt_id":"P","timestamp":1795376717182}}',
    '{"type":"executing","data":{"node":"2","display_node":"2","prompt_id":"P"}}',
    '{"type":"progress","data":{"value":1,"max":2,"prompt_id":"P","node":"2"}}',
    '{"type":"progress_state","data":{"prompt_id":"P","nodes":{"1":{"value":1.0,"max":1.0,"state":"finished","node_id":"1","prompt_id":"P","display_node_id":"1","parent_node_id":null,"real_node_id":"1"}}}}',
    '{"type":"executed","data":{"node":"3","display_node":"3","output":{"images":[{"filename":"probe_00001_.png","subfolder":"","type":"output"}]},"prompt_id":"P"}}',
    '{"type":"execution_success","data":{"prompt_id":"P","timestamp":1795376717188}}',
    '{"type":"execution_error","data":{"prompt_id":"P","node_id":"2","node_type":"SaveImage","executed":["1"],"exception_message":"**** ERROR: Saving image outside the output folder is not allowed.","exception_type":"Exception","traceback":["  File x"],"current_inputs":{"images":["tensor(…)"]},"current_outputs":["2","1"],"timestamp":1795377000912}}',
    '{"type":"execution_error","data":{"prompt_id":"P","node_id":"2","node_type":"X","executed":[],"exception_message":"","exception_type":"ExecutionBlocked","traceback":[],"current_inputs":{},"current_outputs":[],"timestamp":1}}',
    '{"type":"execution_interrupted","data":{"prompt_id":"P","node_id":"11","node_type":"ImageBlur","executed":["1","10"],"timestamp":1795376898160}}',
    '{"type":"executing","data":{"node":null,"prompt_id":"P"}}',
  ])('every observed payload of the doc parses as known: %s', (text) => {
    expect(parseTextFrame(text).kind).toBe('known');
  });

  it('execution_error exposes the failing node and exception to consumers', () => {
    const p = parseTextFrame(
      '{"type":"execution_error","data":{"prompt_id":"P","node_id":"2","node_type":"SaveImage","exception_message":"boom","exception_type":"Exception"}}',
    );
    expect(p.kind === 'known' && p.frame.type === 'execution_error' && [p.frame.data.node_id, p.frame.data.exception_message]).toEqual(['2', 'boom']);
  });

  it.each([
    ['execution_error without exception_message', '{"type":"execution_error","data":{"prompt_id":"P","node_id":"2","node_type":"X","exception_type":"E"}}'],
    ['progress_state with a node lacking value', '{"type":"progress_state","data":{"prompt_id":"P","nodes":{"1":{"max":1,"state":"running","node_id":"1"}}}}'],
    ['execution_cached with nodes not a list', '{"type":"execution_cached","data":{"prompt_id":"P","nodes":"1,2"}}'],
  ])('E3: %s is invalid', (_name, text) => {
    expect(parseTextFrame(text).kind).toBe('invalid');
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
