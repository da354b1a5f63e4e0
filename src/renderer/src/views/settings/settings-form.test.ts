import { describe, expect, it } from 'vitest';
import { dispatchFormValues, parseDispatchForm, parsePolicyForm, parseServerForm, parseTags, serverFormValues } from './settings-form';
import type { ConsoleSettings } from '../../../../shared/api';

const settings: ConsoleSettings = {
  database: { backend: 'sqlite', label: '/data/ledger.sqlite' },
  retentionDays: null,
  dispatch: { maxQueued: 10_000, submitsPerSecond: 20, submitBurst: 40 },
  probe: { queueIntervalMs: 1000, statsIntervalMs: 10_000, timeoutMs: 5000 },
  verbose: false,
  clientId: 'c',
  demo: 'available',
};

describe('U6: settings forms', () => {
  it('dispatch limits and retention round-trip; empty retention keeps everything', () => {
    expect(parseDispatchForm(dispatchFormValues(settings))).toEqual({ ok: true, value: { dispatch: settings.dispatch, retentionDays: null } });
    expect(parseDispatchForm({ maxQueued: ' 500 ', submitsPerSecond: '0.5', submitBurst: '3', retentionDays: '30' })).toEqual({
      ok: true,
      value: { dispatch: { maxQueued: 500, submitsPerSecond: 0.5, submitBurst: 3 }, retentionDays: 30 },
    });
  });

  it('names each field that is not a number of the right kind', () => {
    const r = parseDispatchForm({ maxQueued: '1.5', submitsPerSecond: 'fast', submitBurst: '', retentionDays: '-3' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['maxQueued', 'retentionDays', 'submitBurst', 'submitsPerSecond']);
  });

  it('F1: a server edit sends only the fields that changed', () => {
    const server = { id: 's1', name: 'gpu-1', url: 'http://10.0.0.5:8188', maxInFlight: 2, tags: ['sdxl'] };
    expect(parseServerForm(server, serverFormValues(server))).toEqual({ ok: true, value: { id: 's1' } });
    expect(parseServerForm(server, { name: 'gpu-1', url: 'http://10.0.0.5:8188', maxInFlight: '4', tags: 'sdxl, flux, sdxl' })).toEqual({
      ok: true,
      value: { id: 's1', maxInFlight: 4, tags: ['sdxl', 'flux'] },
    });
    expect(parseServerForm(server, { name: ' ', url: 'x', maxInFlight: 'two', tags: '' })).toMatchObject({ ok: false, errors: { name: expect.any(String), maxInFlight: expect.any(String) } });
    expect(parseTags(' a, ,b ,a')).toEqual(['a', 'b']);
  });

  it('T2: a task policy form becomes a TaskPolicy', () => {
    expect(parsePolicyForm({ type: ' product-photo ', mode: 'once', retryLimit: '2', failover: 'move' })).toEqual({
      ok: true,
      value: { type: 'product-photo', mode: 'once', retryLimit: 2, failover: 'move' },
    });
    expect(parsePolicyForm({ type: '', mode: 'once', retryLimit: 'x', failover: 'wait' })).toMatchObject({ ok: false, errors: { type: expect.any(String), retryLimit: expect.any(String) } });
  });
});
