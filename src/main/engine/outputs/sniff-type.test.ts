import { describe, expect, it } from 'vitest';
import { sniffContentType } from './sniff-type';

const b = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('sniffContentType', () => {
  it.each([
    ['PNG', b([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'rest'), 'image/png'],
    ['JPEG', b([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    ['GIF87a', b('GIF87a'), 'image/gif'],
    ['GIF89a', b('GIF89a...'), 'image/gif'],
    ['WebP', b('RIFF', [1, 2, 3, 4], 'WEBPVP8L'), 'image/webp'],
    ['WAV', b('RIFF', [1, 2, 3, 4], 'WAVEfmt '), 'audio/wav'],
    ['FLAC', b('fLaC'), 'audio/flac'],
    ['Ogg', b('OggS'), 'audio/ogg'],
    ['MP3 with ID3', b('ID3', [4, 0]), 'audio/mpeg'],
    ['MP4', b([0, 0, 0, 0x20], 'ftypisom'), 'video/mp4'],
    ['QuickTime', b([0, 0, 0, 0x14], 'ftypqt  '), 'video/quicktime'],
    ['AVIF', b([0, 0, 0, 0x1c], 'ftypavif'), 'image/avif'],
    ['WebM', b([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01], 'B', [0x82, 0x84], 'webm'), 'video/webm'],
    ['Matroska', b([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88], 'matroska'), 'video/x-matroska'],
  ])('%s', (_name, bytes, type) => {
    expect(sniffContentType(bytes)).toBe(type);
  });

  it('does not trust what looks like text or is too short: HTML, SVG, JSON, empty, a lone RIFF', () => {
    for (const bytes of [b('<!doctype html><script>'), b('<svg xmlns="http://www.w3.org/2000/svg">'), b('{"a":1}'), b(), b('RIFF'), b([0x89, 0x50, 0x4e])]) {
      expect(sniffContentType(bytes)).toBe('application/octet-stream');
    }
  });

  it('reads a view into a larger buffer from its own offset', () => {
    const big = b('junk', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(sniffContentType(big.subarray(4))).toBe('image/png');
  });
});
