import type { ComfyClient } from '../../src/main/engine/comfy/comfy-client';
import type { ComfyErrorCode } from '../../src/main/engine/comfy/errors';
import type { Responder } from './hostile-server';
import { body, json, jsonText } from './hostile-server';

/**
 * E3: hostile server answers that hostile-corpus.test.ts does not cover (it keeps its table
 * private, so these extend it from a file of their own). Error cases must become a typed
 * ComfyHttpError; tolerated cases must parse, with forged file names flagged `suspicious`.
 */

export type Call = (c: ComfyClient) => Promise<unknown>;

export interface ServerErrorCase {
  name: string;
  call: Call;
  callName: string;
  respond: Responder;
  code: ComfyErrorCode;
  status?: number;
}

export interface ServerToleratedCase {
  name: string;
  call: Call;
  respond: Responder;
  /** [filename, subfolder, suspicious] of each parsed output, for history answers. */
  outputs: [string, string, boolean][];
}

const queue: Call = (c) => c.queue();
const history: Call = (c) => c.history('P1');
const stats: Call = (c) => c.systemStats();
const submit: Call = (c) => c.submitPrompt({ prompt: { '1': { class_type: 'X', inputs: {} } }, promptId: 'P1', clientId: 'me' });

const entry = (outputs: unknown) => ({ P1: { prompt: [0, 'P1', {}, {}, []], outputs, status: { status_str: 'success', completed: true, messages: [] }, meta: {} } });
const ref = (filename: string, subfolder = '', type = 'output') => ({ filename, subfolder, type });

export const serverErrorCases: ServerErrorCase[] = [
  { name: 'the CSRF guard: 403 with an empty body', call: submit, callName: 'POST /prompt', respond: body(403, null, ''), code: 'http_status', status: 403 },
  { name: '429 Too Many Requests from a proxy, with Retry-After', call: queue, callName: 'GET /queue', respond: body(429, 'text/plain', 'slow down', { 'retry-after': '30' }), code: 'http_status', status: 429 },
  // RFC 8259 §8.1: senders must not add a BOM; refusing it is the strict, typed reading.
  { name: 'a UTF-8 byte-order mark before otherwise good JSON', call: queue, callName: 'GET /queue', respond: body(200, 'application/json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"queue_running": [], "queue_pending": []}')])), code: 'bad_json' },
  { name: 'JSON nested 100 000 levels deep', call: queue, callName: 'GET /queue', respond: jsonText('['.repeat(100_000) + ']'.repeat(100_000)), code: 'bad_shape' },
  { name: 'a queue item whose prompt_id is a number', call: queue, callName: 'GET /queue', respond: json({ queue_running: [[1, 42, {}, {}, []]], queue_pending: [] }), code: 'bad_shape' },
  { name: 'history outputs as a list', call: history, callName: 'GET /history/P1', respond: json(entry([{ images: [ref('a.png')] }])), code: 'bad_shape' },
  { name: 'history entry that is a string', call: history, callName: 'GET /history/P1', respond: json({ P1: 'done' }), code: 'bad_shape' },
  { name: 'system_stats devices as an object', call: stats, callName: 'GET /system_stats', respond: json({ system: { os: 'posix', python_version: '3.11' }, devices: { '0': { name: 'cuda:0' } } }), code: 'bad_shape' },
];

export const serverToleratedCases: ServerToleratedCase[] = [
  {
    name: 'history names with NUL bytes, "subfolder: ..", absolute and UNC paths parse verbatim, flagged',
    call: history,
    respond: json(entry({ '9': { images: [ref('a\u0000.png'), ref('b.png', '..'), ref('/etc/shadow'), ref('c.png', '\\\\host\\share'), ref('d.png', 'sub/../..'), ref('..'), ref('ok_00001_.png', 'day-1')] } })),
    outputs: [
      ['a\u0000.png', '', true],
      ['b.png', '..', true],
      ['/etc/shadow', '', true],
      ['c.png', '\\\\host\\share', true],
      ['d.png', 'sub/../..', true],
      ['..', '', true],
      ['ok_00001_.png', 'day-1', false],
    ],
  },
];
