import type { ApiError, CommandArgs, CommandName, CommandResult, Result } from '../../../shared/api';
import { findTextFault, textFault } from '../api/text-rules';
import { RestError } from './rest-errors';

export type Method = 'GET' | 'POST';

/** A typed call into the engine, already carrying the REST API's actor. */
export type CallEngine = <K extends CommandName>(name: K, args: CommandArgs<K>) => Promise<Result<CommandResult<K>>>;

export interface RouteInput {
  /** Path parameters, percent-decoded. */
  params: Readonly<Record<string, string>>;
  /** Only the parameters the route declares; each with every value it was given. */
  query: ReadonlyMap<string, readonly string[]>;
  /** The JSON body's fields (only those the route declares); empty when there was no body. */
  body: Readonly<Record<string, unknown>>;
  call: CallEngine;
}

export type Reply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'bytes'; status: number; contentType: string; bytes: Buffer }
  | { kind: 'error'; error: ApiError };

export interface Route {
  method: Method;
  /** `/v1/tasks/:id`: a `:name` segment is a parameter. */
  path: string;
  /** Query parameters this route understands; any other is refused. */
  query?: readonly string[];
  /**
   * Whether a JSON body is refused, may be sent, or must be sent; and its known fields.
   * `opaque` fields (a workflow) are kept as JSON, so their strings are not held to the
   * text rules (text-rules.ts) that every other field's strings are.
   */
  body?: { required: boolean; fields: readonly string[]; opaque?: readonly string[] };
  handle(input: RouteInput): Promise<Reply>;
}

export type Match = { kind: 'route'; route: Route; params: Record<string, string> } | { kind: 'wrong_method'; allow: Method[] } | { kind: 'none' };

export function matchRoute(routes: readonly Route[], method: string, pathname: string): Match {
  const segments = pathname.split('/');
  const allow = new Set<Method>();
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (!params) continue;
    if (route.method === method) return { kind: 'route', route, params };
    allow.add(route.method);
  }
  return allow.size > 0 ? { kind: 'wrong_method', allow: [...allow] } : { kind: 'none' };
}

function matchPath(pattern: string, segments: string[]): Record<string, string> | null {
  const parts = pattern.split('/');
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const segment = segments[i] as string;
    if (part.startsWith(':')) {
      if (segment === '') return null;
      params[part.slice(1)] = decodeSegment(segment, part.slice(1));
    } else if (part !== segment) {
      return null;
    }
  }
  return params;
}

function decodeSegment(segment: string, name: string): string {
  let value: string;
  try {
    value = decodeURIComponent(segment);
  } catch {
    throw new RestError('bad_request', `the ${name} in the path is not valid percent-encoding: ${JSON.stringify(segment)}`);
  }
  // Percent-decoding cannot make a lone surrogate (it would be invalid UTF-8), but %00 is a NUL.
  const fault = textFault(value);
  if (fault) throw new RestError('bad_request', `the ${name} in the path cannot be used: ${fault}`);
  return value;
}

/** The query string, refusing parameters the route does not know (a typo must not widen a list). */
export function readQuery(route: Route, search: URLSearchParams): Map<string, string[]> {
  const known = route.query ?? [];
  const query = new Map<string, string[]>();
  const unknown = new Set<string>();
  for (const [name, value] of search) {
    if (!known.includes(name)) unknown.add(name);
    else {
      const fault = textFault(value);
      if (fault) throw new RestError('bad_request', `${describe(route)}: ?${name}= cannot be used: ${fault}`);
      query.set(name, [...(query.get(name) ?? []), value]);
    }
  }
  if (unknown.size > 0) {
    throw new RestError(
      'bad_request',
      `${describe(route)}: unknown query parameter${unknown.size > 1 ? 's' : ''} ${[...unknown].map((n) => JSON.stringify(n)).join(', ')}; ${
        known.length > 0 ? `this route takes ${known.join(', ')}` : 'this route takes none'
      }`,
    );
  }
  return query;
}

/** The JSON body as an object of known fields; `undefined` (no body) becomes `{}` where allowed. */
export function readBodyFields(route: Route, body: unknown): Record<string, unknown> {
  const spec = route.body;
  if (!spec) {
    if (body !== undefined) throw new RestError('bad_request', `${describe(route)} takes no body; send the request without one`);
    return {};
  }
  if (body === undefined) {
    if (spec.required) throw new RestError('bad_request', `${describe(route)} needs a JSON object body with ${spec.fields.join(', ')}`);
    return {};
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RestError('bad_request', `${describe(route)}: the body must be a JSON object with ${spec.fields.join(', ')}, not ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`);
  }
  const unknown = Object.keys(body).filter((k) => !spec.fields.includes(k));
  if (unknown.length > 0) {
    throw new RestError(
      'bad_request',
      `${describe(route)}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')} in the body; known: ${spec.fields.join(', ')}`,
    );
  }
  for (const [name, value] of Object.entries(body)) {
    if (spec.opaque?.includes(name)) continue;
    const found = findTextFault(value, name);
    if (found) throw new RestError('bad_request', `${describe(route)}: "${found.path}" cannot be stored: ${found.fault}`);
  }
  return body as Record<string, unknown>;
}

export function describe(route: Route): string {
  return `${route.method} ${route.path}`;
}
