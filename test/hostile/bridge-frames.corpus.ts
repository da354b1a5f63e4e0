import type { ApiErrorCode } from '../../src/shared/api';

/**
 * E2: raw frames and upgrade requests a hostile page or script could send to the headless
 * bridge (src/headless/bridge.ts, host.ts), and the documented answer to each.
 */

/** What the bridge does with a frame. */
export type FrameVerdict =
  /** Answered with this error, under the frame's own id. */
  | { kind: 'error'; id: number; code: ApiErrorCode; mentions: string[] }
  /** A frame without a usable numeric id: logged and dropped, no answer; the socket stays open. */
  | { kind: 'dropped'; log: string }
  /** The socket is closed with this code. */
  | { kind: 'closed'; code: number }
  /** A harmless oddity: answered ok. */
  | { kind: 'ok'; id: number };

export interface BridgeFrameCase {
  name: string;
  /** Text frames are sent as text; a Buffer as a binary frame. */
  frame: () => string | Buffer;
  verdict: FrameVerdict;
}

export interface BridgeUpgradeCase {
  name: string;
  /** Headers of the upgrade request; `PORT` in a value is replaced by the host's port. */
  headers: Record<string, string>;
  path?: string;
  /** The HTTP status of the refusal. */
  status: number;
}

const call = (frame: Record<string, unknown>) => JSON.stringify({ kind: 'call', ...frame });
const MB = 1024 * 1024;

export const bridgeFrames: BridgeFrameCase[] = [
  { name: 'text that is not JSON', frame: () => 'not json at all {', verdict: { kind: 'dropped', log: 'bridge: dropped a frame that is not JSON' } },
  { name: 'JSON null', frame: () => 'null', verdict: { kind: 'dropped', log: 'bridge: dropped a frame that is not a call' } },
  { name: 'a JSON array', frame: () => '[1, "tasks.list", {}]', verdict: { kind: 'dropped', log: 'bridge: dropped a frame that is not a call' } },
  { name: 'a JSON number', frame: () => '42', verdict: { kind: 'dropped', log: 'bridge: dropped a frame that is not a call' } },
  { name: 'a call without id', frame: () => call({ name: 'tasks.list', args: {} }), verdict: { kind: 'dropped', log: 'bridge: dropped a frame that is not a call' } },
  { name: 'a call with a string id', frame: () => call({ id: '7', name: 'tasks.list', args: {} }), verdict: { kind: 'dropped', log: 'bridge: dropped a frame that is not a call' } },
  { name: 'a call with a negative id', frame: () => call({ id: -1, name: 'tasks.list', args: {} }), verdict: { kind: 'error', id: -1, code: 'bad_request', mentions: ['bridge frame is not a call', 'id'] } },
  { name: 'a call with a fractional id', frame: () => call({ id: 1.5, name: 'tasks.list', args: {} }), verdict: { kind: 'error', id: 1.5, code: 'bad_request', mentions: ['bridge frame is not a call', 'id'] } },
  { name: 'another kind than call', frame: () => JSON.stringify({ kind: 'cast', id: 101, name: 'tasks.list' }), verdict: { kind: 'error', id: 101, code: 'bad_request', mentions: ['bridge frame is not a call', 'kind'] } },
  { name: 'a numeric name', frame: () => call({ id: 102, name: 7, args: {} }), verdict: { kind: 'error', id: 102, code: 'bad_request', mentions: ['bridge frame is not a call', 'name'] } },
  { name: 'a name over 100 characters', frame: () => call({ id: 103, name: 'x'.repeat(101), args: {} }), verdict: { kind: 'error', id: 103, code: 'bad_request', mentions: ['bridge frame is not a call', 'name'] } },
  { name: 'an unknown command', frame: () => call({ id: 104, name: 'shell.exec', args: { cmd: 'rm -rf /' } }), verdict: { kind: 'error', id: 104, code: 'unknown_command', mentions: ['unknown command "shell.exec"'] } },
  { name: '"__proto__" as the command', frame: () => call({ id: 105, name: '__proto__', args: {} }), verdict: { kind: 'error', id: 105, code: 'unknown_command', mentions: ['"__proto__"'] } },
  { name: 'args a string', frame: () => call({ id: 106, name: 'tasks.get', args: 'x' }), verdict: { kind: 'error', id: 106, code: 'bad_request', mentions: ['tasks.get:', 'expected object'] } },
  { name: 'a bad workflow through the bridge', frame: () => call({ id: 107, name: 'tasks.submit', args: { workflow: { '1': { class_type: 'KSampler', inputs: { model: ['4', 0] } } } } }), verdict: { kind: 'error', id: 107, code: 'invalid_workflow', mentions: ['node "1" (KSampler) input "model" links to node "4"'] } },
  { name: 'a "__proto__" key on the frame does not pollute', frame: () => '{"kind": "call", "id": 108, "name": "tasks.counts", "args": {}, "__proto__": {"polluted": true}}', verdict: { kind: 'ok', id: 108 } },
  { name: 'a binary frame', frame: () => Buffer.from([0, 0, 0, 1, 0xff]), verdict: { kind: 'closed', code: 1003 } },
  { name: 'a frame over the 8 MB limit', frame: () => call({ id: 109, name: 'tasks.list', args: { search: 'x'.repeat(8 * MB) } }), verdict: { kind: 'closed', code: 1009 } },
];

export const bridgeUpgrades: BridgeUpgradeCase[] = [
  { name: 'an Origin from another site', headers: { origin: 'http://evil.example' }, status: 403 },
  { name: 'Origin "null" (sandboxed iframe, file://)', headers: { origin: 'null' }, status: 403 },
  { name: 'a file:// Origin', headers: { origin: 'file://' }, status: 403 },
  { name: 'an Origin on another port of this host', headers: { origin: 'http://127.0.0.1:1' }, status: 403 },
  { name: 'an Origin that merely starts like ours', headers: { origin: 'http://127.0.0.1:PORT.evil.example' }, status: 403 },
  { name: 'a foreign Host header (DNS rebinding)', headers: { host: 'evil.example' }, status: 403 },
  { name: 'a foreign Host with a matching Origin', headers: { host: 'evil.example:PORT', origin: 'http://evil.example:PORT' }, status: 403 },
  { name: 'another path than /bridge', headers: {}, path: '/bridge/../admin', status: 404 },
];
