import { describe, expect, it, vi } from 'vitest';
import { EngineError } from '../core/engine-error';
import type { CommandHandlers } from './command-router';
import { createCommandRouter } from './command-router';
import { serverView } from '../../../../test/support/server-view';

const view = serverView('srv-1');

function router(overrides: Partial<CommandHandlers> = {}, onBug = vi.fn()) {
  // Only the handlers these tests call; the router never touches the others.
  const handlers = {
    'fleet.snapshot': () => ({ seq: 0, at: 0, servers: [] }),
    'servers.add': () => view,
    'servers.update': () => view,
    'servers.remove': ({ id }) => ({ id }),
    'servers.series': ({ id, window }) => ({ id, window, stepMs: 1000, points: [] }),
    'log.setVerbose': ({ verbose }) => ({ verbose }),
    ...overrides,
  } as CommandHandlers;
  return createCommandRouter(handlers, onBug);
}

describe('command router', () => {
  it('answers a valid call with ok and the value', async () => {
    expect(await router()('servers.remove', { id: 'srv-1' })).toEqual({ ok: true, value: { id: 'srv-1' } });
  });

  it('refuses an unknown command by name, listing the known ones', async () => {
    const r = await router()('servers.nuke', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    if (!r.ok) expect(r.error.message).toContain('servers.add');
    expect(await router()(42, {})).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    expect(await router()('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
  });

  it('refuses bad arguments with a message naming the command and field, without calling the handler', async () => {
    const add = vi.fn(() => view);
    const r = await router({ 'servers.add': add })('servers.add', { url: 5, extra: true });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('bad_request');
      expect(r.error.message).toMatch(/^servers\.add: .*url/);
    }
    expect(add).not.toHaveBeenCalled();
  });

  it('turns an EngineError into its code and message', async () => {
    const r = await router({
      'servers.add': () => {
        throw new EngineError('invalid_url', '"ftp://x" uses ftp');
      },
    })('servers.add', { url: 'ftp://x' });
    expect(r).toEqual({ ok: false, error: { code: 'invalid_url', message: '"ftp://x" uses ftp' } });
  });

  it('reports a bug as internal, tells the bug sink, and does not throw', async () => {
    const onBug = vi.fn();
    const r = await router(
      {
        'fleet.snapshot': () => {
          throw new TypeError('boom');
        },
      },
      onBug,
    )('fleet.snapshot', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(onBug).toHaveBeenCalledOnce();
  });
});
