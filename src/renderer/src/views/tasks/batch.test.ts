import { describe, expect, it } from 'vitest';
import type { CommandArgs, CommandName, FleetApi, Result } from '../../../../shared/api';
import { task } from '../../testing/fixtures';
import { addResult, emptySummary, runBatch } from './batch';
import { NO_FILTERS } from './task-filters';

describe('batch summaries (U2)', () => {
  it('counts successes and groups refusals by code with the engine message', () => {
    let s = emptySummary();
    s = addResult(s, 'a', { ok: true, value: {} });
    s = addResult(s, 'b', { ok: false, error: { code: 'terminal', message: 'task b is already succeeded' } });
    s = addResult(s, 'c', { ok: false, error: { code: 'terminal', message: 'task c is already failed' } });
    expect(s).toEqual({ done: 1, refused: [{ code: 'terminal', count: 2, example: 'task b is already succeeded', ids: ['b', 'c'] }] });
  });

  it('S4: "all matching" pages through tasks.list with the filters and acts page by page', async () => {
    const calls: string[] = [];
    const pages: Record<string, { ids: string[]; next: string | null }> = { '': { ids: ['t1', 't2'], next: 'c2' }, c2: { ids: ['t3'], next: null } };
    const api: FleetApi = {
      subscribe: () => () => {},
      call: (async <K extends CommandName>(name: K, args: CommandArgs<K>): Promise<Result<unknown>> => {
        if (name === 'tasks.list') {
          const q = args as CommandArgs<'tasks.list'>;
          calls.push(`list ${q.cursor ?? ''} ${q.status?.join(',') ?? ''}`);
          const p = pages[q.cursor ?? ''];
          return { ok: true, value: { items: (p?.ids ?? []).map((id) => task({ id })), total: 3, nextCursor: p?.next ?? null } };
        }
        const id = (args as { id: string }).id;
        calls.push(`${name} ${id}`);
        return id === 't2' ? { ok: false, error: { code: 'terminal', message: 'already done' } } : { ok: true, value: {} };
      }) as FleetApi['call'],
    };
    const s = await runBatch(api, 'cancel', { kind: 'matching', filters: { ...NO_FILTERS, statuses: ['running'] }, total: 3 }, () => {});
    expect(calls).toEqual(['list  running', 'tasks.cancel t1', 'tasks.cancel t2', 'list c2 running', 'tasks.cancel t3']);
    expect(s.done).toBe(2);
    expect(s.refused[0]).toMatchObject({ code: 'terminal', count: 1 });
  });
});
