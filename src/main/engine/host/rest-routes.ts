import type { Result, SubmitArgs } from '../../../shared/api';
import type { SubmitOutcome, TaskQuery, TaskStatus } from '../../../shared/tasks';
import { RestError } from './rest-errors';
import type { Reply, Route, RouteInput } from './rest-router';

/** The session of a task submitted without one: everything the API feeds shares it (L1). */
export const DEFAULT_API_SESSION = 'api';

/**
 * A1: every route, as HTTP → one engine command → HTTP. The engine validates the arguments
 * (command-schemas.ts); this table only renames fields and turns query strings into values.
 */
export const ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/tasks',
    body: { required: true, fields: ['workflow', 'type', 'key', 'session', 'pin', 'requirements'], opaque: ['workflow'] },
    async handle({ body, call }) {
      const what = 'POST /v1/tasks';
      const args: SubmitArgs = { workflow: body['workflow'], sessionId: optionalText(body, 'session', what) ?? DEFAULT_API_SESSION };
      copy(body, args, { type: 'type', key: 'key', requirements: 'requirements' });
      if (body['pin'] === null) args.pinServerId = null;
      else {
        const pin = optionalText(body, 'pin', what);
        if (pin !== undefined) args.pinServerId = pin;
      }
      return submitReply(await call('tasks.submit', args));
    },
  },
  {
    method: 'GET',
    path: '/v1/tasks',
    query: ['status', 'server', 'type', 'session', 'parent', 'key', 'limit', 'cursor'],
    async handle({ query, call }) {
      const what = 'GET /v1/tasks';
      const args: TaskQuery = {};
      const status = list(query, 'status');
      if (status) args.status = status as TaskStatus[];
      const server = one(query, 'server', what);
      if (server !== undefined) args.serverId = server;
      const type = one(query, 'type', what);
      if (type !== undefined) args.type = type;
      const session = one(query, 'session', what);
      if (session !== undefined) args.sessionId = session;
      const parent = one(query, 'parent', what);
      if (parent !== undefined) args.parentId = parent;
      const key = one(query, 'key', what);
      if (key !== undefined) args.search = key;
      const limit = integer(query, 'limit', what);
      if (limit !== undefined) args.limit = limit;
      const cursor = one(query, 'cursor', what);
      if (cursor !== undefined) args.cursor = cursor;
      return jsonReply(await call('tasks.list', args));
    },
  },
  {
    method: 'GET',
    path: '/v1/tasks/:id',
    handle: async ({ params, call }) => jsonReply(await call('tasks.get', { id: param(params, 'id') })),
  },
  {
    method: 'GET',
    path: '/v1/tasks/:id/workflow',
    handle: async ({ params, call }) => jsonReply(await call('tasks.workflow', { id: param(params, 'id') })),
  },
  {
    method: 'POST',
    path: '/v1/tasks/:id/cancel',
    body: { required: false, fields: ['reason'] },
    async handle({ params, body, call }) {
      const args: { id: string; reason?: string } = { id: param(params, 'id') };
      copy(body, args, { reason: 'reason' });
      const result = await call('tasks.cancel', args);
      // `requested`: the server was asked to stop the task; its end follows as events.
      return result.ok ? { kind: 'json', status: result.value.state === 'requested' ? 202 : 200, body: result.value } : { kind: 'error', error: result.error };
    },
  },
  {
    method: 'POST',
    path: '/v1/tasks/:id/rerun',
    body: { required: false, fields: ['workflow', 'force', 'reason'], opaque: ['workflow'] },
    async handle({ params, body, call }) {
      const args: { id: string; workflow?: unknown; force?: boolean; reason?: string } = { id: param(params, 'id') };
      copy(body, args, { workflow: 'workflow', force: 'force', reason: 'reason' });
      return submitReply(await call('tasks.rerun', args));
    },
  },
  {
    method: 'GET',
    path: '/v1/tasks/:id/outputs/:n',
    query: ['thumbnail'],
    async handle({ params, query, call }) {
      const what = 'GET /v1/tasks/:id/outputs/:n';
      const n = param(params, 'n');
      if (!/^\d{1,6}$/.test(n)) throw new RestError('bad_request', `${what}: the output number ${JSON.stringify(n)} is not a whole number; outputs count from 0`);
      const args: { id: string; index: number; thumbnail?: boolean } = { id: param(params, 'id'), index: Number(n) };
      const thumbnail = flag(query, 'thumbnail', what);
      if (thumbnail !== undefined) args.thumbnail = thumbnail;
      const result = await call('tasks.output', args);
      if (!result.ok) return { kind: 'error', error: result.error };
      return { kind: 'bytes', status: 200, contentType: safeContentType(result.value.contentType), bytes: Buffer.from(result.value.base64, 'base64') };
    },
  },
  {
    method: 'GET',
    path: '/v1/servers',
    async handle({ call }) {
      const result = await call('fleet.snapshot', {});
      return result.ok ? { kind: 'json', status: 200, body: { servers: result.value.servers } } : { kind: 'error', error: result.error };
    },
  },
  {
    method: 'GET',
    path: '/v1/locks',
    async handle({ call }) {
      const result = await call('locks.list', {});
      return result.ok ? { kind: 'json', status: 200, body: { locks: result.value } } : { kind: 'error', error: result.error };
    },
  },
  {
    method: 'POST',
    path: '/v1/locks/:session/unlock',
    body: { required: true, fields: ['reason', 'unfinished'] },
    async handle({ params, body, call }) {
      const what = 'POST /v1/locks/:session/unlock';
      // Presence only, so the caller reads why in HTTP terms; the engine checks the values.
      if (body['reason'] === undefined) throw new RestError('bad_request', `${what}: a "reason" is required (it goes to the audit log with the unlock)`);
      if (body['unfinished'] === undefined) {
        throw new RestError('bad_request', `${what}: say what happens to the session's unfinished tasks with "unfinished": "requeue", "cancel" or "leave"`);
      }
      const args = { sessionId: param(params, 'session'), reason: body['reason'] as string, unfinished: body['unfinished'] as 'requeue' | 'cancel' | 'leave' };
      return jsonReply(await call('locks.unlock', args));
    },
  },
  {
    method: 'GET',
    path: '/v1/audit',
    query: ['cursor', 'limit', 'target'],
    async handle({ query, call }) {
      const what = 'GET /v1/audit';
      const args: { cursor?: string; limit?: number; target?: string } = {};
      const cursor = one(query, 'cursor', what);
      if (cursor !== undefined) args.cursor = cursor;
      const limit = integer(query, 'limit', what);
      if (limit !== undefined) args.limit = limit;
      const target = one(query, 'target', what);
      if (target !== undefined) args.target = target;
      return jsonReply(await call('audit.list', args));
    },
  },
  {
    method: 'GET',
    path: '/v1/types',
    async handle({ call }) {
      const result = await call('types.list', {});
      return result.ok ? { kind: 'json', status: 200, body: { types: result.value } } : { kind: 'error', error: result.error };
    },
  },
];

function jsonReply(result: Result<unknown>): Reply {
  return result.ok ? { kind: 'json', status: 200, body: result.value } : { kind: 'error', error: result.error };
}

/** T2: the outcome decides the status, so a feeder can branch on it without reading the body. */
function submitReply(result: Result<SubmitOutcome>): Reply {
  if (!result.ok) return { kind: 'error', error: result.error };
  const { outcome, task } = result.value;
  if (outcome === 'created') return { kind: 'json', status: 201, body: { outcome, task }, headers: { location: `/v1/tasks/${encodeURIComponent(task.id)}` } };
  return { kind: 'json', status: outcome === 'conflict' ? 409 : 200, body: { outcome, task } };
}

function param(params: RouteInput['params'], name: string): string {
  // The router only calls a route whose every `:name` matched a non-empty segment.
  return params[name] ?? '';
}

/** Copies the body fields that were sent, renamed; absent fields stay absent (not `undefined`). */
function copy(body: Readonly<Record<string, unknown>>, into: object, names: Record<string, string>): void {
  for (const [from, to] of Object.entries(names)) {
    if (Object.hasOwn(body, from)) (into as Record<string, unknown>)[to] = body[from];
  }
}

/** Fields the REST API renames are type-checked here, so the message names the field the caller sent. */
function optionalText(body: Readonly<Record<string, unknown>>, name: string, what: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new RestError('bad_request', `${what}: "${name}" must be a non-empty string, or left out`);
  return value;
}

function one(query: RouteInput['query'], name: string, what: string): string | undefined {
  const values = query.get(name);
  if (!values) return undefined;
  if (values.length > 1) throw new RestError('bad_request', `${what}: give ?${name}= once (it came ${values.length} times)`);
  return values[0];
}

/** `?status=queued,running` and `?status=queued&status=running` mean the same. */
function list(query: RouteInput['query'], name: string): string[] | undefined {
  const values = query.get(name);
  if (!values) return undefined;
  const items = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return items.length > 0 ? items : undefined;
}

function integer(query: RouteInput['query'], name: string, what: string): number | undefined {
  const text = one(query, name, what);
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text)) throw new RestError('bad_request', `${what}: ?${name}=${text} is not a whole number`);
  return Number(text);
}

function flag(query: RouteInput['query'], name: string, what: string): boolean | undefined {
  const text = one(query, name, what);
  if (text === undefined) return undefined;
  if (text === '1' || text === 'true' || text === '') return true;
  if (text === '0' || text === 'false') return false;
  throw new RestError('bad_request', `${what}: ?${name}=${text} is not a flag; give ?${name}=1 or ?${name}=0`);
}

/** The type is the engine's guess from a file a server named; only a plain media type goes out. */
function safeContentType(type: string): string {
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i.test(type) ? type : 'application/octet-stream';
}
