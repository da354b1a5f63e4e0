import { describe, expect, it } from 'vitest';
import { failure } from '../../../../test/support/http-failure';
import { ComfyClient } from './comfy-client';
import { callHttp } from './http-json';

/**
 * Node's fetch (undici) refuses the ports the Fetch standard blocks (1, 9, 6000, …) before it
 * opens a socket. Nothing leaves 127.0.0.1 here: the refusal happens inside the client, and a
 * port that were not refused would only meet a closed port on loopback.
 */
describe('a port the HTTP client refuses (F1, F2, T4)', () => {
  it.each([9, 1])('F2: a probe of http://127.0.0.1:%i says the client refuses the port before connecting, that nothing was sent, and to use another port', async (port) => {
    const client = new ComfyClient({ server: 'gpu-bad-port', baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 10_000 });
    const err = await failure(client.queue());
    expect(err.code).toBe('unreachable');
    // T4: nothing was sent, so a submission may safely go elsewhere.
    expect(err.delivered).toBe('no');
    expect(err.message).toContain(`server "gpu-bad-port" GET /queue: port ${port} is refused by the HTTP client before connecting`);
    expect(err.message).toMatch(/nothing was sent/);
    expect(err.message).toMatch(/another port/);
    expect(err.message).not.toMatch(/may have been received|connection lost/);
  });

  it('T4: a POST to a refused port is not delivered, so it is safe to send elsewhere', async () => {
    const err = await failure(callHttp('http://127.0.0.1:9', '/prompt', { server: 'gpu-bad-port', method: 'POST', body: {} }));
    expect([err.code, err.delivered]).toEqual(['unreachable', 'no']);
  });
});
