import { describe, expect, it } from 'vitest';
import { NO_FILTERS, type TaskFilters } from './task-filters';
import { filtersFromHashQuery, filtersOfHash, filtersToHashQuery, tasksHash } from './task-filters-url';

describe('U2 filters in the address', () => {
  it('U2: no filter is the bare tasks address', () => {
    expect(tasksHash(NO_FILTERS)).toBe('#/tasks');
    expect(filtersOfHash('#/tasks')).toEqual(NO_FILTERS);
  });

  it('U2: every filter round-trips, with the task API\'s names, whatever characters it holds', () => {
    const filters: TaskFilters = { statuses: ['running', 'queued'], serverId: 'srv-1', type: 'product photo', sessionId: 'shop/eu', search: 'order #47&x=1' };
    const hash = tasksHash(filters);
    expect(hash).toMatch(/^#\/tasks\?status=queued,running&server=srv-1&type=product\+photo&session=shop%2Feu&key=order\+%2347%26x%3D1$/);
    // The statuses in the table's order, whatever order they were ticked in.
    expect(filtersOfHash(hash)).toEqual({ ...filters, statuses: ['queued', 'running'] });
  });

  it('U2: blanks are not filters, and unknown statuses or parameters are ignored', () => {
    expect(filtersToHashQuery({ ...NO_FILTERS, type: '  ', search: ' ' })).toBe('');
    expect(filtersFromHashQuery('status=queued,bogus&status=failed&page=3')).toEqual({ ...NO_FILTERS, statuses: ['queued', 'failed'] });
  });

  it('U2: another view\'s address has no task filters', () => {
    expect(filtersOfHash('#/tasks/abc?status=queued')).toBeNull();
    expect(filtersOfHash('#/fleet')).toBeNull();
  });
});
