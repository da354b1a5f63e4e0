import { Readable } from 'node:stream';
import { createInflate, inflateSync } from 'node:zlib';
import type { PngLimits, PngStructure } from './png-format';
import { DEFAULT_PNG_LIMITS, PngError, readPngStructure, scanlineBytes } from './png-format';
import { ScanlineReader } from './png-scanlines';

/** A decoded image, always RGBA8, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/**
 * Whole-image decode, for small images and tests. Inflation is capped at the size the header
 * declares (plus one byte, to notice more), so a bomb costs no more memory than an honest file.
 * Throws {@link PngError}.
 */
export function decodePng(bytes: Uint8Array, limits: PngLimits = SYNC_LIMITS): RgbaImage {
  const structure = readPngStructure(bytes, limits);
  const { width, height } = structure.header;
  const pixels = new Uint8Array(width * height * 4);
  const reader = new ScanlineReader(structure, (row, y) => pixels.set(row, y * width * 4));
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(structure.idat), { maxOutputLength: expectedRawBytes(structure) + 1 });
  } catch (err) {
    throw inflateError(err);
  }
  reader.push(raw);
  reader.finish();
  return { width, height, pixels };
}

/** Whole images are held in memory here: a lower cap than the streaming path's. */
const SYNC_LIMITS: PngLimits = { maxPixels: 16 * 1024 * 1024, maxWidth: DEFAULT_PNG_LIMITS.maxWidth };

export interface RowSink {
  /** Called once, after the chunks were checked and before the first row. */
  header?(structure: PngStructure): void;
  /** RGBA8, a view reused for the next row: copy what you keep. */
  row(rgba: Uint8Array, y: number): void;
}

/**
 * Streams the image through `sink` one row at a time while inflating on the zlib thread
 * pool, so a large PNG neither blocks the engine's event loop for long nor needs memory for
 * more than two scanlines. Rejects with {@link PngError}.
 */
export async function decodePngRows(bytes: Uint8Array, sink: RowSink, limits: PngLimits = DEFAULT_PNG_LIMITS): Promise<PngStructure> {
  const structure = readPngStructure(bytes, limits);
  sink.header?.(structure);
  const reader = new ScanlineReader(structure, (row, y) => sink.row(row, y));
  const source = Readable.from(structure.idat, { objectMode: false });
  const inflater = createInflate({ chunkSize: 64 * 1024 });
  source.pipe(inflater);
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      // Throws on the first byte past the declared size; leaving the loop destroys the stream.
      reader.push(chunk);
    }
  } catch (err) {
    throw err instanceof PngError ? err : inflateError(err);
  } finally {
    source.unpipe(inflater);
    source.destroy();
    inflater.destroy();
  }
  reader.finish();
  return structure;
}

function expectedRawBytes(s: PngStructure): number {
  return s.header.height * (scanlineBytes(s.header) + 1);
}

function inflateError(err: unknown): PngError {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ERR_BUFFER_TOO_LARGE') return new PngError('corrupt: more image data than the header declares');
  if (code === 'Z_BUF_ERROR') return new PngError('truncated: the compressed image data ends early');
  const message = err instanceof Error ? err.message : String(err);
  return new PngError(`corrupt: image data does not inflate (${message})`);
}
