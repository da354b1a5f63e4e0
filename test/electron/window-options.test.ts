import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, consoleWebPreferences, consoleWindowOptions, enforceCsp, withCspHeader } from '../../src/main/window-options';
import { FakeSession } from './electron-double';

// Nothing here may load the real module: its binary is not downloaded on this machine.
vi.mock('electron', () => ({}));

describe('E1 window options', () => {
  it('turn on every isolation the console relies on and spell each one out', () => {
    expect(consoleWebPreferences('/app/out/preload/index.js')).toEqual({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    });
  });

  it('are the ones the console window is created with, and the window stays hidden until ready', () => {
    const options = consoleWindowOptions('/p.js');
    expect(options.webPreferences).toEqual(consoleWebPreferences('/p.js'));
    expect(options.show).toBe(false);
  });

  it('return a fresh object each time, so one window cannot loosen the next', () => {
    const first = consoleWebPreferences('/p.js');
    first.sandbox = false;
    expect(consoleWebPreferences('/p.js').sandbox).toBe(true);
  });
});

describe('E1 CSP response header', () => {
  it('is set on http(s) responses and replaces a CSP the server sent, whatever its case', () => {
    const headers = withCspHeader({
      url: 'http://localhost:5173/',
      responseHeaders: { 'content-security-policy': ["default-src *; script-src 'unsafe-eval'"], 'Content-Type': ['text/html'] },
    });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('is added when the response had no headers at all', () => {
    expect(withCspHeader({ url: 'https://localhost:5173/x.js' })).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('leaves file: responses alone: the meta tag covers the packaged page', () => {
    const responseHeaders = { 'X-Test': ['1'] };
    expect(withCspHeader({ url: 'file:///app/out/renderer/index.html', responseHeaders })).toBe(responseHeaders);
  });

  it('is installed on the session and answers every response', () => {
    const session = new FakeSession();
    enforceCsp(session as never);
    const answer = vi.fn();
    session.headersListener?.({ url: 'http://localhost:5173/', responseHeaders: {} }, answer);
    expect(answer).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    session.headersListener?.({ url: 'devtools://devtools/bundled/x.js' }, answer);
    expect(answer).toHaveBeenLastCalledWith({});
  });
});
