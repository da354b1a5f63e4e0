import { BRIDGE_PATH } from '../../../shared/transport';

/** The parts of `window.location` the bridge address depends on. */
export interface PageLocation {
  protocol: string;
  host: string;
  hash: string;
}

/**
 * Same-origin bridge address. A token handed to the operator as `#token=…` travels in the
 * fragment so it never reaches server logs via the page request; the bridge gets it as a query.
 */
export function bridgeUrl(location: PageLocation): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}//${location.host}${BRIDGE_PATH}${query}`;
}
