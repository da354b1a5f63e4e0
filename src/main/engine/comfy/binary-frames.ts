import { z } from 'zod';

/**
 * ComfyUI's binary WebSocket frames (protocol doc §2, `protocol.py`): a big-endian uint32
 * event type, then a payload.
 * - 1 PREVIEW_IMAGE: `[u32 1][u32 image_type 1=JPEG 2=PNG][image]`
 * - 3 TEXT: `[u32 3][u32 node_id_len][node_id utf-8][text utf-8]`
 * - 4 PREVIEW_IMAGE_WITH_METADATA: `[u32 4][u32 json_len][json][image]`
 * (2, UNENCODED_PREVIEW_IMAGE, is internal to the server and goes out as 1.)
 *
 * The parser never throws and never trusts a length field: every length is checked against
 * the bytes actually received, and payloads are views into the frame, not copies.
 */

export const BINARY_EVENT = { previewImage: 1, text: 3, previewImageWithMetadata: 4 } as const;

export const IMAGE_TYPE_MIME: Readonly<Record<number, string>> = { 1: 'image/jpeg', 2: 'image/png' };

export interface PreviewMetadata {
  nodeId: string | null;
  promptId: string | null;
  displayNodeId: string | null;
  parentNodeId: string | null;
  realNodeId: string | null;
}

export type BinaryFrame =
  | {
      kind: 'preview';
      event: 1 | 4;
      mimeType: string;
      /** A view into the frame's buffer. */
      image: Uint8Array;
      /** Event 4 only. */
      metadata: PreviewMetadata | null;
    }
  | { kind: 'text'; nodeId: string; text: string }
  /** Another event type: count it and move on, like unknown text frames. */
  | { kind: 'unknown'; eventType: number; byteLength: number }
  | { kind: 'invalid'; reason: string };

const HEADER = 8;

const optionalId = z.string().nullish().catch(null);
const metadataSchema = z.looseObject({
  node_id: optionalId,
  prompt_id: optionalId,
  display_node_id: optionalId,
  parent_node_id: optionalId,
  real_node_id: optionalId,
  image_type: z.string().regex(/^image\/[a-z0-9.+-]+$/i),
});

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

export function parseBinaryFrame(buf: Uint8Array): BinaryFrame {
  if (buf.byteLength < 4) return { kind: 'invalid', reason: `frame of ${buf.byteLength} bytes has no event type` };
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const eventType = view.getUint32(0, false);
  if (eventType !== 1 && eventType !== 3 && eventType !== 4) return { kind: 'unknown', eventType, byteLength: buf.byteLength };
  if (buf.byteLength < HEADER) return { kind: 'invalid', reason: `event ${eventType} frame of ${buf.byteLength} bytes is shorter than its header` };
  const second = view.getUint32(4, false);

  if (eventType === BINARY_EVENT.previewImage) {
    const mimeType = IMAGE_TYPE_MIME[second];
    if (mimeType === undefined) return { kind: 'invalid', reason: `preview with unknown image type ${second}` };
    const image = buf.subarray(HEADER);
    if (image.byteLength === 0) return { kind: 'invalid', reason: 'preview without image bytes' };
    return { kind: 'preview', event: 1, mimeType, image, metadata: null };
  }

  // Lengths are compared with what is left, never used to allocate.
  const rest = buf.byteLength - HEADER;
  if (second > rest) return { kind: 'invalid', reason: `event ${eventType} declares ${second} bytes but only ${rest} follow` };
  const head = buf.subarray(HEADER, HEADER + second);
  const tail = buf.subarray(HEADER + second);

  if (eventType === BINARY_EVENT.text) {
    let nodeId: string;
    try {
      nodeId = strictUtf8.decode(head);
    } catch {
      return { kind: 'invalid', reason: 'text frame with a node id that is not UTF-8' };
    }
    // Progress text is for display: a broken byte becomes U+FFFD rather than losing the line.
    return { kind: 'text', nodeId, text: lenientUtf8.decode(tail) };
  }

  let json: unknown;
  try {
    json = JSON.parse(strictUtf8.decode(head));
  } catch {
    return { kind: 'invalid', reason: 'preview metadata is not UTF-8 JSON' };
  }
  const meta = metadataSchema.safeParse(json);
  if (!meta.success) return { kind: 'invalid', reason: 'preview metadata lacks an image/* image_type' };
  if (tail.byteLength === 0) return { kind: 'invalid', reason: 'preview without image bytes' };
  const m = meta.data;
  return {
    kind: 'preview',
    event: 4,
    mimeType: m.image_type.toLowerCase(),
    image: tail,
    metadata: {
      nodeId: m.node_id ?? null,
      promptId: m.prompt_id ?? null,
      displayNodeId: m.display_node_id ?? null,
      parentNodeId: m.parent_node_id ?? null,
      realNodeId: m.real_node_id ?? null,
    },
  };
}
