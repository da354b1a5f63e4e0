import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NAME_BYTES, sanitiseFileName, taskDirName } from './sanitise';

const RESERVED = /[<>:"|?*/\\]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;

/** What every result must be, whatever the input. */
function expectSafe(out: string, maxBytes = DEFAULT_NAME_BYTES): void {
  expect(out.length).toBeGreaterThan(0);
  expect(out).not.toMatch(RESERVED);
  expect(out).not.toMatch(CONTROL);
  expect(out).not.toMatch(/^[.\s]/);
  expect(out).not.toMatch(/[.\s]$/);
  expect(out).not.toMatch(DEVICE);
  expect(out).not.toBe('..');
  expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(maxBytes);
  expect(out).toBe(out.normalize('NFC'));
}

describe('sanitiseFileName (E3)', () => {
  it.each([
    ['ComfyUI_00001_.png', 'ComfyUI_00001_.png'],
    ['../../etc/passwd', 'passwd'],
    ['/abs/path.png', 'path.png'],
    ['C:\\x.png', 'x.png'],
    ['C:x.png', 'C_x.png'],
    ['a/../../b.png', 'b.png'],
    ['..\\..\\windows\\system.ini', 'system.ini'],
    ['x.png [input]', 'x.png'],
    ['x.png [output] [temp]', 'x.png'],
    ['evil\u0000.png', 'evil.png'],
    ['line\nbreak.png', 'linebreak.png'],
    ['photo\u202Egnp.exe', 'photognp.exe'],
    ['zero\u200Bwidth.png', 'zerowidth.png'],
    ['a<b>c:d"e|f?g*h.png', 'a_b_c_d_e_f_g_h.png'],
    ['.hidden', 'hidden'],
    ['...png', 'png'],
    ['name. . ', 'name'],
    ['CON', '_CON'],
    ['con.png', '_con.png'],
    ['Lpt1.tar.gz', '_Lpt1.tar.gz'],
    ['COM²', '_COM²'],
    ['console.png', 'console.png'],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['', 'output'],
    ['..', 'output'],
    ['/', 'output'],
    ['dir/', 'output'],
    ['\u0000\u0001', 'output'],
    ['\uD800lone.png', '_lone.png'],
  ])('%j → %j', (input, expected) => {
    expect(sanitiseFileName(input)).toBe(expected);
  });

  it('normalises to NFC, so the same name from macOS and Linux is one file', () => {
    const decomposed = 'cafe\u0301.png';
    expect(sanitiseFileName(decomposed)).toBe('caf\u00e9.png');
    expect(sanitiseFileName(decomposed)).toBe(sanitiseFileName('caf\u00e9.png'));
  });

  it('cuts overlong names to the byte budget on a character boundary and keeps the extension', () => {
    const long = `${'a'.repeat(300)}.png`;
    const out = sanitiseFileName(long);
    expect(Buffer.byteLength(out)).toBe(DEFAULT_NAME_BYTES);
    expect(out.endsWith('.png')).toBe(true);

    const emoji = `${'😀'.repeat(100)}.webp`;
    const cut = sanitiseFileName(emoji, { maxBytes: 30 });
    expect(cut).toBe(`${'😀'.repeat(6)}.webp`);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(30);

    // An "extension" too long to keep is just part of the name.
    expect(sanitiseFileName(`x.${'b'.repeat(16)}`, { maxBytes: 16 })).toBe(`x.${'b'.repeat(14)}`);
  });

  it('a custom fallback replaces names with nothing usable', () => {
    expect(sanitiseFileName('../', { fallback: 'file' })).toBe('file');
  });

  it('property: any string gives a safe name, the same every time, and sanitising it again changes nothing', () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.string({ unit: fc.constantFrom('.', '/', '\\', ' ', '\u0000', '\n', 'a', 'C', 'O', 'N', ':', '[', ']', 'i', 'n', 'p', 'u', 't', '\u202E', '\uD800', 'e\u0301'), maxLength: 60 }),
    );
    fc.assert(
      fc.property(hostile, fc.integer({ min: 16, max: 200 }), (input, maxBytes) => {
        const out = sanitiseFileName(input, { maxBytes });
        expectSafe(out, maxBytes);
        expect(sanitiseFileName(input, { maxBytes })).toBe(out);
        expect(sanitiseFileName(out, { maxBytes })).toBe(out);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('taskDirName', () => {
  it('keeps uuids and other plain ids as they are', () => {
    expect(taskDirName('0b9c7a3e-5f7d-4a0e-9d59-3a3c1b0a9e11')).toBe('0b9c7a3e-5f7d-4a0e-9d59-3a3c1b0a9e11');
    expect(taskDirName('task_42')).toBe('task_42');
  });

  it('sanitises anything else and adds a hash of the original, so different ids never share a folder', () => {
    const names = ['../../etc', '..', 'a/b', 'a_b-x', 'A', 'a', 'CON', '', '.', 'Task 1', 'task 1'].map(taskDirName);
    for (const n of names) {
      expect(n).toMatch(/^[a-z0-9_-]+$/);
      expect(n).not.toMatch(/^(con|prn|aux|nul)$/);
    }
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    expect(taskDirName('../../etc')).toMatch(/^etc-[0-9a-f]{16}$/);
  });

  it('property: always one plain path segment, same id → same folder', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (id) => {
        const dir = taskDirName(id);
        expect(dir).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
        expect(Buffer.byteLength(dir)).toBeLessThanOrEqual(100);
        expect(taskDirName(id)).toBe(dir);
      }),
      { numRuns: 1000 },
    );
  });
});
