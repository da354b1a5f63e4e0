import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../shared/tasks';
import { detailPairs, matchesAudit } from './audit-format';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({ id: 1, at: 0, actor: 'alice', action: 'task.cancel', target: 't-1', reason: null, details: null, ...over });

describe('U7: the audit view (issue 19, item 11)', () => {
  it('shows details as readable key/value pairs, not raw JSON', () => {
    expect(detailPairs({ unfinished: 'requeue', drained: true, tags: ['a', 'b'], limits: { maxInFlight: 2 }, skip: undefined })).toEqual([
      { key: 'unfinished', value: 'requeue' },
      { key: 'drained', value: 'true' },
      { key: 'tags', value: 'a, b' },
      { key: 'limits', value: 'maxInFlight: 2' },
    ]);
    expect(detailPairs(null)).toEqual([]);
    expect(detailPairs({})).toEqual([]);
    expect(detailPairs('plain')).toEqual([{ key: 'value', value: 'plain' }]);
    expect(detailPairs({ a: null, b: [] })).toEqual([
      { key: 'a', value: '—' },
      { key: 'b', value: '(none)' },
    ]);
  });

  it('filters by action, target, actor, reason or details text, any case, every word', () => {
    const unlock = entry({ action: 'lock.force_release', target: 'studio', reason: 'gpu-a died', details: { unfinished: 'requeue' } });
    const cancel = entry({ action: 'task.cancel', target: 'abc123', actor: 'bob' });
    const all = [unlock, cancel];
    expect(all.filter((e) => matchesAudit(e, ''))).toEqual(all);
    expect(all.filter((e) => matchesAudit(e, 'LOCK'))).toEqual([unlock]);
    expect(all.filter((e) => matchesAudit(e, 'abc'))).toEqual([cancel]);
    expect(all.filter((e) => matchesAudit(e, 'bob cancel'))).toEqual([cancel]);
    expect(all.filter((e) => matchesAudit(e, 'requeue'))).toEqual([unlock]);
    expect(all.filter((e) => matchesAudit(e, 'died studio'))).toEqual([unlock]);
    expect(all.filter((e) => matchesAudit(e, 'nothing-like-it'))).toEqual([]);
  });
});
