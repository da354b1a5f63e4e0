import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseBinaryFrame } from './binary-frames';
import {
  featuresResponse,
  historyResponse,
  isSuspiciousRef,
  objectInfoResponse,
  promptAcceptedResponse,
  queueResponse,
  systemStatsResponse,
} from './comfy-schemas';
import { ComfyHttpError } from './errors';
import type { HttpAnswer } from './http-json';
import { parseJsonAnswer } from './http-json';
import { parseNodeErrors, promptRejectionSchema, readablePromptErrors, summarizeError } from './prompt-errors';
import { parseTextFrame } from './ws-frames';

/**
 * E3 as properties: for any input, the frame and response parsers return a typed result or
 * a typed error, and never throw; well-formed binary frames survive an encode/parse round trip.
 */

const RUNS = { numRuns: 300 };

const schemas: [string, z.ZodType][] = [
  ['GET /queue', queueResponse],
  ['GET /system_stats', systemStatsResponse],
  ['GET /object_info', objectInfoResponse],
  ['GET /history/P', historyResponse('P')],
  ['POST /prompt (200)', promptAcceptedResponse],
  ['POST /prompt (400)', promptRejectionSchema],
  ['GET /features', featuresResponse],
];

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

const bytes = (max = 256) => fc.uint8Array({ maxLength: max });
const text = fc.string({ unit: 'grapheme', maxLength: 40 });

describe('text frames (parseTextFrame)', () => {
  const knownTypes = ['status', 'executing', 'progress', 'progress_state', 'executed', 'execution_start', 'execution_cached', 'execution_success', 'execution_error', 'execution_interrupted', 'crystools.monitor'];

  it('never throws, for arbitrary text, arbitrary JSON, and known envelopes with arbitrary data', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.tuple(fc.constantFrom(...knownTypes), fc.jsonValue()).map(([type, data]) => JSON.stringify({ type, data })),
          fc
            .tuple(fc.constantFrom(...knownTypes), fc.dictionary(fc.constantFrom('prompt_id', 'node', 'node_id', 'nodes', 'value', 'max', 'output', 'status'), fc.jsonValue()))
            .map(([type, data]) => JSON.stringify({ type, data })),
        ),
        (input) => {
          const p = parseTextFrame(input);
          expect(['known', 'unknown', 'invalid']).toContain(p.kind);
          if (p.kind === 'invalid') expect(typeof p.error).toBe('string');
        },
      ),
      RUNS,
    );
  });
});

describe('binary frames (parseBinaryFrame)', () => {
  it('never throws and never returns bytes outside the frame, for any bytes', () => {
    const framed = fc.tuple(fc.constantFrom(1, 2, 3, 4, 5), fc.oneof(fc.nat(64), fc.constant(0xffffffff), fc.nat()), bytes()).map(([event, len, rest]) =>
      Uint8Array.from(Buffer.concat([u32(event), u32(len), rest])),
    );
    fc.assert(
      fc.property(fc.oneof(bytes(), framed), fc.nat(8), (buf, offset) => {
        // Also as a view into a larger buffer, as ws may hand them out.
        const host = new Uint8Array(offset + buf.length);
        host.set(buf, offset);
        const view = host.subarray(offset);
        const f = parseBinaryFrame(view);
        expect(['preview', 'text', 'unknown', 'invalid']).toContain(f.kind);
        if (f.kind === 'preview') {
          expect(f.image.buffer).toBe(host.buffer);
          expect(f.image.byteOffset).toBeGreaterThanOrEqual(view.byteOffset + 8);
          expect(f.image.byteOffset + f.image.byteLength).toBe(view.byteOffset + view.byteLength);
        }
      }),
      RUNS,
    );
  });

  it('round trip: event 1 (PREVIEW_IMAGE)', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2), fc.uint8Array({ minLength: 1, maxLength: 128 }), (imageType, image) => {
        const f = parseBinaryFrame(Buffer.concat([u32(1), u32(imageType), image]));
        expect(f).toEqual({ kind: 'preview', event: 1, mimeType: imageType === 1 ? 'image/jpeg' : 'image/png', image: Buffer.from(image), metadata: null });
      }),
      RUNS,
    );
  });

  it('round trip: event 4 (PREVIEW_IMAGE_WITH_METADATA)', () => {
    const id = fc.option(text, { nil: null });
    fc.assert(
      fc.property(
        fc.record({ nodeId: id, promptId: id, displayNodeId: id, parentNodeId: id, realNodeId: id }),
        fc.constantFrom('image/png', 'image/jpeg', 'image/webp'),
        fc.uint8Array({ minLength: 1, maxLength: 128 }),
        (meta, mimeType, image) => {
          const json = Buffer.from(
            JSON.stringify({
              node_id: meta.nodeId,
              prompt_id: meta.promptId,
              display_node_id: meta.displayNodeId,
              parent_node_id: meta.parentNodeId,
              real_node_id: meta.realNodeId,
              image_type: mimeType,
            }),
          );
          const f = parseBinaryFrame(Buffer.concat([u32(4), u32(json.length), json, image]));
          expect(f).toEqual({ kind: 'preview', event: 4, mimeType, image: Buffer.from(image), metadata: meta });
        },
      ),
      RUNS,
    );
  });

  it('round trip: event 3 (TEXT)', () => {
    fc.assert(
      fc.property(text, fc.string({ unit: 'grapheme', maxLength: 200 }), (nodeId, message) => {
        const id = Buffer.from(nodeId, 'utf8');
        const f = parseBinaryFrame(Buffer.concat([u32(3), u32(id.length), id, Buffer.from(message, 'utf8')]));
        expect(f).toEqual({ kind: 'text', nodeId, text: message });
      }),
      RUNS,
    );
  });
});

describe('HTTP response schemas and parsing', () => {
  it.each(schemas)('%s: safeParse never throws for arbitrary JSON', (_name, schema) => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const r = schema.safeParse(value);
        if (!r.success) expect(r.error).toBeInstanceOf(z.ZodError);
      }),
      RUNS,
    );
  });

  it('parseJsonAnswer yields data or a ComfyHttpError for any bytes, content type and status', () => {
    const payload = fc.oneof(
      bytes(512).map((b) => Buffer.from(b)),
      fc.json().map((j) => Buffer.from(j)),
      fc.string().map((s) => Buffer.from(s)),
    );
    const contentType = fc.oneof(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/html', '', 'application/problem+json'), fc.string());
    fc.assert(
      fc.property(payload, contentType, fc.integer({ min: 100, max: 599 }), fc.constantFrom(...schemas), (body, type, status, [call, schema]) => {
        const answer: HttpAnswer = { server: 's', call, status, contentType: type, mediaType: (type.split(';')[0] ?? '').trim().toLowerCase(), body };
        try {
          parseJsonAnswer(answer, schema);
        } catch (err) {
          expect(err).toBeInstanceOf(ComfyHttpError);
          const e = err as ComfyHttpError;
          expect(['bad_content_type', 'bad_json', 'bad_shape']).toContain(e.code);
          expect(e.message).toContain(`server "s" ${call}`);
          expect(e.delivered).toBe('yes');
        }
      }),
      RUNS,
    );
  });

  it('history entries close to the real shape: data or ZodError, and well-typed data', () => {
    // Mostly well-formed, sometimes not, so both the accepting and the refusing paths run.
    const mostly = <T,>(good: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 15 }, { arbitrary: fc.jsonValue(), weight: 1 });
    const fileRefish = fc.record(
      { filename: mostly(text), subfolder: mostly(text), type: mostly(fc.constantFrom('output', 'temp', 'input', '..')) },
      { requiredKeys: ['filename'] },
    );
    const ui = fc.dictionary(fc.constantFrom('images', 'gifs', 'audio', 'text', 'animated'), mostly(fc.array(mostly(fileRefish), { maxLength: 4 })), { maxKeys: 3 });
    const message = fc.tuple(fc.constantFrom('execution_start', 'execution_error', 'execution_interrupted', 'execution_success'), fc.jsonValue());
    const entry = fc.record(
      {
        outputs: mostly(fc.dictionary(fc.string({ maxLength: 3 }), mostly(ui), { maxKeys: 3 })),
        status: mostly(
          fc.record({ status_str: fc.constantFrom('success', 'error', 'other'), completed: mostly(fc.boolean()), messages: mostly(fc.array(message, { maxLength: 4 })) }),
        ),
      },
      { requiredKeys: ['status'] },
    );
    const schema = historyResponse('P');
    fc.assert(
      fc.property(entry, (e) => {
        const r = schema.safeParse({ P: e });
        if (!r.success) return;
        const h = r.data;
        expect(h).not.toBeNull();
        if (!h) return;
        expect(['success', 'error', 'interrupted']).toContain(h.outcome);
        expect(h.error === null).toBe(h.outcome !== 'error');
        for (const o of h.outputs) {
          expect([typeof o.filename, typeof o.subfolder, typeof o.type]).toEqual(['string', 'string', 'string']);
          expect(o.suspicious).toBe(isSuspiciousRef(o));
        }
      }),
      RUNS,
    );
  });

  it('queue: pending always comes back in execution order, a permutation of what the server sent', () => {
    const item = fc.tuple(
      fc.integer({ min: -50, max: 50 }),
      fc.string({ maxLength: 4 }),
      fc.constant({}),
      fc.option(fc.record({ client_id: fc.oneof(fc.string(), fc.jsonValue()) }), { nil: undefined }),
      fc.constant([]),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 20 }), (items) => {
        const r = queueResponse.safeParse({ queue_running: [], queue_pending: items });
        expect(r.success).toBe(true);
        if (!r.success) return;
        const numbers = r.data.pending.map((i) => i.number);
        expect(numbers).toEqual([...items.map((i) => i[0])].sort((a, b) => a - b));
        expect(r.data.pending.map((i) => i.promptId).sort()).toEqual(items.map((i) => i[1]).sort());
        for (const i of r.data.pending) expect(i.clientId === null || typeof i.clientId === 'string').toBe(true);
      }),
      RUNS,
    );
  });

  it('node_errors of any shape: parsing and the readable message never throw, and the message stays bounded', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (error, nodeErrors) => {
        const body = promptRejectionSchema.safeParse({ error, node_errors: nodeErrors });
        const summary = body.success ? summarizeError(body.data.error) : { type: 'x', message: '', details: '' };
        const parsed = parseNodeErrors(nodeErrors);
        const readable = readablePromptErrors(summary, parsed);
        expect(typeof readable).toBe('string');
        expect(readable.length).toBeLessThan(2_500);
      }),
      RUNS,
    );
  });

  it('suspicious refs: separators or ".." in the name are always flagged; plain names in plain subfolders never', () => {
    const safeSegment = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_ -]{0,10}$/);
    fc.assert(
      fc.property(
        safeSegment,
        fc.array(safeSegment, { maxLength: 3 }),
        fc.constantFrom('output', 'temp', 'input'),
        fc.constantFrom('/', '\\', '..'),
        (name, dirs, type, bad) => {
          const filename = `${name}.png`;
          const subfolder = dirs.join('/');
          expect(isSuspiciousRef({ filename, subfolder, type })).toBe(false);
          expect(isSuspiciousRef({ filename: `${name}${bad}x.png`, subfolder, type })).toBe(true);
        },
      ),
      RUNS,
    );
  });
});
