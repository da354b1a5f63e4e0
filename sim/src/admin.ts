import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { FAULT_KINDS, faultSchema, type FaultKind } from './faults';
import type { SimServer } from './sim-server';

/**
 * A small JSON API to steer a running fleet from curl or a test harness:
 *   GET    /servers                      list with faults, queue depth, sockets
 *   POST   /servers/:i/faults            body = a Fault
 *   DELETE /servers/:i/faults[/:kind]    lift one kind or all
 *   POST   /servers/:i/drop-sockets | pause | resume
 *   GET    /servers/:i/executions
 */

export interface AdminServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
}

const error = (status: number, code: string, message: string): Reply => ({ status, body: { error: { code, message } } });

function describe(sim: SimServer, index: number, speeds: readonly number[]): unknown {
  return {
    index,
    name: sim.name,
    url: sim.url,
    port: sim.port,
    speed: speeds[index] ?? 1,
    faults: sim.activeFaults(),
    queue: sim.queueDepth(),
    wsClients: sim.wsClientCount(),
    executions: sim.executions().length,
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
}

async function handle(req: IncomingMessage, servers: readonly SimServer[], speeds: readonly number[]): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://admin.invalid');
  const parts = url.pathname.split('/').filter(Boolean);
  const method = req.method ?? 'GET';
  if (parts[0] !== 'servers') return error(404, 'not_found', `No admin route ${method} ${url.pathname}`);
  if (parts.length === 1) {
    return method === 'GET' ? { status: 200, body: servers.map((s, i) => describe(s, i, speeds)) } : error(405, 'method_not_allowed', 'Use GET /servers');
  }
  const index = Number(parts[1]);
  const sim = Number.isInteger(index) ? servers[index] : undefined;
  if (!sim) return error(404, 'unknown_server', `No server with index ${parts[1]} (fleet has ${servers.length})`);
  const action = parts.slice(2).join('/');
  const route = `${method} ${action.startsWith('faults/') ? 'faults/:kind' : action}`;
  switch (route) {
    case 'GET ':
      return { status: 200, body: describe(sim, index, speeds) };
    case 'GET faults':
      return { status: 200, body: sim.activeFaults() };
    case 'POST faults': {
      let body: unknown;
      try {
        body = await readJson(req);
      } catch {
        return error(400, 'bad_json', 'The body must be a JSON Fault object');
      }
      const parsed = faultSchema.safeParse(body);
      if (!parsed.success) return error(400, 'bad_fault', `Not a valid fault: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
      sim.inject(parsed.data);
      return { status: 200, body: { faults: sim.activeFaults() } };
    }
    case 'DELETE faults':
      await sim.lift();
      return { status: 200, body: { faults: sim.activeFaults() } };
    case 'DELETE faults/:kind': {
      const kind = parts[3] as FaultKind;
      if (!FAULT_KINDS.includes(kind)) return error(400, 'bad_kind', `Unknown fault kind '${parts[3]}'; one of ${FAULT_KINDS.join(', ')}`);
      await sim.lift(kind);
      return { status: 200, body: { faults: sim.activeFaults() } };
    }
    case 'POST drop-sockets':
      sim.dropSockets(1006);
      return { status: 200, body: { dropped: true } };
    case 'POST pause':
      sim.pauseWorker();
      return { status: 200, body: { paused: true } };
    case 'POST resume':
      sim.resumeWorker();
      return { status: 200, body: { paused: false } };
    case 'GET executions':
      return { status: 200, body: sim.executions() };
    default:
      return error(404, 'not_found', `No admin route ${method} ${url.pathname}`);
  }
}

export function startAdmin(servers: readonly SimServer[], o: { port: number; host?: string; speeds?: readonly number[] }): Promise<AdminServer> {
  const host = o.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void handle(req, servers, o.speeds ?? [])
      .catch((err: unknown) => error(500, 'internal', err instanceof Error ? err.message : String(err)))
      .then((reply) => {
        res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(reply.body) + '\n');
      });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : o.port;
      let closing: Promise<void> | null = null;
      resolve({
        url: `http://${host}:${port}`,
        port,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          })),
      });
    });
  });
}
