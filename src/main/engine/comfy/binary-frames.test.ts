import { describe, expect, it } from 'vitest';
import { parseBinaryFrame } from './binary-frames';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('binary WebSocket frames (protocol doc §2)', () => {
  it('event 1: [u32 1][u32 2=PNG][image], image starting at byte 8', () => {
    const frame = parseBinaryFrame(concat(u32(1), u32(2), PNG));
    expect(frame).toEqual({ kind: 'preview', event: 1, mimeType: 'image/png', image: PNG, metadata: null });
  });

  it('event 1 with image_type 1 is JPEG', () => {
    const frame = parseBinaryFrame(concat(u32(1), u32(1), Uint8Array.from([0xff, 0xd8, 0xff])));
    expect(frame).toMatchObject({ kind: 'preview', mimeType: 'image/jpeg' });
  });

  it('event 4: [u32 4][u32 json_len][json][image] with the observed metadata', () => {
    const json = utf8(
      JSON.stringify({ node_id: '9', prompt_id: 'P', display_node_id: '9', parent_node_id: null, real_node_id: '9', image_type: 'image/png' }),
    );
    const frame = parseBinaryFrame(concat(u32(4), u32(json.length), json, PNG));
    expect(frame).toEqual({
      kind: 'preview',
      event: 4,
      mimeType: 'image/png',
      image: PNG,
      metadata: { nodeId: '9', promptId: 'P', displayNodeId: '9', parentNodeId: null, realNodeId: '9' },
    });
  });

  it('event 3: [u32 3][u32 node_id_len][node_id][text], UTF-8', () => {
    const id = utf8('12');
    expect(parseBinaryFrame(concat(u32(3), u32(id.length), id, utf8('étape 3/20 ✓')))).toEqual({ kind: 'text', nodeId: '12', text: 'étape 3/20 ✓' });
  });

  it('works on a view into a larger buffer (ws hands out slices)', () => {
    const whole = concat(Uint8Array.from([9, 9, 9]), u32(1), u32(2), PNG);
    const frame = parseBinaryFrame(whole.subarray(3));
    expect(frame).toMatchObject({ kind: 'preview', image: PNG });
  });

  it('other event types are unknown, not errors', () => {
    expect(parseBinaryFrame(concat(u32(2), u32(2), PNG))).toEqual({ kind: 'unknown', eventType: 2, byteLength: 8 + PNG.length });
    expect(parseBinaryFrame(u32(0xffffffff))).toEqual({ kind: 'unknown', eventType: 0xffffffff, byteLength: 4 });
  });

  it.each([
    ['empty frame', new Uint8Array(0), /no event type/],
    ['3 bytes', Uint8Array.from([0, 0, 1]), /no event type/],
    ['event 1 without image type', concat(u32(1), Uint8Array.from([0, 0])), /shorter than its header/],
    ['event 1 with unknown image type', concat(u32(1), u32(7), PNG), /unknown image type 7/],
    ['event 1 without image bytes', concat(u32(1), u32(2)), /without image bytes/],
    ['event 4 json_len past the end', concat(u32(4), u32(0xffffffff), utf8('{}')), /declares 4294967295 bytes but only 2 follow/],
    ['event 4 with invalid JSON', concat(u32(4), u32(3), utf8('{x}'), PNG), /not UTF-8 JSON/],
    ['event 4 with JSON that is not an object', concat(u32(4), u32(2), utf8('[]'), PNG), /image_type/],
    ['event 4 with a non-image type', concat(u32(4), u32(26), utf8('{"image_type":"text/html"}'), PNG), /image_type/],
    ['event 4 without image bytes', concat(u32(4), u32(27), utf8('{"image_type":"image/jpeg"}')), /without image bytes/],
    ['event 3 node_id_len past the end', concat(u32(3), u32(5), utf8('ab')), /declares 5 bytes but only 2 follow/],
    ['event 3 node id not UTF-8', concat(u32(3), u32(2), Uint8Array.from([0xc3, 0x28]), utf8('x')), /not UTF-8/],
  ])('invalid: %s', (_name, buf, reason) => {
    const frame = parseBinaryFrame(buf);
    expect(frame.kind).toBe('invalid');
    if (frame.kind === 'invalid') expect(frame.reason).toMatch(reason);
  });

  it('metadata fields of the wrong type become null rather than failing the preview', () => {
    const json = utf8(JSON.stringify({ node_id: 5, prompt_id: ['x'], image_type: 'image/webp' }));
    expect(parseBinaryFrame(concat(u32(4), u32(json.length), json, PNG))).toMatchObject({
      kind: 'preview',
      mimeType: 'image/webp',
      metadata: { nodeId: null, promptId: null, displayNodeId: null, parentNodeId: null, realNodeId: null },
    });
  });
});
