import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type { ComfyProcess } from './comfy-process';
import { emptyResponse, httpError, jsonResponse, type SimResponse } from './http-response';
import { objectInfoEntry } from './nodes';
import type { QueueItem } from './prompt-queue';
import { pyFloat, pyGetItem, pyInt } from './py-convert';
import { JsonSyntaxError, PyError, deepCopy, dict, isDict, keysOf, pyContains, pyEquals, pyStr, pyTruthy, setKey, type Dict } from './py-json';
import { validatePrompt } from './validate';
import { viewFile } from './view';
import { SERVER_FEATURES } from './ws-hub';

/**
 * The ComfyUI HTTP API (server.py `PromptServer` routes) over one ComfyProcess. Handlers
 * follow the Python control flow closely, so the same inputs fail the same way: a body
 * that is not valid JSON raises (500), `number` is consumed before `prompt` is checked, and
 * so on. Every route is also served under `/api`.
 */

export interface RouteRequest {
  pathname: string;
  query: URLSearchParams;
  params: Record<string, string>;
  /** `await request.json()`: JsonSyntaxError on bad JSON, PyError on bad UTF-8. */
  json(): Promise<unknown>;
}

export interface RouteEnv {
  port: number;
  process: ComfyProcess;
}

type Handler = (req: RouteRequest, env: RouteEnv) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: 'GET' | 'POST';
  /** aiohttp-style pattern; `{name}` matches one path segment. */
  pattern: string;
  handler: Handler;
}

/** `SENSITIVE_EXTRA_DATA_KEYS`: credentials never kept with the job. */
const SENSITIVE_EXTRA_DATA_KEYS = ['auth_token_comfy_org', 'api_key_comfy_org'];

const MODEL_FOLDERS = [
  'checkpoints', 'configs', 'loras', 'vae', 'text_encoders', 'diffusion_models', 'clip_vision', 'style_models', 'embeddings',
  'diffusers', 'vae_approx', 'controlnet', 'gligen', 'upscale_models', 'custom_nodes', 'hypernetworks', 'photomaker', 'classifiers',
];

/** `for x in value` over whatever a client sent. */
function pyIter(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isDict(value)) return keysOf(value);
  if (typeof value === 'string') return [...value];
  throw new PyError('TypeError', `'${value === null ? 'NoneType' : typeof value}' object is not iterable`);
}

/** `d.get(key, default)` on a parsed body; AttributeError when the body is not a dict. */
function pyGet(d: unknown, key: string, fallback: unknown): unknown {
  if (!isDict(d)) throw new PyError('AttributeError', `object has no attribute 'get'`);
  return Object.prototype.hasOwnProperty.call(d, key) ? d[key] : fallback;
}

function postPrompt(body: unknown, env: RouteEnv): SimResponse {
  const proc = env.process;
  let number: number;
  if (pyContains(body, 'number')) number = pyFloat(pyGetItem(body, 'number'));
  else {
    number = proc.number;
    if (pyContains(body, 'front') && pyTruthy(pyGetItem(body, 'front'))) number = -number;
    proc.number += 1;
  }
  if (!pyContains(body, 'prompt')) {
    const error = { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} };
    return jsonResponse({ error, node_errors: {} }, 400);
  }
  const prompt = pyGetItem(body, 'prompt');
  const promptId = pyContains(body, 'prompt_id') ? pyStr(pyGetItem(body, 'prompt_id')) : randomUUID();
  const targets = pyContains(body, 'partial_execution_targets') ? pyGetItem(body, 'partial_execution_targets') : null;
  const valid = validatePrompt(prompt, proc.config.catalogue, targets);
  let extraData: unknown = pyContains(body, 'extra_data') ? pyGetItem(body, 'extra_data') : dict([]);
  if (pyContains(body, 'client_id')) {
    if (!isDict(extraData)) throw new PyError('TypeError', `'${typeof extraData}' object does not support item assignment`);
    setKey(extraData, 'client_id', pyGetItem(body, 'client_id'));
  }
  if (!valid.ok) return jsonResponse({ error: valid.error, node_errors: valid.nodeErrors }, 400);
  if (!isDict(extraData)) extraData = dict([]);
  const extra = extraData as Dict;
  for (const key of SENSITIVE_EXTRA_DATA_KEYS) delete extra[key];
  const item: QueueItem = [number, promptId, prompt as Dict, extra, valid.outputs];
  proc.queue.put(item);
  return jsonResponse({ prompt_id: promptId, number, node_errors: valid.nodeErrors });
}

function postQueue(body: unknown, env: RouteEnv): SimResponse {
  const queue = env.process.queue;
  if (pyContains(body, 'clear') && pyTruthy(pyGetItem(body, 'clear'))) queue.wipeQueue();
  if (pyContains(body, 'delete')) {
    for (const id of pyIter(pyGetItem(body, 'delete'))) queue.deleteQueueItem((item) => pyEquals(item[1], id));
  }
  return emptyResponse(200);
}

async function postInterrupt(req: RouteRequest, env: RouteEnv): Promise<SimResponse> {
  let body: unknown;
  try {
    body = await req.json();
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    body = {};
  }
  const promptId = pyGet(body, 'prompt_id', null);
  const proc = env.process;
  if (pyTruthy(promptId)) {
    // Targeted (#9607): only the running job; otherwise "not currently running, skipping".
    if (proc.queue.runningPromptIds().some((id) => pyEquals(id, promptId))) proc.interrupt.set();
  } else proc.interrupt.set();
  return emptyResponse(200);
}

function postFree(body: unknown, env: RouteEnv): SimResponse {
  const unload = pyGet(body, 'unload_models', false);
  const free = pyGet(body, 'free_memory', false);
  if (pyTruthy(unload)) env.process.queue.setFlag('unload_models', unload);
  if (pyTruthy(free)) env.process.queue.setFlag('free_memory', free);
  return emptyResponse(200);
}

function postHistory(body: unknown, env: RouteEnv): SimResponse {
  const queue = env.process.queue;
  if (pyContains(body, 'clear') && pyTruthy(pyGetItem(body, 'clear'))) queue.wipeHistory();
  if (pyContains(body, 'delete')) {
    for (const id of pyIter(pyGetItem(body, 'delete'))) {
      if (Array.isArray(id) || isDict(id)) throw new PyError('TypeError', 'unhashable type');
      if (typeof id === 'string') queue.deleteHistoryItem(id);
    }
  }
  return emptyResponse(200);
}

function getHistory(req: RouteRequest, env: RouteEnv): SimResponse {
  const maxItems = req.query.get('max_items');
  const offset = req.query.get('offset');
  const history = env.process.queue.getHistory(maxItems === null ? null : pyInt(maxItems), offset === null ? -1 : pyInt(offset));
  return jsonResponse(history);
}

function objectInfo(env: RouteEnv): SimResponse {
  const catalogue = env.process.config.catalogue;
  return jsonResponse(dict(Object.values(catalogue).map((def) => [def.name, objectInfoEntry(def)])));
}

const INDEX_HTML = '<!DOCTYPE html><html><head><title>ComfyUI</title></head><body><p>ComfyUI simulator (ComfyFleet sim/)</p></body></html>';

const json = (handler: (body: unknown, env: RouteEnv) => SimResponse): Handler => {
  return async (req, env) => handler(await req.json(), env);
};

/** The route table in server.py order. */
export const ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: '/ws',
    // Only reached without an Upgrade header: aiohttp's WebSocketResponse.prepare refuses.
    handler: () => httpError(400, {}, '400: No WebSocket UPGRADE hdr: None\n Can "Upgrade" only to "WebSocket".'),
  },
  {
    method: 'GET',
    pattern: '/',
    handler: () => ({ status: 200, headers: { 'Content-Type': 'text/html', 'Cache-Control': 'no-cache' }, body: Buffer.from(INDEX_HTML) }),
  },
  { method: 'GET', pattern: '/embeddings', handler: () => jsonResponse([]) },
  { method: 'GET', pattern: '/models', handler: () => jsonResponse(MODEL_FOLDERS) },
  {
    method: 'GET',
    pattern: '/models/{folder}',
    handler: (req, env) => {
      const folder = req.params['folder'] ?? '';
      if (!MODEL_FOLDERS.includes(folder)) return emptyResponse(404);
      const ckpts = env.process.config.catalogue['CheckpointLoaderSimple']?.required['ckpt_name']?.[0];
      return jsonResponse(folder === 'checkpoints' && Array.isArray(ckpts) ? [...ckpts] : []);
    },
  },
  { method: 'GET', pattern: '/extensions', handler: () => jsonResponse([]) },
  { method: 'GET', pattern: '/view', handler: (req, env) => viewFile(req.query, env.process.config.folders) },
  { method: 'GET', pattern: '/system_stats', handler: (_req, env) => jsonResponse(env.process.gpu.systemStats(env.port, dirname(env.process.config.folders.output))) },
  { method: 'GET', pattern: '/features', handler: () => jsonResponse({ ...SERVER_FEATURES }) },
  { method: 'GET', pattern: '/prompt', handler: (_req, env) => jsonResponse(env.process.queueInfo()) },
  { method: 'GET', pattern: '/object_info', handler: (_req, env) => objectInfo(env) },
  {
    method: 'GET',
    pattern: '/object_info/{node_class}',
    handler: (req, env) => {
      const name = req.params['node_class'] ?? '';
      const def = Object.prototype.hasOwnProperty.call(env.process.config.catalogue, name) ? env.process.config.catalogue[name] : undefined;
      return jsonResponse(def ? { [name]: objectInfoEntry(def) } : {});
    },
  },
  { method: 'GET', pattern: '/history', handler: getHistory },
  {
    method: 'GET',
    pattern: '/history/{prompt_id}',
    handler: (req, env) => {
      const id = req.params['prompt_id'] ?? '';
      const entry = env.process.queue.historyItem(id);
      return jsonResponse(entry ? new Map([[id, deepCopy(entry)]]) : {});
    },
  },
  {
    method: 'GET',
    pattern: '/queue',
    handler: (_req, env) =>
      jsonResponse({ queue_running: env.process.queue.runningItems(), queue_pending: env.process.queue.pendingItems() }),
  },
  { method: 'POST', pattern: '/prompt', handler: json(postPrompt) },
  { method: 'POST', pattern: '/queue', handler: json(postQueue) },
  { method: 'POST', pattern: '/interrupt', handler: postInterrupt },
  { method: 'POST', pattern: '/free', handler: json(postFree) },
  { method: 'POST', pattern: '/history', handler: json(postHistory) },
];

function matchPattern(pattern: string, pathname: string): Record<string, string> | null {
  const p = pattern.split('/');
  const s = pathname.split('/');
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const part = p[i] as string;
    const seg = s[i] as string;
    if (part.startsWith('{') && part.endsWith('}')) {
      if (seg === '') return null;
      try {
        params[part.slice(1, -1)] = decodeURIComponent(seg);
      } catch {
        params[part.slice(1, -1)] = seg;
      }
    } else if (part !== seg) return null;
  }
  return params;
}

export type RouteMatch = { route: Route; params: Record<string, string> } | { allowed: string[] } | null;

/**
 * Resolves like aiohttp with ComfyUI's static root mounted at `/`: an unmatched GET falls
 * through to the static files (404), any other unmatched method gets 405.
 */
export function resolveRoute(method: string, pathname: string): RouteMatch {
  const stripped = pathname.startsWith('/api/') ? pathname.slice(4) : null;
  const allowed = new Set<string>(['GET', 'HEAD']);
  for (const candidate of stripped === null ? [pathname] : [pathname, stripped]) {
    for (const route of ROUTES) {
      const params = matchPattern(route.pattern, candidate);
      if (!params) continue;
      const wanted = method === 'HEAD' ? 'GET' : method;
      if (route.method === wanted) return { route, params };
      allowed.add(route.method);
    }
  }
  if (method === 'GET' || method === 'HEAD') return null;
  return { allowed: [...allowed].sort() };
}
