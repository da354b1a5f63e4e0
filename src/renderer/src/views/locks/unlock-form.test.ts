import { describe, expect, it } from 'vitest';
import { UNLOCK_CHOICES, validateUnlock } from './unlock-form';

describe('L4/U4: the force-unlock form', () => {
  it('requires a reason and an explicit choice', () => {
    expect(validateUnlock({ reason: '', choice: null })).toEqual({
      ok: false,
      errors: { reason: expect.stringMatching(/reason/), choice: expect.stringMatching(/Choose/) },
    });
    expect(validateUnlock({ reason: '   ab ', choice: 'requeue' })).toMatchObject({ ok: false, errors: { reason: expect.any(String) } });
    expect(validateUnlock({ reason: 'gpu-3 replaced', choice: null })).toMatchObject({ ok: false, errors: { choice: expect.any(String) } });
  });

  it('trims the reason and passes the choice as `unfinished`', () => {
    expect(validateUnlock({ reason: '  gpu-3 is being replaced ', choice: 'cancel' })).toEqual({ ok: true, args: { reason: 'gpu-3 is being replaced', unfinished: 'cancel' } });
  });

  it('explains each of the three L4 choices', () => {
    expect(UNLOCK_CHOICES.map((c) => c.value)).toEqual(['requeue', 'cancel', 'leave']);
    for (const c of UNLOCK_CHOICES) expect(c.explain.length).toBeGreaterThan(20);
  });
});
