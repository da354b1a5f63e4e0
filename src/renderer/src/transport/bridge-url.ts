import { BRIDGE_PATH } from '../../../shared/transport';

/** The parts of `window.location` the bridge address depends on. */
export interface PageLocation {
  protocol: string;
  host: string;
  hash: string;
}

/**
 * The token handed to the operator as `…/#token=…`. It travels in the fragment so it never
 * reaches server logs via the page request; null when the fragment has none.
 */
export function tokenFromHash(hash: string): string | null {
  if (!/^#?token=/.test(hash)) return null;
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') || null;
}

/** Same-origin bridge address; the token, when there is one, goes as a query of the upgrade. */
export function bridgeUrl(location: Pick<PageLocation, 'protocol' | 'host'>, token: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}//${location.host}${BRIDGE_PATH}${query}`;
}

const TOKEN_KEY = 'comfyfleet.bridgeToken';

/**
 * The fragment doubles as the view's route, so the token is taken out of it at start and kept
 * for the tab's life (sessionStorage: a reload keeps it, another tab or site does not see it).
 */
export function takeBridgeToken(win: Pick<Window, 'location' | 'sessionStorage' | 'history'>): string | null {
  const given = tokenFromHash(win.location.hash);
  try {
    if (given) {
      win.sessionStorage.setItem(TOKEN_KEY, given);
      win.history.replaceState(null, '', '#/fleet');
      return given;
    }
    return win.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    // No storage (privacy settings): the token lasts as long as this page.
    return given;
  }
}
