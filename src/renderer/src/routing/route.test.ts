import { describe, expect, it } from 'vitest';
import { hashQuery, parseRoute, routeHref, taskHref } from './route';

describe('routes', () => {
  it('parses every view and falls back to the fleet', () => {
    expect(parseRoute('')).toEqual({ view: 'fleet' });
    expect(parseRoute('#/')).toEqual({ view: 'fleet' });
    expect(parseRoute('#/tasks')).toEqual({ view: 'tasks' });
    expect(parseRoute('#/locks')).toEqual({ view: 'locks' });
    expect(parseRoute('#/nonsense/x')).toEqual({ view: 'fleet' });
    expect(parseRoute('#/constructor')).toEqual({ view: 'fleet' });
  });

  it('U2: a query after the path is the view\'s own state, not part of the route', () => {
    expect(parseRoute('#/tasks?status=queued&key=a/b')).toEqual({ view: 'tasks' });
    expect(parseRoute('#/tasks/abc?x=1')).toEqual({ view: 'task', id: 'abc' });
    expect(hashQuery('#/tasks?status=queued&key=a%2Fb')).toBe('status=queued&key=a%2Fb');
    expect(hashQuery('#/tasks')).toBe('');
  });

  it('U3: a task id round-trips through its link, whatever characters it has', () => {
    const id = 'order 42/ä#x';
    expect(parseRoute(taskHref(id))).toEqual({ view: 'task', id });
    expect(routeHref({ view: 'settings' })).toBe('#/settings');
  });
});
