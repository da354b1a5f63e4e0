import { describe, expect, it } from 'vitest';
import { parseServerFrame } from './bridge-frames';

describe('parseServerFrame', () => {
  it('accepts results and host events', () => {
    expect(parseServerFrame('{"kind":"result","id":3,"result":{"ok":true,"value":1}}')).toEqual({ kind: 'result', id: 3, result: { ok: true, value: 1 } });
    expect(parseServerFrame('{"kind":"event","event":{"type":"deltas","batch":{"seq":1,"at":0,"deltas":[]}}}')?.kind).toBe('event');
  });

  it('rejects garbled or unknown frames instead of throwing', () => {
    for (const data of ['not json', 'null', '[]', '{"kind":"result","id":"3","result":{"ok":true}}', '{"kind":"event","event":{"type":"other"}}', '{"kind":"hello"}']) {
      expect(parseServerFrame(data)).toBeNull();
    }
  });
});
