import { describe, expect, it } from 'vitest';
import { ComfyHttpError, PromptRejectedError } from './errors';

describe('ComfyHttpError', () => {
  it('T4: without an explicit value, an HTTP answer means delivered, "unreachable" means not, anything else maybe', () => {
    expect(new ComfyHttpError('bad_json', 's', 'GET /queue', 'x', 200).delivered).toBe('yes');
    expect(new ComfyHttpError('unreachable', 's', 'POST /prompt', 'x').delivered).toBe('no');
    expect(new ComfyHttpError('timeout', 's', 'POST /prompt', 'x').delivered).toBe('maybe');
    expect(new ComfyHttpError('connection_lost', 's', 'POST /prompt', 'x', undefined, { delivered: 'yes' }).delivered).toBe('yes');
  });

  it('names the server and the call, and crosses boundaries as data', () => {
    const e = new ComfyHttpError('timeout', 'gpu-1', 'GET /queue', 'no answer within 5 ms', undefined, { phase: 'headers' });
    expect(e.message).toBe('server "gpu-1" GET /queue: no answer within 5 ms');
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: 'ComfyHttpError',
      code: 'timeout',
      server: 'gpu-1',
      call: 'GET /queue',
      delivered: 'maybe',
      phase: 'headers',
      message: e.message,
    });
  });

  it('T10: PromptRejectedError is a ComfyHttpError with code rejected, delivered yes, and a sentence for the operator', () => {
    const nodeErrors = [{ nodeId: '4', classType: 'KSampler', errors: [] }];
    const e = new PromptRejectedError('gpu-2', 'POST /prompt', { type: 't', message: 'm', details: '' }, nodeErrors, 'node 4 (KSampler): invalid');
    expect(e).toBeInstanceOf(ComfyHttpError);
    expect([e.code, e.delivered, e.status, e.name]).toEqual(['rejected', 'yes', 400, 'PromptRejectedError']);
    expect(e.message).toBe('server "gpu-2" refused the workflow: node 4 (KSampler): invalid');
    expect(e.toJSON()).toMatchObject({ code: 'rejected', nodeErrors });
  });
});
