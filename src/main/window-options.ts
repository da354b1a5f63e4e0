import type { BrowserWindowConstructorOptions, OnHeadersReceivedListenerDetails, Session, WebPreferences } from 'electron';

/**
 * E1: the console's Content-Security-Policy. It must equal the meta tag in src/renderer/index.html
 * (test/electron/csp.test.ts holds them together): the meta tag covers the packaged file: page,
 * which has no response headers; the header covers pages from the dev server.
 * 'unsafe-inline' for styles only, because React and recharts set style attributes.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'";

/** E1 for the console window. Every option is spelled out, even a default, so a scan of the build can check it. */
export function consoleWebPreferences(preload: string): WebPreferences {
  return {
    preload,
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
  };
}

export function consoleWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    title: 'ComfyFleet',
    backgroundColor: '#0f1115',
    show: false,
    webPreferences: consoleWebPreferences(preload),
  };
}

/**
 * Response headers with the console's CSP set on every http(s) response (the dev server);
 * a CSP the server sent itself is replaced, whatever the case of its header name.
 */
export function withCspHeader(details: Pick<OnHeadersReceivedListenerDetails, 'url' | 'responseHeaders'>): Record<string, string[]> | undefined {
  if (!/^https?:/i.test(details.url)) return details.responseHeaders;
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
  }
  headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return headers;
}

export function enforceCsp(session: Pick<Session, 'webRequest'>): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = withCspHeader(details);
    callback(responseHeaders ? { responseHeaders } : {});
  });
}
