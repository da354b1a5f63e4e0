import type { Event, HandlerDetails, Session, WebContents, WindowOpenHandlerResponse } from 'electron';

export interface GuardOptions {
  isAppUrl(url: string): boolean;
  /** Hands a link to the user's browser (shell.openExternal). */
  openExternal(url: string): void;
}

/** Only plain https links leave the app, and only to the browser: never file:, javascript:, custom schemes. */
export function isExternalLink(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** E1: what a new-window request gets. Always a denial; an https link opens in the browser instead. */
export function windowOpenDecision(details: Pick<HandlerDetails, 'url'>, options: Pick<GuardOptions, 'openExternal'>): WindowOpenHandlerResponse {
  if (isExternalLink(details.url)) options.openExternal(details.url);
  return { action: 'deny' };
}

type UrlEvent = Pick<Event, 'preventDefault'> & { url: string };

/**
 * E1 for one WebContents: the page stays on the console's URL (navigation, server redirects and
 * sub-frame navigation elsewhere are stopped), opens no windows and attaches no <webview>.
 * Applied from `web-contents-created`, so a WebContents made by anything (devtools, a future
 * window) gets it too.
 */
export function guardWebContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>, options: GuardOptions): void {
  const stayOnApp = (event: UrlEvent) => {
    if (!options.isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayOnApp);
  contents.on('will-frame-navigate', stayOnApp);
  contents.on('will-redirect', stayOnApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler((details) => windowOpenDecision(details, options));
}

export function guardAllWebContents(app: { on(event: 'web-contents-created', listener: (event: Event, contents: WebContents) => void): unknown }, options: GuardOptions): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, options));
}

const NETWORK_URLS = ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'];

/**
 * E1, no remote content: the page's own network requests may reach only the app's origin (the
 * dev server; none when packaged). The engine talks to ComfyUI from Node, outside this session.
 */
export function blockRemoteRequests(session: Pick<Session, 'webRequest'>, isAppUrl: (url: string) => boolean): void {
  session.webRequest.onBeforeRequest({ urls: NETWORK_URLS }, (details, callback) => callback({ cancel: !isAppOrigin(details.url, isAppUrl) }));
}

/** ws:// to the dev server (Vite's HMR socket) counts as the dev server's http origin. */
export function isAppOrigin(url: string, isAppUrl: (url: string) => boolean): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'ws:') parsed.protocol = 'http:';
    else if (parsed.protocol === 'wss:') parsed.protocol = 'https:';
    return isAppUrl(parsed.toString());
  } catch {
    return false;
  }
}
