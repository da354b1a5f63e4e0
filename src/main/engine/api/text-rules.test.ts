import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findTextFault, textFault } from './text-rules';

/** ES2024 String.prototype.isWellFormed, which Node 24 has but this project's lib (ES2023) does not declare. */
const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

describe('T2: text the ledger can store as given', () => {
  it('T2: for any string, a lone surrogate is reported exactly when String.prototype.isWellFormed says it is ill-formed', () => {
    // Any UTF-16 code units, drawn half the time from the surrogate edges so that pairs, lone
    // halves and reversed pairs all come up often.
    const unit = fc.oneof(fc.constantFrom(0xd800, 0xdbff, 0xdc00, 0xdfff, 0x0000, 0x0041, 0xfffd), fc.integer({ min: 0, max: 0xffff }));
    const text = fc.array(unit, { maxLength: 10 }).map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(text, (s) => {
        const fault = textFault(s) ?? '';
        const wellFormed = isWellFormed(s);
        return fault.includes('lone UTF-16 surrogate') === !wellFormed && (!wellFormed || fault.includes('NUL') === s.includes('\u0000'));
      }),
      { numRuns: 1000 },
    );
  });

  it('T2: names the unit and where it is; pairs, astral characters and ordinary text pass', () => {
    expect(textFault('u-x\ud800y')).toContain('U+D800 at position 3');
    expect(textFault('\udc00\ud800')).toContain('U+DC00 at position 0');
    expect(textFault('order\u00004711')).toContain('NUL character (at position 5)');
    for (const ok of ['', 'order-4711', 'u-x\u{1F600}y', '\u{10FFFF}', 'e\u0301', '\ufffd']) expect(textFault(ok)).toBeNull();
  });

  it('T2: finds the first bad string in a body with its path, field names included, without recursion limits', () => {
    expect(findTextFault({ nodes: ['KSampler', 'x\ud800'] }, 'requirements')).toMatchObject({ path: 'requirements.nodes[1]' });
    expect(findTextFault({ ['bad\u0000']: 1 }, 'requirements')).toMatchObject({ path: 'requirements["bad\\u0000"]', fault: expect.stringContaining('a field name') as string });
    expect(findTextFault({ a: [1, true, null, { b: 'fine' }] }, 'x')).toBeNull();
    let deep: unknown = 'deep\ud800';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findTextFault(deep, 'body')?.fault).toContain('lone UTF-16 surrogate');
  });
});
