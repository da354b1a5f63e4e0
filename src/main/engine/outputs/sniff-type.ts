/**
 * The media type of a stored output from its first bytes. The server's Content-Type header is
 * not trusted (E3): a hostile server could label a page `image/png`, and the UI picks how to
 * show a file from this answer. Anything not recognised is `application/octet-stream`, which
 * the UI only offers as a download.
 */
export const OCTET_STREAM = 'application/octet-stream';

export function sniffContentType(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 64));
  const ascii = (start: number, text: string) => b.length >= start + text.length && b.toString('latin1', start, start + text.length) === text;

  if (startsWith(b, PNG)) return 'image/png';
  if (startsWith(b, JPEG)) return 'image/jpeg';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'image/gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  if (ascii(0, 'RIFF') && ascii(8, 'WAVE')) return 'audio/wav';
  if (ascii(0, 'fLaC')) return 'audio/flac';
  // ComfyUI's SaveAudio (opus/vorbis) writes Ogg.
  if (ascii(0, 'OggS')) return 'audio/ogg';
  if (ascii(0, 'ID3')) return 'audio/mpeg';
  if (ascii(4, 'ftyp')) return isoMediaType(b.toString('latin1', 8, 12));
  if (startsWith(b, EBML)) return b.includes('webm', 4, 'latin1') ? 'video/webm' : 'video/x-matroska';
  return OCTET_STREAM;
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const EBML = [0x1a, 0x45, 0xdf, 0xa3];

function startsWith(b: Buffer, magic: readonly number[]): boolean {
  return b.length >= magic.length && magic.every((v, i) => b[i] === v);
}

/** ISO base media files (MP4 and relatives) say what they are in the `ftyp` major brand. */
function isoMediaType(brand: string): string {
  if (brand === 'qt  ') return 'video/quicktime';
  if (brand === 'M4A ' || brand === 'M4B ') return 'audio/mp4';
  if (brand === 'avif' || brand === 'avis') return 'image/avif';
  if (brand === 'heic' || brand === 'heix' || brand === 'mif1') return 'image/heic';
  return 'video/mp4';
}
