import { crc32 } from 'node:zlib';

/**
 * PNG container rules (RFC 2083 / PNG 3rd ed.): signature, chunks with CRCs, and the header
 * checks that decide whether we decode a file at all. The bytes come from untrusted servers,
 * so every length is checked against what is really there and the image size against limits
 * before a single pixel is inflated (decompression bombs).
 */

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Why a PNG is not decoded; the message is for people ("16-bit PNGs are not supported"). */
export class PngError extends Error {
  override name = 'PngError';
}

export type PngColorType = 0 | 2 | 3 | 4 | 6;

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: PngColorType;
}

export interface PngLimits {
  /** Refuse images with more pixels than this (decompression bombs). */
  maxPixels: number;
  /** Refuse wider images: one scanline is held in memory twice. */
  maxWidth: number;
}

export const DEFAULT_PNG_LIMITS: PngLimits = { maxPixels: 64 * 1024 * 1024, maxWidth: 1 << 16 };

export interface PngStructure {
  header: PngHeader;
  /** RGB triples, for color type 3. */
  palette: Uint8Array | null;
  /** tRNS as stored: alpha per palette entry (type 3), or the 16-bit key sample(s) (types 0 and 2). */
  transparency: Uint8Array | null;
  /** The IDAT payloads in order; together one zlib stream. */
  idat: Buffer[];
}

const CHANNELS: Record<PngColorType, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<PngColorType, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const COLOR_NAMES: Record<PngColorType, string> = { 0: 'grey', 2: 'RGB', 3: 'palette', 4: 'grey+alpha', 6: 'RGBA' };

export function bitsPerPixel(h: PngHeader): number {
  return CHANNELS[h.colorType] * h.bitDepth;
}

/** Bytes of one scanline without its filter byte. */
export function scanlineBytes(h: PngHeader): number {
  return Math.ceil((h.width * bitsPerPixel(h)) / 8);
}

/** Whether decoded pixels can be anything but opaque. */
export function hasAlpha(s: Pick<PngStructure, 'header' | 'transparency'>): boolean {
  return s.header.colorType === 4 || s.header.colorType === 6 || s.transparency !== null;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.equals(bytes.subarray(0, 8));
}

/** Reads and checks every chunk; throws {@link PngError} naming the first problem. */
export function readPngStructure(input: Uint8Array, limits: PngLimits = DEFAULT_PNG_LIMITS): PngStructure {
  const data = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (!isPng(data)) throw new PngError('not a PNG (bad signature)');
  let pos = 8;
  let header: PngHeader | null = null;
  let palette: Uint8Array | null = null;
  let transparency: Uint8Array | null = null;
  const idat: Buffer[] = [];
  let ended = false;

  while (pos < data.length) {
    if (pos + 12 > data.length) throw new PngError(`truncated: a chunk header at byte ${pos} is cut short`);
    const length = data.readUInt32BE(pos);
    const type = data.toString('latin1', pos + 4, pos + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw new PngError(`corrupt: invalid chunk type at byte ${pos}`);
    if (length > 0x7fffffff || pos + 12 + length > data.length) throw new PngError(`truncated: chunk ${type} claims ${length} bytes past the end of the file`);
    const body = data.subarray(pos + 8, pos + 8 + length);
    if (crc32(data.subarray(pos + 4, pos + 8 + length)) !== data.readUInt32BE(pos + 8 + length)) throw new PngError(`corrupt: bad CRC in chunk ${type}`);
    pos += 12 + length;

    if (header === null && type !== 'IHDR') throw new PngError('corrupt: the first chunk is not IHDR');
    switch (type) {
      case 'IHDR':
        if (header !== null) throw new PngError('corrupt: more than one IHDR');
        header = parseHeader(body, limits);
        break;
      case 'PLTE':
        if (body.length === 0 || body.length % 3 !== 0 || body.length > 768) throw new PngError('corrupt: PLTE length is not 1–256 RGB entries');
        if (idat.length > 0) throw new PngError('corrupt: PLTE after IDAT');
        palette = body;
        break;
      case 'tRNS':
        transparency = checkTransparency(body, header as PngHeader, palette);
        break;
      case 'IDAT':
        idat.push(body);
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        // Ancillary chunks (lower-case first letter: text, gamma, APNG frames…) do not change the
        // default image; an unknown critical one might, so we refuse rather than draw it wrong.
        if (type.charCodeAt(0) < 0x61) throw new PngError(`unsupported: unknown critical chunk ${type}`);
    }
    if (ended) break;
  }
  if (header === null) throw new PngError('truncated: no IHDR');
  if (!ended) throw new PngError('truncated: no IEND chunk (file cut short?)');
  if (idat.length === 0) throw new PngError('corrupt: no image data (IDAT)');
  if (header.colorType === 3 && palette === null) throw new PngError('corrupt: palette image without PLTE');
  return { header, palette: header.colorType === 3 ? palette : null, transparency, idat };
}

function parseHeader(body: Buffer, limits: PngLimits): PngHeader {
  if (body.length !== 13) throw new PngError('corrupt: IHDR is not 13 bytes');
  const width = body.readUInt32BE(0);
  const height = body.readUInt32BE(4);
  const bitDepth = body[8] as number;
  const colorType = body[9] as number;
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) throw new PngError(`corrupt: image size ${width}×${height}`);
  if (!(colorType in DEPTHS)) throw new PngError(`corrupt: unknown color type ${colorType}`);
  const ct = colorType as PngColorType;
  if (!DEPTHS[ct].includes(bitDepth)) throw new PngError(`corrupt: bit depth ${bitDepth} is invalid for ${COLOR_NAMES[ct]}`);
  if (body[10] !== 0 || body[11] !== 0) throw new PngError('corrupt: unknown compression or filter method');
  if (body[12] === 1) throw new PngError('unsupported: interlaced (Adam7) PNGs are not decoded');
  if (body[12] !== 0) throw new PngError(`corrupt: unknown interlace method ${body[12]}`);
  if (bitDepth === 16) throw new PngError(`unsupported: 16-bit ${COLOR_NAMES[ct]} PNGs are not decoded`);
  if (width > limits.maxWidth) throw new PngError(`too large: ${width} px wide, over the ${limits.maxWidth} px limit`);
  if (width * height > limits.maxPixels) throw new PngError(`too large: ${width}×${height} is over the ${limits.maxPixels}-pixel limit`);
  return { width, height, bitDepth, colorType: ct };
}

function checkTransparency(body: Buffer, header: PngHeader, palette: Uint8Array | null): Uint8Array | null {
  switch (header.colorType) {
    case 3:
      if (palette === null) throw new PngError('corrupt: tRNS before PLTE');
      if (body.length > palette.length / 3) throw new PngError('corrupt: tRNS has more entries than the palette');
      return body;
    case 0:
      if (body.length !== 2) throw new PngError('corrupt: grey tRNS is not 2 bytes');
      return body;
    case 2:
      if (body.length !== 6) throw new PngError('corrupt: RGB tRNS is not 6 bytes');
      return body;
    default:
      // Images with an alpha channel may not carry tRNS; decoders ignore it.
      return null;
  }
}

/** One chunk: length, type, data, CRC over type and data. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export function ihdr(h: PngHeader): Buffer {
  const body = Buffer.alloc(13);
  body.writeUInt32BE(h.width, 0);
  body.writeUInt32BE(h.height, 4);
  body[8] = h.bitDepth;
  body[9] = h.colorType;
  return pngChunk('IHDR', body);
}
