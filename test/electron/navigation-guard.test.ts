import { describe, expect, it, vi } from 'vitest';
import { appFiles, createAppUrl, dataDirUnder } from '../../src/main/app-url';
import { blockRemoteRequests, guardAllWebContents, guardWebContents, isAppOrigin, isExternalLink, windowOpenDecision } from '../../src/main/navigation-guard';
import { FakeSession, FakeWebContents, navigationEvent } from './electron-double';

vi.mock('electron', () => ({}));

const INDEX = '/opt/ComfyFleet/resources/app/out/renderer/index.html';
const packaged = createAppUrl({ indexFile: INDEX });
const dev = createAppUrl({ devUrl: 'http://localhost:5173', indexFile: INDEX });

describe('app URL', () => {
  it('packaged: only the built index.html, with any hash or query', () => {
    expect(packaged.url).toBe(`file://${INDEX}`);
    expect(packaged.isAppUrl(`file://${INDEX}`)).toBe(true);
    expect(packaged.isAppUrl(`file://${INDEX}#/tasks?id=1`)).toBe(true);
    expect(packaged.isAppUrl('file:///opt/ComfyFleet/resources/app/out/renderer/other.html')).toBe(false);
    expect(packaged.isAppUrl('file:///etc/passwd')).toBe(false);
    expect(packaged.isAppUrl(`file://evil.example${INDEX}`)).toBe(false);
    expect(packaged.isAppUrl('https://example.com/')).toBe(false);
    expect(packaged.isAppUrl('not a url')).toBe(false);
  });

  it('dev: the dev server origin, compared as an origin and not a prefix', () => {
    expect(dev.isAppUrl('http://localhost:5173/')).toBe(true);
    expect(dev.isAppUrl('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(dev.isAppUrl('http://localhost:5173.evil.example/')).toBe(false);
    expect(dev.isAppUrl('http://localhost:5174/')).toBe(false);
    expect(dev.isAppUrl('https://localhost:5173/')).toBe(false);
    expect(dev.isAppUrl(`file://${INDEX}`)).toBe(false);
  });

  it('dev: refuses a dev server that is not on this machine', () => {
    expect(() => createAppUrl({ devUrl: 'http://10.0.0.5:5173', indexFile: INDEX })).toThrow(/not a loopback http\(s\) URL/);
    expect(() => createAppUrl({ devUrl: 'file:///tmp/x.html', indexFile: INDEX })).toThrow(/not a loopback/);
  });

  it('the built files sit beside out/main, and the data folder under userData', () => {
    expect(appFiles('/app/out/main')).toEqual({ preload: '/app/out/preload/index.js', indexHtml: '/app/out/renderer/index.html' });
    expect(dataDirUnder('/home/op/.config/ComfyFleet')).toBe('/home/op/.config/ComfyFleet/data');
  });
});

describe('E1 navigation guard', () => {
  function guarded() {
    const contents = new FakeWebContents();
    const openExternal = vi.fn();
    guardWebContents(contents as never, { isAppUrl: packaged.isAppUrl, openExternal });
    return { contents, openExternal };
  }

  for (const eventName of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
    it(`${eventName}: stays on the console page, anything else is stopped`, () => {
      const { contents } = guarded();
      for (const url of ['https://evil.example/', 'http://127.0.0.1:8188/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>1</script>']) {
        const event = navigationEvent(url);
        contents.emit(eventName, event, url);
        expect(event.preventDefault, `${eventName} to ${url}`).toHaveBeenCalled();
      }
      const home = navigationEvent(`${packaged.url}#/servers`);
      contents.emit(eventName, home, home.url);
      expect(home.preventDefault).not.toHaveBeenCalled();
    });
  }

  it('<webview> is never attached', () => {
    const { contents } = guarded();
    const event = navigationEvent('');
    contents.emit('will-attach-webview', event, {}, { src: packaged.url });
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('window.open is denied; an https link goes to the browser instead', () => {
    const { contents, openExternal } = guarded();
    expect(contents.windowOpenHandler?.({ url: 'https://github.com/comfyanonymous/ComfyUI' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://github.com/comfyanonymous/ComfyUI');
  });

  it('window.open of anything but https opens nothing at all', () => {
    const openExternal = vi.fn();
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://share/x', 'https://user:pw@example.com/', packaged.url, 'nonsense']) {
      expect(windowOpenDecision({ url }, { openExternal })).toEqual({ action: 'deny' });
    }
    expect(openExternal).not.toHaveBeenCalled();
    expect(isExternalLink('https://example.com/a?b#c')).toBe(true);
  });

  it('is applied to every WebContents the app creates', () => {
    const app = new FakeWebContents();
    guardAllWebContents(app as never, { isAppUrl: packaged.isAppUrl, openExternal: vi.fn() });
    const later = new FakeWebContents();
    app.emit('web-contents-created', {}, later);
    const event = navigationEvent('https://evil.example/');
    later.emit('will-navigate', event, event.url);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(later.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});

describe('E1 no remote content', () => {
  it('packaged: every network request of the page is cancelled', () => {
    const session = new FakeSession();
    blockRemoteRequests(session as never, packaged.isAppUrl);
    expect(session.beforeRequest?.filter.urls).toEqual(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']);
    const answer = vi.fn();
    session.beforeRequest?.listener({ url: 'https://cdn.example/lib.js' }, answer);
    expect(answer).toHaveBeenCalledWith({ cancel: true });
  });

  it('dev: the dev server and its HMR socket pass, other hosts do not', () => {
    expect(isAppOrigin('http://localhost:5173/src/main.tsx', dev.isAppUrl)).toBe(true);
    expect(isAppOrigin('ws://localhost:5173/?token=x', dev.isAppUrl)).toBe(true);
    expect(isAppOrigin('ws://localhost:8188/ws', dev.isAppUrl)).toBe(false);
    expect(isAppOrigin('http://127.0.0.1:8188/queue', dev.isAppUrl)).toBe(false);
    expect(isAppOrigin('::', dev.isAppUrl)).toBe(false);
  });
});
