import type { ApiErrorCode } from '../../src/shared/api';
import { txt2img } from '../../harness/workflows';

/**
 * E1, E2: hostile (name, args) pairs as a renderer (Electron IPC) or a browser (the bridge)
 * could send them. Each must come back as `{ ok: false, error: { code, message } }` with this
 * code and a message naming the field; the engine never throws.
 */
export interface IpcPayloadCase {
  name: string;
  command: unknown;
  args: unknown;
  code: ApiErrorCode;
  /** Substrings the message must contain: the command and the field. */
  mentions: string[];
}

const wf = txt2img();

export const ipcPayloads: IpcPayloadCase[] = [
  // ---- the name
  { name: 'unknown command', command: 'servers.nuke', args: {}, code: 'unknown_command', mentions: ['unknown command "servers.nuke"', 'known: fleet.snapshot'] },
  { name: 'a number as name', command: 42, args: {}, code: 'unknown_command', mentions: ['unknown command 42'] },
  { name: 'null as name', command: null, args: {}, code: 'unknown_command', mentions: ['unknown command null'] },
  { name: 'an object as name', command: { toString: () => 'tasks.list' }, args: {}, code: 'unknown_command', mentions: ['unknown command'] },
  { name: '"__proto__" as name', command: '__proto__', args: {}, code: 'unknown_command', mentions: ['unknown command "__proto__"'] },
  { name: '"constructor" as name', command: 'constructor', args: {}, code: 'unknown_command', mentions: ['unknown command "constructor"'] },
  { name: '"hasOwnProperty" as name', command: 'hasOwnProperty', args: {}, code: 'unknown_command', mentions: ['unknown command "hasOwnProperty"'] },
  { name: 'a known name with a trailing space', command: 'tasks.list ', args: {}, code: 'unknown_command', mentions: ['unknown command "tasks.list "'] },
  { name: 'a known name in other case', command: 'TASKS.LIST', args: {}, code: 'unknown_command', mentions: ['unknown command "TASKS.LIST"'] },
  // ---- the shape of args
  { name: 'args an array', command: 'servers.add', args: ['http://127.0.0.1:8188'], code: 'bad_request', mentions: ['servers.add:', 'expected object'] },
  { name: 'args a string', command: 'tasks.get', args: 'id=1', code: 'bad_request', mentions: ['tasks.get:', 'expected object'] },
  { name: 'args a number', command: 'locks.unlock', args: 7, code: 'bad_request', mentions: ['locks.unlock:', 'expected object'] },
  { name: 'null args where fields are required', command: 'tasks.submit', args: null, code: 'bad_request', mentions: ['tasks.submit:', 'workflow is required'] },
  { name: 'an extra key', command: 'servers.add', args: { url: 'http://127.0.0.1:8188', admin: true }, code: 'bad_request', mentions: ['servers.add:', 'admin'] },
  { name: 'an own "__proto__" key (JSON.parse makes one)', command: 'tasks.list', args: JSON.parse('{"__proto__": {"limit": 5}}') as unknown, code: 'bad_request', mentions: ['tasks.list:', '__proto__'] },
  { name: 'an extra key on a command without arguments', command: 'fleet.snapshot', args: { all: true }, code: 'bad_request', mentions: ['fleet.snapshot:', 'all'] },
  { name: 'a 10 MB search string', command: 'tasks.list', args: { search: 'x'.repeat(10 * 1024 * 1024) }, code: 'bad_request', mentions: ['tasks.list:', 'search'] },
  { name: 'a query-operator object as an id', command: 'servers.remove', args: { id: { $ne: null } }, code: 'bad_request', mentions: ['servers.remove:', 'id'] },
  // ---- servers.add / update (F1)
  { name: 'servers.add with a javascript: URL', command: 'servers.add', args: { url: 'javascript:alert(1)' }, code: 'invalid_url', mentions: ['uses javascript', 'http:// or https://'] },
  { name: 'servers.add with file:///etc/passwd', command: 'servers.add', args: { url: 'file:///etc/passwd' }, code: 'invalid_url', mentions: ['uses file', 'http:// or https://'] },
  { name: 'servers.add with an unclosed IPv6 bracket', command: 'servers.add', args: { url: 'http://[::1' }, code: 'invalid_url', mentions: ['"http://[::1" is not a URL'] },
  { name: 'servers.add with credentials in the URL', command: 'servers.add', args: { url: 'http://admin:pw@127.0.0.1:8188' }, code: 'invalid_url', mentions: ['credentials in the URL'] },
  { name: 'servers.add with an empty URL', command: 'servers.add', args: { url: '' }, code: 'bad_request', mentions: ['servers.add:', 'url is required'] },
  { name: 'servers.add maxInFlight -1', command: 'servers.add', args: { url: 'http://127.0.0.1:8188', maxInFlight: -1 }, code: 'bad_request', mentions: ['servers.add:', 'maxInFlight'] },
  { name: 'servers.add maxInFlight 1e9', command: 'servers.add', args: { url: 'http://127.0.0.1:8188', maxInFlight: 1e9 }, code: 'bad_request', mentions: ['servers.add:', 'maxInFlight'] },
  { name: 'servers.add maxInFlight "2"', command: 'servers.add', args: { url: 'http://127.0.0.1:8188', maxInFlight: '2' }, code: 'bad_request', mentions: ['servers.add:', 'maxInFlight'] },
  { name: 'servers.add a 65-character name', command: 'servers.add', args: { url: 'http://127.0.0.1:8188', name: 'n'.repeat(65) }, code: 'bad_request', mentions: ['servers.add:', 'name'] },
  { name: 'servers.update of a server that does not exist', command: 'servers.update', args: { id: 'ghost', drained: true }, code: 'not_found', mentions: ['ghost'] },
  { name: 'servers.series window "1y"', command: 'servers.series', args: { id: 'x', window: '1y' }, code: 'bad_request', mentions: ['servers.series:', 'window'] },
  // ---- locks (L4)
  { name: 'locks.unlock without a reason', command: 'locks.unlock', args: { sessionId: 's', unfinished: 'requeue' }, code: 'bad_request', mentions: ['locks.unlock:', 'reason'] },
  { name: 'locks.unlock with a blank reason', command: 'locks.unlock', args: { sessionId: 's', unfinished: 'requeue', reason: '   ' }, code: 'bad_request', mentions: ['locks.unlock:', 'a reason is required'] },
  { name: 'locks.unlock unfinished "explode"', command: 'locks.unlock', args: { sessionId: 's', unfinished: 'explode', reason: 'x' }, code: 'bad_request', mentions: ['locks.unlock:', 'unfinished'] },
  { name: 'locks.unlock of a session with no lock', command: 'locks.unlock', args: { sessionId: 'nobody', unfinished: 'leave', reason: 'test' }, code: 'not_found', mentions: ['nobody'] },
  // ---- tasks
  { name: 'tasks.list limit 1e9', command: 'tasks.list', args: { limit: 1e9 }, code: 'bad_request', mentions: ['tasks.list:', 'limit'] },
  { name: 'tasks.list status "done"', command: 'tasks.list', args: { status: ['done'] }, code: 'bad_request', mentions: ['tasks.list:', 'status'] },
  { name: 'tasks.list status as a string', command: 'tasks.list', args: { status: 'queued' }, code: 'bad_request', mentions: ['tasks.list:', 'status'] },
  { name: 'tasks.list a forged cursor', command: 'tasks.list', args: { cursor: 'eyJoYWNrIjoxfQ' }, code: 'bad_request', mentions: ['cursor is not one this ledger gave out'] },
  { name: 'audit.list a forged cursor', command: 'audit.list', args: { cursor: '../../etc/passwd' }, code: 'bad_request', mentions: ['cursor'] },
  { name: 'tasks.output index -1', command: 'tasks.output', args: { id: 't', index: -1 }, code: 'bad_request', mentions: ['tasks.output:', 'index'] },
  { name: 'tasks.output index 1.5', command: 'tasks.output', args: { id: 't', index: 1.5 }, code: 'bad_request', mentions: ['tasks.output:', 'index'] },
  { name: 'tasks.get an empty id', command: 'tasks.get', args: { id: '' }, code: 'bad_request', mentions: ['tasks.get:', 'id'] },
  { name: 'tasks.get an SQL-injection id', command: 'tasks.get', args: { id: "' OR 1=1 --" }, code: 'not_found', mentions: ["task ' OR 1=1 -- does not exist"] },
  { name: 'tasks.cancel of a task that does not exist', command: 'tasks.cancel', args: { id: 'ghost-task' }, code: 'not_found', mentions: ['ghost-task'] },
  { name: 'tasks.rerun of a task that does not exist', command: 'tasks.rerun', args: { id: 'ghost-task', force: true, reason: 'x' }, code: 'not_found', mentions: ['ghost-task'] },
  { name: 'tasks.submit without a workflow', command: 'tasks.submit', args: { key: 'k' }, code: 'bad_request', mentions: ['tasks.submit:', 'workflow is required'] },
  { name: 'tasks.submit a blank key', command: 'tasks.submit', args: { workflow: wf, key: '   ' }, code: 'bad_request', mentions: ['tasks.submit:', 'key'] },
  { name: 'tasks.submit a type that breaks the naming rule', command: 'tasks.submit', args: { workflow: wf, type: '../Orders' }, code: 'bad_request', mentions: ['type', 'lower-case letters'] },
  { name: 'tasks.submit an unknown type', command: 'tasks.submit', args: { workflow: wf, type: 'no-such-type' }, code: 'unknown_type', mentions: ['unknown task type "no-such-type"', '"default"'] },
  { name: 'tasks.submit pinned to a server that does not exist', command: 'tasks.submit', args: { workflow: wf, pinServerId: 'gpu-ghost' }, code: 'not_found', mentions: ['cannot pin to server "gpu-ghost"'] },
  { name: 'tasks.submit requirements.nodes as a string', command: 'tasks.submit', args: { workflow: wf, requirements: { nodes: 'KSampler' } }, code: 'bad_request', mentions: ['tasks.submit:', 'requirements.nodes'] },
  // ---- text no database stores as given (T2): lone UTF-16 surrogates would read back as U+FFFD
  // (two keys colliding), PostgreSQL refuses NUL; refused at the edge, naming the field
  { name: 'tasks.submit a key with a lone surrogate', command: 'tasks.submit', args: { workflow: wf, key: 'u-x\ud800y' }, code: 'bad_request', mentions: ['tasks.submit:', 'lone UTF-16 surrogate (U+D800 at position 3)', 'at key'] },
  { name: 'tasks.submit a key with a NUL', command: 'tasks.submit', args: { workflow: wf, key: 'order\u00004711' }, code: 'bad_request', mentions: ['tasks.submit:', 'NUL character', 'at key'] },
  { name: 'tasks.submit a session with a lone low surrogate', command: 'tasks.submit', args: { workflow: wf, sessionId: 'shop\udc00' }, code: 'bad_request', mentions: ['tasks.submit:', 'lone UTF-16 surrogate', 'at sessionId'] },
  { name: 'tasks.submit a required model with a NUL', command: 'tasks.submit', args: { workflow: wf, requirements: { models: ['x.safetensors\u0000'] } }, code: 'bad_request', mentions: ['tasks.submit:', 'NUL', 'requirements.models[0]'] },
  { name: 'servers.add a name with a lone surrogate', command: 'servers.add', args: { url: 'http://127.0.0.1:8188', name: 'gpu\ud83d' }, code: 'bad_request', mentions: ['servers.add:', 'lone UTF-16 surrogate', 'at name'] },
  { name: 'servers.add a tag with a NUL', command: 'servers.add', args: { url: 'http://127.0.0.1:8188', tags: ['a\u0000'] }, code: 'bad_request', mentions: ['servers.add:', 'NUL', 'tags[0]'] },
  { name: 'locks.unlock a reason with a lone surrogate', command: 'locks.unlock', args: { sessionId: 's', unfinished: 'leave', reason: 'gone\ud800' }, code: 'bad_request', mentions: ['locks.unlock:', 'lone UTF-16 surrogate', 'at reason'] },
  { name: 'tasks.cancel an id with a NUL', command: 'tasks.cancel', args: { id: 'task\u0000' }, code: 'bad_request', mentions: ['tasks.cancel:', 'NUL', 'at id'] },
  { name: 'tasks.list a search with a lone surrogate', command: 'tasks.list', args: { search: '\udfff' }, code: 'bad_request', mentions: ['tasks.list:', 'lone UTF-16 surrogate', 'at search'] },
  // ---- settings and types (U6, T2)
  { name: 'settings.set retentionDays 0', command: 'settings.set', args: { retentionDays: 0 }, code: 'bad_request', mentions: ['settings.set:', 'retentionDays'] },
  { name: 'settings.set submitsPerSecond 0', command: 'settings.set', args: { dispatch: { submitsPerSecond: 0 } }, code: 'bad_request', mentions: ['settings.set:', 'dispatch.submitsPerSecond'] },
  { name: 'types.set a path as type', command: 'types.set', args: { type: '../etc', mode: 'once', retryLimit: 1, failover: 'wait' }, code: 'bad_request', mentions: ['types.set:', 'type'] },
  { name: 'types.set retryLimit 1e6', command: 'types.set', args: { type: 'order', mode: 'once', retryLimit: 1e6, failover: 'wait' }, code: 'bad_request', mentions: ['types.set:', 'retryLimit'] },
  { name: 'log.tail limit 0', command: 'log.tail', args: { limit: 0 }, code: 'bad_request', mentions: ['log.tail:', 'limit'] },
];
