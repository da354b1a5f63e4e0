import { describe, expect, it } from 'vitest';
import { EngineError } from '../core/engine-error';
import { defaultServerName, normaliseServerUrl } from './server-url';

describe('server URLs', () => {
  it('F1: http and https base URLs are accepted and normalised', () => {
    expect(normaliseServerUrl(' http://127.0.0.1:8188/ ')).toBe('http://127.0.0.1:8188');
    expect(normaliseServerUrl('https://gpu.example:443/comfy/')).toBe('https://gpu.example/comfy');
    expect(defaultServerName('http://127.0.0.1:8188')).toBe('127.0.0.1:8188');
  });

  it.each([
    ['ftp://host:21', /uses ftp; a ComfyUI server URL must start with http:\/\/ or https:\/\//],
    ['ws://127.0.0.1:8188', /uses ws;/],
    ['file:///etc/passwd', /uses file;/],
    ['127.0.0.1:8188', /uses 127.0.0.1;|is not a URL/],
    ['not a url', /is not a URL/],
    ['http://u:p@host:8188', /credentials in the URL are not supported/],
    ['http://host:8188/?x=1', /has a query or fragment/],
  ])('F1: %s is refused with a clear message', (input, message) => {
    try {
      normaliseServerUrl(input);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).code).toBe('invalid_url');
      expect((err as EngineError).message).toMatch(message);
    }
  });
});
