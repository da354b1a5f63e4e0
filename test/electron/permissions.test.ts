import { describe, expect, it, vi } from 'vitest';
import { createAppUrl } from '../../src/main/app-url';
import { installPermissionPolicy, isPermissionAllowed } from '../../src/main/permissions';
import { FakeSession } from './electron-double';

vi.mock('electron', () => ({}));

const app = createAppUrl({ indexFile: '/app/out/renderer/index.html' });
const APP = `${app.url}#/fleet`;

function installed() {
  const session = new FakeSession();
  installPermissionPolicy(session as never, app.isAppUrl);
  return session;
}

describe('E1 permissions', () => {
  it('U8: notifications are granted to the console page, when asked and when checked', async () => {
    const session = installed();
    expect(await session.request('notifications', APP)).toBe(true);
    expect(session.check('notifications', APP)).toBe(true);
  });

  it('notifications are refused to any other page, to a sub-frame and to a caller without a document', async () => {
    const session = installed();
    expect(await session.request('notifications', 'https://evil.example/')).toBe(false);
    expect(await session.request('notifications', 'file:///tmp/other.html')).toBe(false);
    expect(await session.request('notifications', APP, false)).toBe(false);
    expect(session.check('notifications', 'https://evil.example/')).toBe(false);
    expect(session.check('notifications', APP, false)).toBe(false);
    expect(session.check('notifications', undefined)).toBe(false);
  });

  it('copy buttons may write to the clipboard from the console page only; reading stays refused', async () => {
    const session = installed();
    expect(await session.request('clipboard-sanitized-write', APP)).toBe(true);
    expect(await session.request('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(await session.request('clipboard-sanitized-write', APP, false)).toBe(false);
    expect(await session.request('clipboard-read', APP)).toBe(false);
  });

  it('everything else is refused, even to the console page', async () => {
    const session = installed();
    for (const permission of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb', 'midiSysex', 'display-capture', 'unknown']) {
      expect(await session.request(permission, APP), `request ${permission}`).toBe(false);
      expect(session.check(permission, APP), `check ${permission}`).toBe(false);
    }
  });

  it('the policy itself is a plain function', () => {
    expect(isPermissionAllowed({ permission: 'notifications', requestingUrl: APP, isMainFrame: true }, app.isAppUrl)).toBe(true);
    expect(isPermissionAllowed({ permission: 'camera', requestingUrl: APP, isMainFrame: true }, app.isAppUrl)).toBe(false);
  });
});
