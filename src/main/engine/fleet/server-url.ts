import { EngineError } from '../core/engine-error';

/**
 * F1: a server is an http(s) base URL. Returns it normalised (no trailing slash, no query or
 * fragment) or throws an `invalid_url` error that says what to type instead.
 */
export function normaliseServerUrl(input: string): string {
  const raw = input.trim();
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new EngineError('invalid_url', `"${raw}" is not a URL; give the server's base URL, e.g. http://127.0.0.1:8188`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new EngineError('invalid_url', `"${raw}" uses ${u.protocol.replace(/:$/, '')}; a ComfyUI server URL must start with http:// or https://`);
  }
  if (u.username || u.password) {
    throw new EngineError('invalid_url', `"${u.host}": credentials in the URL are not supported; remove "user:password@"`);
  }
  if (u.search || u.hash) {
    throw new EngineError('invalid_url', `"${raw}" has a query or fragment; give only the base URL, e.g. ${u.origin}${u.pathname.replace(/\/$/, '')}`);
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** Default display name for a server: its host and port. */
export function defaultServerName(url: string): string {
  return new URL(url).host;
}
