import { describe, expect, it } from 'vitest';
import type { LiveTaskView, TaskView } from '../../../../shared/tasks';
import { task } from '../../testing/fixtures';
import { countScope, filtersActive, filtersKey, filtersToQuery, matchesFilters, NO_FILTERS } from './task-filters';
import { appendPage, mergeRows } from './task-rows';

const live = (t: TaskView, waiting: string | null = null): LiveTaskView => ({ ...t, waiting });

describe('countScope (U2 status chips)', () => {
  it('U2: the counts follow server, type, session and the key search, trimmed, and ignore status (each chip counts one)', () => {
    expect(countScope(NO_FILTERS)).toEqual({});
    expect(countScope({ statuses: ['failed'], serverId: 'srv-1', type: ' photo ', sessionId: '', search: 'abc' })).toEqual({ serverId: 'srv-1', type: 'photo', search: 'abc' });
    expect(countScope({ ...NO_FILTERS, sessionId: ' shop ' })).toEqual({ sessionId: 'shop' });
    expect(countScope({ ...NO_FILTERS, search: ' order-47 ' })).toEqual({ search: 'order-47' });
  });

  it('U2: any filter, a ticked status or a search among them, makes an empty list one of no matches', () => {
    expect(filtersActive(NO_FILTERS)).toBe(false);
    expect(filtersActive({ ...NO_FILTERS, search: '   ' })).toBe(false);
    expect(filtersActive({ ...NO_FILTERS, statuses: ['queued'] })).toBe(true);
    expect(filtersActive({ ...NO_FILTERS, search: 'x' })).toBe(true);
    expect(filtersActive({ ...NO_FILTERS, serverId: 'srv-1' })).toBe(true);
  });
});

describe('filtersToQuery (U2 → tasks.list)', () => {
  it('sends only the filters that are set, trimmed, with the page size and cursor', () => {
    expect(filtersToQuery(NO_FILTERS, 100)).toEqual({ limit: 100 });
    expect(filtersToQuery({ statuses: ['running', 'queued'], serverId: 'a', type: ' photo ', sessionId: 's1', search: ' ord ' }, 50, 'c1')).toEqual({
      limit: 50,
      status: ['queued', 'running'],
      serverId: 'a',
      type: 'photo',
      sessionId: 's1',
      search: 'ord',
      cursor: 'c1',
    });
  });

  it('all statuses ticked is the same as none', () => {
    expect(filtersToQuery({ ...NO_FILTERS, statuses: ['queued', 'dispatched', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] }, 10)).toEqual({ limit: 10 });
  });

  it('the key ignores the order of ticked statuses and surrounding blanks', () => {
    expect(filtersKey({ ...NO_FILTERS, statuses: ['failed', 'queued'], search: 'x ' })).toBe(filtersKey({ ...NO_FILTERS, statuses: ['queued', 'failed'], search: 'x' }));
  });
});

describe('matchesFilters (the engine semantics, for live tasks)', () => {
  const t = task({ id: 'AbC123', key: 'order-4711', status: 'running', serverId: 'a', type: 'photo', sessionId: 'shop' });
  it('search matches an id prefix or a key substring, case-insensitively', () => {
    expect(matchesFilters(t, { ...NO_FILTERS, search: 'abc' })).toBe(true);
    expect(matchesFilters(t, { ...NO_FILTERS, search: '123' })).toBe(false);
    expect(matchesFilters(t, { ...NO_FILTERS, search: 'ORDER-47' })).toBe(true);
  });
  it('every set filter must match', () => {
    expect(matchesFilters(t, { ...NO_FILTERS, statuses: ['running'], serverId: 'a', type: 'photo', sessionId: 'shop' })).toBe(true);
    expect(matchesFilters(t, { ...NO_FILTERS, statuses: ['queued'] })).toBe(false);
    expect(matchesFilters(t, { ...NO_FILTERS, serverId: 'b' })).toBe(false);
    expect(matchesFilters(t, { ...NO_FILTERS, type: 'default' })).toBe(false);
    expect(matchesFilters(t, { ...NO_FILTERS, sessionId: 'api' })).toBe(false);
  });
});

describe('mergeRows (U2: pages overlaid with live upserts)', () => {
  const p1 = task({ id: 't3', createdAt: 300, version: 2, status: 'running' });
  const p2 = task({ id: 't2', createdAt: 200, version: 5, status: 'succeeded' });
  const pages = [p1, p2];

  it('replaces a page row by its live version when that is at least as new, never by an older one', () => {
    const { rows } = mergeRows(pages, [live({ ...p1, version: 3, status: 'succeeded' }), live({ ...p2, version: 4, status: 'running' })], NO_FILTERS);
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      ['t3', 'succeeded'],
      ['t2', 'succeeded'],
    ]);
  });

  it('puts live tasks newer than the newest page row on top when they match the filters', () => {
    const fresh = live(task({ id: 't5', createdAt: 500, status: 'queued' }), 'no capacity');
    const other = live(task({ id: 't4', createdAt: 400, status: 'failed' }));
    const { rows, added } = mergeRows(pages, [fresh, other, live(p1)], { ...NO_FILTERS, statuses: ['queued', 'running'] });
    expect(rows.map((r) => r.id)).toEqual(['t5', 't3', 't2']);
    expect(added).toBe(1);
    expect(rows[0]?.waiting).toBe('no capacity');
  });

  it('does not add live tasks older than the newest page row (the pages answered for them)', () => {
    const old = live(task({ id: 't1', createdAt: 100 }));
    expect(mergeRows(pages, [old], NO_FILTERS).rows.map((r) => r.id)).toEqual(['t3', 't2']);
  });

  it('a row on screen stays even when its live status leaves the status filter', () => {
    const { rows } = mergeRows([p1], [live({ ...p1, version: 9, status: 'cancelled' })], { ...NO_FILTERS, statuses: ['running'] });
    expect(rows.map((r) => [r.id, r.status])).toEqual([['t3', 'cancelled']]);
  });

  it('with no pages yet, every matching live task shows', () => {
    expect(mergeRows([], [live(p1), live(p2)], NO_FILTERS).rows).toHaveLength(2);
  });

  it('appendPage drops rows already loaded', () => {
    expect(appendPage(pages, [p2, task({ id: 't0', createdAt: 1 })]).map((t) => t.id)).toEqual(['t3', 't2', 't0']);
  });
});
