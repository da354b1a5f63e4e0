import type { RestErrorCode } from '../../src/main/engine/host/rest-errors';
import { txt2img } from '../../harness/workflows';

/**
 * A1, T2: request text a program could send the task API that no database stores as given —
 * lone UTF-16 surrogates (legal as JSON escapes, not encodable as UTF-8: SQLite keeps U+FFFD,
 * so two different keys would collide) and NUL (PostgreSQL refuses it). Bodies are raw JSON
 * text, so the escapes reach the server exactly as written here. Each must be a 400
 * `bad_request` whose message names the field as the caller spelled it.
 */
export interface RestPayloadCase {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  /** Raw JSON text of the body, when there is one. */
  body?: string;
  status: number;
  code: RestErrorCode;
  /** Substrings the message must contain: the route or place, the field, the fault. */
  mentions: string[];
}

const wf = JSON.stringify(txt2img());
/** A submit body with a good workflow and `fields` (raw JSON members) beside it. */
const submit = (fields: string) => `{"workflow": ${wf}, ${fields}}`;

const LONE = 'lone UTF-16 surrogate';

export const restPayloads: RestPayloadCase[] = [
  { name: 'REST: a key with a lone high surrogate', method: 'POST', path: '/v1/tasks', body: submit('"key": "u-x\\ud800y"'), status: 400, code: 'bad_request', mentions: ['POST /v1/tasks', '"key"', LONE, 'U+D800 at position 3'] },
  { name: 'REST: a key with a lone low surrogate', method: 'POST', path: '/v1/tasks', body: submit('"key": "u-x\\udfffy"'), status: 400, code: 'bad_request', mentions: ['"key"', LONE, 'U+DFFF'] },
  { name: 'REST: a key with a reversed surrogate pair', method: 'POST', path: '/v1/tasks', body: submit('"key": "\\udc00\\ud800"'), status: 400, code: 'bad_request', mentions: ['"key"', LONE] },
  { name: 'REST: a key with a NUL', method: 'POST', path: '/v1/tasks', body: submit('"key": "order\\u00004711"'), status: 400, code: 'bad_request', mentions: ['"key"', 'NUL character (at position 5)'] },
  { name: 'REST: a session with a lone surrogate', method: 'POST', path: '/v1/tasks', body: submit('"session": "shop\\ud83d"'), status: 400, code: 'bad_request', mentions: ['"session"', LONE] },
  { name: 'REST: a session with a NUL', method: 'POST', path: '/v1/tasks', body: submit('"session": "\\u0000"'), status: 400, code: 'bad_request', mentions: ['"session"', 'NUL'] },
  { name: 'REST: a type with a lone surrogate', method: 'POST', path: '/v1/tasks', body: submit('"type": "photo\\ud800"'), status: 400, code: 'bad_request', mentions: ['"type"', LONE] },
  { name: 'REST: a pin with a NUL', method: 'POST', path: '/v1/tasks', body: submit('"pin": "gpu-1\\u0000"'), status: 400, code: 'bad_request', mentions: ['"pin"', 'NUL'] },
  { name: 'REST: a required node name with a lone surrogate', method: 'POST', path: '/v1/tasks', body: submit('"requirements": {"nodes": ["KSampler", "IPAdapter\\udbff"]}'), status: 400, code: 'bad_request', mentions: ['"requirements.nodes[1]"', LONE] },
  { name: 'REST: a field name with a lone surrogate inside requirements', method: 'POST', path: '/v1/tasks', body: submit('"requirements": {"no\\ud800des": []}'), status: 400, code: 'bad_request', mentions: ['requirements["no\\ud800des"]', 'a field name', LONE] },
  { name: 'REST: a cancel reason with a NUL', method: 'POST', path: '/v1/tasks/some-task/cancel', body: '{"reason": "withdrawn\\u0000"}', status: 400, code: 'bad_request', mentions: ['POST /v1/tasks/:id/cancel', '"reason"', 'NUL'] },
  { name: 'REST: a re-run reason with a lone surrogate', method: 'POST', path: '/v1/tasks/some-task/rerun', body: '{"force": true, "reason": "colour\\udc00"}', status: 400, code: 'bad_request', mentions: ['POST /v1/tasks/:id/rerun', '"reason"', LONE] },
  { name: 'REST: an unlock reason with a lone surrogate', method: 'POST', path: '/v1/locks/shop/unlock', body: '{"reason": "\\ud800", "unfinished": "leave"}', status: 400, code: 'bad_request', mentions: ['POST /v1/locks/:session/unlock', '"reason"', LONE] },
  { name: 'REST: a session in the path with %00', method: 'POST', path: '/v1/locks/sh%00op/unlock', body: '{"reason": "x", "unfinished": "leave"}', status: 400, code: 'bad_request', mentions: ['the session in the path', 'NUL'] },
  { name: 'REST: a task id in the path with %00', method: 'GET', path: '/v1/tasks/t%00', status: 400, code: 'bad_request', mentions: ['the id in the path', 'NUL'] },
  { name: 'REST: a ?key= search with %00', method: 'GET', path: '/v1/tasks?key=order%00', status: 400, code: 'bad_request', mentions: ['GET /v1/tasks', '?key=', 'NUL'] },
  { name: 'REST: a ?session= filter with %00', method: 'GET', path: '/v1/tasks?session=%00', status: 400, code: 'bad_request', mentions: ['?session=', 'NUL'] },
  { name: 'REST: an audit ?target= with %00', method: 'GET', path: '/v1/audit?target=a%00', status: 400, code: 'bad_request', mentions: ['GET /v1/audit', '?target=', 'NUL'] },
];
