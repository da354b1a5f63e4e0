import { isIP } from 'node:net';

/**
 * server.py `create_origin_only_middleware`: a page on another site must not be able to
 * POST workflows to a ComfyUI on localhost. When both Host and Origin are present and Host
 * is loopback, their host[:port] must agree (ports compared only when both carry one).
 */

interface HostPort {
  hostname: string | null;
  port: number | null;
}

/** `urllib.parse` netloc → hostname (lower-cased, brackets removed) and port. */
function splitNetloc(netloc: string): HostPort {
  const at = netloc.lastIndexOf('@');
  const hostPort = at >= 0 ? netloc.slice(at + 1) : netloc;
  let hostname: string;
  let portText = '';
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    hostname = hostPort.slice(1, end < 0 ? undefined : end);
    const rest = end < 0 ? '' : hostPort.slice(end + 1);
    if (rest.startsWith(':')) portText = rest.slice(1);
  } else {
    const colon = hostPort.lastIndexOf(':');
    hostname = colon >= 0 ? hostPort.slice(0, colon) : hostPort;
    if (colon >= 0) portText = hostPort.slice(colon + 1);
  }
  const port = /^\d+$/.test(portText) ? Number(portText) : null;
  return { hostname: hostname === '' ? null : hostname.toLowerCase(), port };
}

function originNetloc(origin: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(origin);
  return m ? (m[1] ?? '') : '';
}

function isLoopback(hostname: string | null): boolean {
  if (hostname === null) return false;
  const kind = isIP(hostname);
  if (kind === 4) return hostname.startsWith('127.');
  if (kind === 6) return hostname === '::1' || hostname === '0:0:0:0:0:0:0:1';
  return hostname === 'localhost' || hostname.endsWith('.localhost');
}

/** True when the request must be refused with an empty 403. */
export function originBlocked(host: string | undefined, origin: string | undefined): boolean {
  if (host === undefined || origin === undefined) return false;
  let hostDomain: string | null = host.toLowerCase();
  const netloc = originNetloc(origin).toLowerCase();
  let originDomain: string | null = netloc;
  const parsedHost = splitNetloc(hostDomain);
  const parsedOrigin = splitNetloc(netloc);
  const loopback = isLoopback(parsedHost.hostname);
  if (parsedOrigin.port === null) hostDomain = parsedHost.hostname;
  if (parsedHost.port === null) originDomain = parsedOrigin.hostname;
  if (!loopback || !hostDomain || !originDomain) return false;
  return hostDomain !== originDomain;
}
