import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComfyClient } from '../../src/main/engine/comfy/comfy-client';
import type { ComfyErrorCode, Delivered, TimeoutPhase } from '../../src/main/engine/comfy/errors';
import { ComfyHttpError, PromptRejectedError } from '../../src/main/engine/comfy/errors';
import type { HostileServer, Responder } from './hostile-server';
import { body, cutMidBody, endless, gzipped, hangUp, hold, json, jsonText, raw, startHostileServer, trickle } from './hostile-server';

/**
 * E3: a corpus of hostile or broken answers, each of which must become a typed
 * ComfyHttpError (code, server name and call in the message, `delivered` right for T4), never
 * a crash, an untyped error or an unhandled rejection. A few entries are positive controls
 * (tolerated oddities) that must parse.
 */

const SERVER = 'gpu-hostile';
const TIMEOUT_MS = 400;

type Call = (c: ComfyClient) => Promise<unknown>;

interface ErrorCase {
  name: string;
  call: Call;
  callName: string;
  respond: Responder;
  code: ComfyErrorCode;
  delivered?: Delivered;
  status?: number;
  phase?: TimeoutPhase;
  /** Extra checks on the error. */
  check?: (err: ComfyHttpError) => void;
}

interface OkCase {
  name: string;
  call: Call;
  respond: Responder;
  ok: (value: unknown) => void;
}

const queue: Call = (c) => c.queue();
const stats: Call = (c) => c.systemStats();
const objectInfo: Call = (c) => c.objectInfo();
const history: Call = (c) => c.history('P1');
const submit: Call = (c) => c.submitPrompt({ prompt: { '1': { class_type: 'X', inputs: {} } }, promptId: 'P1', clientId: 'me' });
const del: Call = (c) => c.deleteQueued(['P1']);
const interrupt: Call = (c) => c.interrupt('P1');
const features: Call = (c) => c.features();
const view: Call = (c) => c.view({ filename: 'a.png', subfolder: '', type: 'output' }, { maxBytes: 64 * 1024 });

const goodStats = {
  system: { os: 'posix', ram_total: 1, ram_free: 1, comfyui_version: '0.3.64', python_version: '3.11' },
  devices: [{ name: 'cuda:0', type: 'cuda', index: 0, vram_total: 10, vram_free: 5 }],
};
const historyEntry = (outputs: unknown, status: unknown = { status_str: 'success', completed: true, messages: [] }) => ({
  P1: { prompt: [0, 'P1', {}, {}, []], outputs, status, meta: {} },
});
const ref = (filename: unknown, subfolder: unknown = '', type: unknown = 'output') => ({ filename, subfolder, type });

const HTML = '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>';

const errorCases: ErrorCase[] = [
  // ---- wrong kind of body
  { name: 'HTML page with 200 on a JSON call', call: queue, callName: 'GET /queue', respond: body(200, 'text/html', HTML), code: 'bad_content_type', status: 200 },
  { name: 'no content type at all', call: stats, callName: 'GET /system_stats', respond: body(200, null, JSON.stringify(goodStats)), code: 'bad_content_type' },
  { name: 'HTML labelled application/json', call: queue, callName: 'GET /queue', respond: jsonText(HTML), code: 'bad_json' },
  { name: 'truncated JSON', call: queue, callName: 'GET /queue', respond: jsonText('{"queue_running": [[1, "a"'), code: 'bad_json' },
  { name: 'empty body on a JSON call', call: stats, callName: 'GET /system_stats', respond: jsonText(''), code: 'bad_json' },
  // ---- JSON of the wrong shape
  { name: 'array instead of object', call: queue, callName: 'GET /queue', respond: json([]), code: 'bad_shape' },
  { name: 'null root', call: stats, callName: 'GET /system_stats', respond: json(null), code: 'bad_shape' },
  { name: 'missing queue_pending', call: queue, callName: 'GET /queue', respond: json({ queue_running: [] }), code: 'bad_shape', check: (e) => expect(e.message).toContain('queue_pending') },
  { name: 'queue item with a string number', call: queue, callName: 'GET /queue', respond: json({ queue_running: [], queue_pending: [['1', 'P', {}, {}, []]] }), code: 'bad_shape' },
  { name: 'queue item that is an object', call: queue, callName: 'GET /queue', respond: json({ queue_running: [{ number: 1 }], queue_pending: [] }), code: 'bad_shape' },
  { name: 'negative RAM', call: stats, callName: 'GET /system_stats', respond: json({ ...goodStats, system: { ...goodStats.system, ram_total: -1 } }), code: 'bad_shape' },
  { name: 'number too big for a double (1e400)', call: stats, callName: 'GET /system_stats', respond: jsonText(JSON.stringify(goodStats).replace('"ram_total":1', '"ram_total":1e400')), code: 'bad_shape' },
  { name: 'VRAM as a string', call: stats, callName: 'GET /system_stats', respond: json({ ...goodStats, devices: [{ ...goodStats.devices[0], vram_free: '5 GB' }] }), code: 'bad_shape' },
  { name: 'devices null', call: stats, callName: 'GET /system_stats', respond: json({ ...goodStats, devices: null }), code: 'bad_shape' },
  { name: 'object_info as a list', call: objectInfo, callName: 'GET /object_info', respond: json(['KSampler']), code: 'bad_shape' },
  { name: 'object_info node info that is a number', call: objectInfo, callName: 'GET /object_info', respond: json({ KSampler: 3 }), code: 'bad_shape' },
  { name: 'history file ref with a numeric filename', call: history, callName: 'GET /history/P1', respond: json(historyEntry({ '9': { images: [ref(42)] } })), code: 'bad_shape' },
  { name: 'history status_str unknown', call: history, callName: 'GET /history/P1', respond: json(historyEntry({}, { status_str: 'maybe', completed: true, messages: [] })), code: 'bad_shape' },
  { name: 'history for another prompt', call: history, callName: 'GET /history/P1', respond: json({ P2: historyEntry({}).P1 }), code: 'bad_shape' },
  { name: 'history messages not pairs', call: history, callName: 'GET /history/P1', respond: json(historyEntry({}, { status_str: 'error', completed: false, messages: ['oops'] })), code: 'bad_shape' },
  { name: 'features with a string upload size', call: features, callName: 'GET /features', respond: json({ max_upload_size: 'big' }), code: 'bad_shape' },
  // ---- statuses
  { name: '500 with aiohttp text body', call: queue, callName: 'GET /queue', respond: body(500, 'text/plain', '500 Internal Server Error\n\nServer got itself in trouble'), code: 'http_status', status: 500, check: (e) => expect(e.message).toContain('Server got itself in trouble') },
  { name: '502 without body', call: stats, callName: 'GET /system_stats', respond: body(502, null, ''), code: 'http_status', status: 502, check: (e) => expect(e.message).toContain('(empty body)') },
  { name: '404 HTML', call: objectInfo, callName: 'GET /object_info', respond: body(404, 'text/html', HTML), code: 'http_status', status: 404 },
  { name: 'redirect elsewhere is not followed', call: submit, callName: 'POST /prompt', respond: body(307, null, '', { location: 'http://127.0.0.1:9/prompt' }), code: 'http_status', status: 307 },
  { name: 'POST /queue answering 500', call: del, callName: 'POST /queue', respond: body(500, 'text/plain', 'boom'), code: 'http_status', status: 500 },
  // ---- framing and transport
  { name: 'Content-Length larger than the body, then close', call: queue, callName: 'GET /queue', respond: raw('HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 1000', '{"queue_running":[]'), code: 'connection_lost', delivered: 'yes' },
  { name: 'Content-Length smaller than the body', call: queue, callName: 'GET /queue', respond: raw('HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 5', '{"queue_running":[],"queue_pending":[]}'), code: 'bad_json' },
  { name: 'Content-Length over the cap', call: stats, callName: 'GET /system_stats', respond: raw('HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 900000000', '{', 'hold'), code: 'too_large', check: (e) => expect(e.message).toMatch(/900000000 bytes exceeds/) },
  { name: 'endless chunked body (no Content-Length)', call: stats, callName: 'GET /system_stats', respond: endless(), code: 'too_large' },
  { name: 'trickling body', call: queue, callName: 'GET /queue', respond: trickle(), code: 'timeout', delivered: 'yes', phase: 'body' },
  { name: 'no answer at all', call: submit, callName: 'POST /prompt', respond: hold(), code: 'timeout', delivered: 'maybe', phase: 'headers' },
  { name: 'connection closed before any header', call: submit, callName: 'POST /prompt', respond: hangUp(), code: 'connection_lost', delivered: 'maybe' },
  { name: 'connection destroyed mid-body', call: history, callName: 'GET /history/P1', respond: cutMidBody('{"P1": {"outputs": {'), code: 'connection_lost', delivered: 'yes' },
  { name: 'garbage instead of HTTP', call: queue, callName: 'GET /queue', respond: (req) => void req.socket.end('SSH-2.0-OpenSSH_9.6\r\n'), code: 'connection_lost', delivered: 'maybe' },
  { name: 'gzip header on a body that is not gzip', call: queue, callName: 'GET /queue', respond: body(200, 'application/json', 'not gzip at all', { 'content-encoding': 'gzip' }), code: 'bad_encoding' },
  { name: 'gzip bomb (small on the wire, over the cap inflated)', call: stats, callName: 'GET /system_stats', respond: gzipped(Buffer.alloc(8 * 1024 * 1024, 0x20)), code: 'too_large' },
  // ---- POST /prompt
  { name: '400 with malformed node_errors keeps the verdict', call: submit, callName: 'POST /prompt', respond: json({ error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '' }, node_errors: { '4': 'oops', '5': { errors: 'x', class_type: 7 }, '6': { errors: [{ message: 'Value not in list', details: "ckpt_name: 'x' not in []", extra_info: { input_name: 'ckpt_name' } }, null], class_type: 'CheckpointLoaderSimple' } } }, 400), code: 'rejected', status: 400, check: (e) => {
    expect(e).toBeInstanceOf(PromptRejectedError);
    expect((e as PromptRejectedError).nodeErrors.map((n) => n.nodeId)).toEqual(['5', '6']);
    expect(e.message).toBe(`server "${SERVER}" refused the workflow: node 5: invalid; node 6 (CheckpointLoaderSimple) input "ckpt_name": value not in list: ckpt_name: 'x' not in []`);
  } },
  { name: '400 of the old format (error as a string, node_errors a list)', call: submit, callName: 'POST /prompt', respond: json({ error: 'no prompt', node_errors: [] }, 400), code: 'rejected', status: 400, check: (e) => expect(e.message).toBe(`server "${SERVER}" refused the workflow: no prompt`) },
  { name: '400 that is not a ComfyUI verdict (proxy page)', call: submit, callName: 'POST /prompt', respond: body(400, 'text/html', HTML), code: 'http_status', status: 400, check: (e) => expect(e).not.toBeInstanceOf(PromptRejectedError) },
  { name: '200 without prompt_id (queued or not: delivered yes, reconcile)', call: submit, callName: 'POST /prompt', respond: json({ number: 3, node_errors: {} }), code: 'bad_shape', delivered: 'yes' },
  { name: '200 HTML on POST /prompt', call: submit, callName: 'POST /prompt', respond: body(200, 'text/html', HTML), code: 'bad_content_type', delivered: 'yes' },
  // ---- empty-answer calls and /view
  { name: 'POST /interrupt answered by an HTML page', call: interrupt, callName: 'POST /interrupt', respond: body(200, 'text/html', HTML), code: 'bad_content_type' },
  { name: '/view answered by an HTML page', call: view, callName: 'GET /view', respond: body(200, 'text/html; charset=utf-8', HTML), code: 'bad_content_type' },
  { name: '/view bigger than the caller allows', call: view, callName: 'GET /view', respond: body(200, 'image/png', Buffer.alloc(65 * 1024)), code: 'too_large' },
];

const okCases: OkCase[] = [
  {
    name: 'traversal-looking names in history outputs parse, verbatim, flagged suspicious',
    call: history,
    respond: json(
      historyEntry({
        '9': {
          images: [ref('../../etc/passwd'), ref('ok.png', '../..'), ref('x.png', '/abs'), ref('C:\\win.png'), ref('a.png [input]'), ref('b.png', '', 'weird'), ref('fine.png', 'sub/dir')],
          text: ['not a file'],
        },
      }),
    ),
    ok: (v) => {
      const entry = v as { outputs: { filename: string; subfolder: string; suspicious: boolean }[] };
      expect(entry.outputs.map((o) => [o.filename, o.subfolder, o.suspicious])).toEqual([
        ['../../etc/passwd', '', true],
        ['ok.png', '../..', true],
        ['x.png', '/abs', true],
        ['C:\\win.png', '', true],
        ['a.png [input]', '', true],
        ['b.png', '', true],
        ['fine.png', 'sub/dir', false],
      ]);
    },
  },
  {
    name: '__proto__ keys do not pollute prototypes',
    call: objectInfo,
    respond: jsonText('{"__proto__": {"polluted": true, "input": {"required": {"ckpt_name": [["evil.ckpt"]]}}}, "KSampler": {"input": {}}}'),
    ok: (v) => {
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(v).toEqual({ nodeClasses: ['KSampler'], models: [] });
    },
  },
  {
    name: '__proto__ in a queue item extra_data',
    call: queue,
    respond: jsonText('{"queue_running": [], "queue_pending": [[1, "P", {}, {"__proto__": {"client_id": "evil"}}, []]], "__proto__": {"x": 1}}'),
    ok: (v) => {
      expect(v).toEqual({ running: [], pending: [{ number: 1, promptId: 'P', clientId: null }] });
      expect(({} as Record<string, unknown>)['client_id']).toBeUndefined();
    },
  },
  { name: 'gzip-encoded JSON is fine', call: stats, respond: gzipped(JSON.stringify(goodStats)), ok: (v) => expect(v).toMatchObject({ comfyuiVersion: '0.3.64' }) },
  { name: 'older server: system_stats without version and RAM', call: stats, respond: json({ system: { os: 'nt', python_version: '3.10', embedded_python: true }, devices: [{ name: 'cpu', type: 'cpu', index: null, vram_total: 0, vram_free: 0 }] }), ok: (v) => expect(v).toMatchObject({ comfyuiVersion: null, ramTotal: null, ramFree: null, devices: [{ index: null }] }) },
  { name: 'older server: /features missing (404) means no features', call: features, respond: body(404, 'text/plain', '404: Not Found'), ok: (v) => expect(v).toBeNull() },
  {
    name: 'a server that ignores our prompt_id: its own id comes back, for the dispatcher to compare',
    call: submit,
    respond: json({ prompt_id: 'server-chosen', number: 7, node_errors: {} }),
    ok: (v) => expect(v).toEqual({ promptId: 'server-chosen', number: 7, nodeErrors: [] }),
  },
  { name: 'an empty JSON object on POST /queue is tolerated', call: del, respond: json({}), ok: (v) => expect(v).toBeUndefined() },
  { name: 'v3 COMBO options and oddly typed options', call: objectInfo, respond: json({ UNETLoader: { input: { required: { unet_name: ['COMBO', { options: ['flux.safetensors', 3, null] }], weight_dtype: [['default', 'fp8']] } } } }), ok: (v) => expect(v).toEqual({ nodeClasses: ['UNETLoader'], models: ['flux.safetensors'] }) },
];

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
let srv: HostileServer;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  srv = await startHostileServer();
});

afterAll(async () => {
  await srv.close();
  process.off('unhandledRejection', onUnhandled);
});

let nextCase = 0;
function clientFor(respond: Responder): ComfyClient {
  const id = nextCase++;
  srv.respond(id, respond);
  return new ComfyClient({ server: SERVER, baseUrl: srv.url(id), timeoutMs: TIMEOUT_MS });
}

describe('E3: hostile answers become typed errors naming the server and the call', () => {
  it('the corpus is big enough', () => {
    expect(errorCases.length + okCases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(errorCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const err = await c.call(clientFor(c.respond)).then(
      (value) => ({ resolved: value }),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ComfyHttpError);
    const e = err as ComfyHttpError;
    expect(e.code).toBe(c.code);
    expect(e.server).toBe(SERVER);
    expect(e.call).toBe(c.callName);
    expect(e.message).toContain(`server "${SERVER}"`);
    // A rejected workflow reads as a sentence for the operator (T10); the call is in `call`.
    if (!(e instanceof PromptRejectedError)) expect(e.message).toContain(c.callName);
    if (c.delivered) expect(e.delivered).toBe(c.delivered);
    if (c.status !== undefined) expect(e.status).toBe(c.status);
    if (c.phase) expect(e.phase).toBe(c.phase);
    // Any answer with a status proves delivery.
    if (e.status !== undefined) expect(e.delivered).toBe('yes');
    c.check?.(e);
  });

  it.each(okCases.map((c) => [c.name, c] as const))('tolerated: %s', async (_name, c) => {
    c.ok(await c.call(clientFor(c.respond)));
  });

  it('no request carried an Origin header (ComfyUI CSRF guard, doc §0), and nothing rejected unhandled', async () => {
    expect(srv.requests.length).toBeGreaterThanOrEqual(errorCases.length);
    expect(srv.requests.filter((r) => r.headers.origin !== undefined)).toEqual([]);
    // Give stray promises from cut-off calls a turn to surface.
    await new Promise((r) => setTimeout(r, 50));
    expect(unhandled).toEqual([]);
  });

  it('a caller abort while waiting is `aborted`, delivered maybe; an already-aborted signal sends nothing (delivered no)', async () => {
    const waiting = new AbortController();
    const pending = clientFor(hold()).submitPrompt({ prompt: {}, promptId: 'P1', clientId: 'me' }, { signal: waiting.signal });
    setTimeout(() => waiting.abort(), 30);
    const late = await pending.then(() => null, (e: unknown) => e as ComfyHttpError);
    expect([late?.code, late?.delivered]).toEqual(['aborted', 'maybe']);

    const id = nextCase;
    const early = await clientFor(json({}))
      .interrupt('P1', { signal: AbortSignal.abort() })
      .then(() => null, (e: unknown) => e as ComfyHttpError);
    expect([early?.code, early?.delivered, early?.call]).toEqual(['aborted', 'no', 'POST /interrupt']);
    expect(srv.requests.filter((r) => r.caseId === id)).toEqual([]);
  });

  it('a sanity check that the gzip fixture really is small on the wire', () => {
    expect(gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20)).length).toBeLessThan(64 * 1024);
  });
});
