import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { originBlocked } from '../src/csrf';
import { heapify, heappop, heappush } from '../src/heapq';
import { decodePng, encodePng, isPng } from '../src/png';
import { MAXIMUM_HISTORY_SIZE, PromptQueue, queueItemLt, type QueueItem } from '../src/prompt-queue';
import { keysOf, parseJson, pyRepr, toPyJson } from '../src/py-json';

/** Heaps produced by CPython 3 `heapq` for the same pushes (ties broken by prompt_id). */
const CPYTHON = [
  {
    push: [0, -11, 5, -17, -16, 14, -14, 3, 17, -17, 12, -7],
    heap: [-17, -17, -14, 0, -16, -7, 5, 3, 17, -11, 12, 14],
    popped: [-17, -17, -16],
    after: [-14, -11, -7, 0, 12, 14, 5, 3, 17],
    afterDelete: [-14, -11, 0, 12, 14, 5, 3, 17],
  },
  {
    push: [-18, -15, 7, 6, -16, -5, -15, 15, 7, -17, 16, -13],
    heap: [-18, -17, -15, 6, -16, -13, -5, 15, 7, -15, 16, 7],
    popped: [-18, -17, -16],
    after: [-15, 6, -15, 7, 7, -13, -5, 15, 16],
    afterDelete: [-15, -13, -5, 7, 6, 7, 15, 16],
  },
  {
    push: [-6, 20, 20, 17, -17, 16, 17, 5, -17, -6, -18, 15],
    heap: [-18, -17, 15, -6, -17, 16, 17, 20, 5, 17, -6, 20],
    popped: [-18, -17, -17],
    after: [-6, -6, 15, 5, 17, 16, 17, 20, 20],
    afterDelete: [-6, -6, 5, 17, 16, 17, 20, 20],
  },
];

const item = (n: number, id: string): QueueItem => [n, id, {}, {}, []];

describe('heapq (CPython-exact queue order)', () => {
  it('protocol §1 GET /queue: heappush/heappop/heapify leave the list exactly as CPython does', () => {
    for (const c of CPYTHON) {
      const heap: QueueItem[] = [];
      c.push.forEach((n, i) => heappush(heap, item(n, `id${String(i).padStart(2, '0')}`), queueItemLt));
      expect(heap.map((x) => x[0])).toEqual(c.heap);
      expect([0, 1, 2].map(() => heappop(heap, queueItemLt)[0])).toEqual(c.popped);
      expect(heap.map((x) => x[0])).toEqual(c.after);
      heap.splice(2, 1);
      heapify(heap, queueItemLt);
      expect(heap.map((x) => x[0])).toEqual(c.afterDelete);
    }
  });

  it('pops in (number, prompt_id) order for any pushes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.string({ maxLength: 4 })), { maxLength: 60 }), (pairs) => {
        const heap: QueueItem[] = [];
        pairs.forEach(([n, id], i) => heappush(heap, item(n, `${id}#${i}`), queueItemLt));
        const out: QueueItem[] = [];
        while (heap.length > 0) out.push(heappop(heap, queueItemLt));
        for (let i = 1; i < out.length; i++) expect(queueItemLt(out[i] as QueueItem, out[i - 1] as QueueItem)).toBe(false);
      }),
    );
  });

  it('equal number and prompt_id with different graphs cannot be ordered (TypeError, as in Python)', () => {
    expect(() => queueItemLt([1, 'a', { x: 1 }, {}, []], [1, 'a', { x: 2 }, {}, []])).toThrow(/not supported/);
    expect(queueItemLt([1, 'a', {}, {}, ['1']], [1, 'a', {}, {}, ['2']])).toBe(true);
  });
});

describe('py-json', () => {
  it('keeps key order as sent and serialises like json.dumps', () => {
    const v = parseJson('{"10": {"b": 1, "a": [true, null, 1.5]}, "9": "é\\n"}') as Record<string, unknown>;
    expect(keysOf(v)).toEqual(['10', '9']);
    expect(toPyJson(v)).toBe('{"10": {"b": 1, "a": [true, null, 1.5]}, "9": "\\u00e9\\n"}');
    expect(toPyJson({ big: 0xffffffffffffffffn, nan: NaN })).toBe('{"big": 18446744073709551615, "nan": NaN}');
    expect(() => parseJson('{"a": 1,}')).toThrow();
    expect(() => parseJson('')).toThrow();
    expect(parseJson(' [NaN, -Infinity] ')).toEqual([NaN, -Infinity]);
  });

  it('repr() like Python for error texts', () => {
    expect(pyRepr(['a', "it's", 1, true, null, { k: 'v' }])).toBe(`['a', "it's", 1, True, None, {'k': 'v'}]`);
  });
});

describe('png', () => {
  it('encodes valid PNG chunks that decode back to the same pixels', () => {
    const pixels = Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 37) & 0xff);
    const png = encodePng({ width: 4, height: 3, channels: 3, pixels }, { text: { prompt: '{}' } });
    expect(isPng(png)).toBe(true);
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    const back = decodePng(png);
    expect([back.width, back.height, back.channels]).toEqual([4, 3, 3]);
    expect([...back.pixels]).toEqual([...pixels]);
    expect(back.text).toEqual({ prompt: '{}' });
    const corrupt = Buffer.from(png);
    corrupt[20] = (corrupt[20] as number) ^ 0xff;
    expect(() => decodePng(corrupt)).toThrow(/CRC/);
  });
});

describe('origin check', () => {
  it('protocol §0 CSRF: only a loopback Host with a differing Origin host is blocked', () => {
    expect(originBlocked('127.0.0.1:8188', 'http://evil.com')).toBe(true);
    expect(originBlocked('localhost:8188', 'http://localhost:3000')).toBe(true);
    expect(originBlocked('127.0.0.1:8188', 'http://127.0.0.1:8188')).toBe(false);
    expect(originBlocked('127.0.0.1:8188', 'http://127.0.0.1')).toBe(false);
    expect(originBlocked('127.0.0.1', 'http://127.0.0.1:3000')).toBe(false);
    expect(originBlocked('gpu.example:8188', 'http://evil.com')).toBe(false);
    expect(originBlocked('[::1]:8188', 'http://evil.com')).toBe(true);
    expect(originBlocked('127.0.0.1:8188', undefined)).toBe(false);
    expect(originBlocked('127.0.0.1:8188', 'null')).toBe(false);
  });
});

describe('prompt queue history', () => {
  it('protocol §0: history keeps at most 10000 entries, dropping the oldest', () => {
    const queue = new PromptQueue(
      () => undefined,
      () => undefined,
    );
    for (let i = 0; i < MAXIMUM_HISTORY_SIZE + 5; i++) {
      queue.put([i, `p${i}`, {}, {}, []]);
      const next = queue.get();
      if (next) queue.taskDone(next.id, { outputs: {}, meta: {} }, { status_str: 'success', completed: true, messages: [] });
    }
    const all = queue.getHistory(null, -1);
    expect(all.size).toBe(MAXIMUM_HISTORY_SIZE);
    expect(all.keys().next().value).toBe('p5');
    expect([...queue.getHistory(2, -1).keys()]).toEqual([`p${MAXIMUM_HISTORY_SIZE + 3}`, `p${MAXIMUM_HISTORY_SIZE + 4}`]);
  });
});
