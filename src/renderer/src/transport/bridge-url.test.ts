import { describe, expect, it } from 'vitest';
import { bridgeUrl, takeBridgeToken, tokenFromHash } from './bridge-url';

function fakeWindow(hash: string, stored: Record<string, string> = {}) {
  const location = { hash };
  return {
    location: location as Location,
    sessionStorage: {
      getItem: (k: string) => stored[k] ?? null,
      setItem: (k: string, v: string) => void (stored[k] = v),
    } as Storage,
    history: { replaceState: (_s: unknown, _t: string, url: string) => void (location.hash = url) } as History,
    stored,
  };
}

describe('bridge address and token', () => {
  it('M2: targets the same origin over ws for an http page', () => {
    expect(bridgeUrl({ protocol: 'http:', host: '127.0.0.1:8787' }, null)).toBe('ws://127.0.0.1:8787/bridge');
  });

  it('uses wss for an https page', () => {
    expect(bridgeUrl({ protocol: 'https:', host: 'fleet.example:443' }, null)).toBe('wss://fleet.example:443/bridge');
  });

  it('E2: passes the token on as the query of the upgrade, encoded', () => {
    expect(bridgeUrl({ protocol: 'http:', host: 'h:1' }, 'a b')).toBe('ws://h:1/bridge?token=a%20b');
  });

  it('reads a token only from a #token=… fragment, not from a route', () => {
    expect(tokenFromHash('#token=abc')).toBe('abc');
    expect(tokenFromHash('#/tasks')).toBeNull();
    expect(tokenFromHash('#token=')).toBeNull();
  });

  it('E2: the token is taken out of the address, kept for the tab, and survives navigation and reload', () => {
    const win = fakeWindow('#token=s3cret');
    expect(takeBridgeToken(win)).toBe('s3cret');
    expect(win.location.hash).toBe('#/fleet');
    // The operator moves to another view, then reloads: the fragment has no token any more.
    win.location.hash = '#/settings';
    expect(takeBridgeToken(win)).toBe('s3cret');
  });

  it('no token given and none kept: none', () => {
    expect(takeBridgeToken(fakeWindow('#/tasks'))).toBeNull();
  });
});
