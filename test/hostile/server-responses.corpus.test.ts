import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComfyClient } from '../../src/main/engine/comfy/comfy-client';
import { ComfyHttpError } from '../../src/main/engine/comfy/errors';
import type { HostileServer, Responder } from './hostile-server';
import { startHostileServer } from './hostile-server';
import { serverErrorCases, serverToleratedCases } from './server-responses.corpus';

/** E3: the added hostile answers, against a real misbehaving HTTP server on 127.0.0.1. */

const SERVER = 'gpu-hostile-2';
let srv: HostileServer;
let next = 0;

beforeAll(async () => {
  srv = await startHostileServer();
});

afterAll(async () => {
  await srv?.close();
});

function clientFor(respond: Responder): ComfyClient {
  const id = next++;
  srv.respond(id, respond);
  return new ComfyClient({ server: SERVER, baseUrl: srv.url(id), timeoutMs: 2_000 });
}

describe('E3: more hostile answers become typed errors naming the server and the call', () => {
  it.each(serverErrorCases.map((c) => [c.name, c] as const))('E3: %s', async (_name, c) => {
    const err = await c.call(clientFor(c.respond)).then(
      (value) => ({ resolved: value }),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ComfyHttpError);
    const e = err as ComfyHttpError;
    expect(e.code, e.message).toBe(c.code);
    expect(e.server).toBe(SERVER);
    expect(e.call).toBe(c.callName);
    expect(e.message).toContain(`server "${SERVER}"`);
    if (c.status !== undefined) expect([e.status, e.delivered]).toEqual([c.status, 'yes']);
  });

  it.each(serverToleratedCases.map((c) => [c.name, c] as const))('E3, T6: tolerated: %s', async (_name, c) => {
    const v = (await c.call(clientFor(c.respond))) as { outputs: { filename: string; subfolder: string; suspicious: boolean }[] };
    expect(v.outputs.map((o) => [o.filename, o.subfolder, o.suspicious])).toEqual(c.outputs);
  });
});
