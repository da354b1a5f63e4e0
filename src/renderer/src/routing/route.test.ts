import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref, taskHref } from './route';

describe('routes', () => {
  it('parses every view and falls back to the fleet', () => {
    expect(parseRoute('')).toEqual({ view: 'fleet' });
    expect(parseRoute('#/')).toEqual({ view: 'fleet' });
    expect(parseRoute('#/tasks')).toEqual({ view: 'tasks' });
    expect(parseRoute('#/locks')).toEqual({ view: 'locks' });
    expect(parseRoute('#/nonsense/x')).toEqual({ view: 'fleet' });
    expect(parseRoute('#/constructor')).toEqual({ view: 'fleet' });
  });

  it('U3: a task id round-trips through its link, whatever characters it has', () => {
    const id = 'order 42/ä#x';
    expect(parseRoute(taskHref(id))).toEqual({ view: 'task', id });
    expect(routeHref({ view: 'settings' })).toBe('#/settings');
  });
});
