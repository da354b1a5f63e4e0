import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, HostArgsError, parseHostArgs } from './host-args';

describe('host arguments (npm run serve / npm start)', () => {
  it('M2: --servers takes URLs and name=URL pairs, comma-separated and repeatable', () => {
    const a = parseHostArgs(['--servers', 'http://127.0.0.1:8188, gpu-2=http://10.0.0.6:8188', '--servers', 'https://h:443']);
    expect(a.servers).toEqual([{ url: 'http://127.0.0.1:8188' }, { name: 'gpu-2', url: 'http://10.0.0.6:8188' }, { url: 'https://h:443' }]);
    expect(a).toMatchObject({ host: '127.0.0.1', port: DEFAULT_PORT, dataDir: null, token: null, demo: false });
  });

  it('M2: works with no settings file and no servers at all', () => {
    expect(parseHostArgs([]).servers).toEqual([]);
  });

  it('refuses a bad port and unknown options with a message', () => {
    expect(() => parseHostArgs(['--port', 'eighty'])).toThrow(HostArgsError);
    expect(() => parseHostArgs(['--port', '70000'])).toThrow(/0 to 65535/);
    expect(() => parseHostArgs(['--sever', 'x'])).toThrow(/Unknown option/);
  });

  it('M1: tolerates the switches Electron adds when not strict', () => {
    const a = parseHostArgs(['.', '--no-sandbox', '--servers', 'http://a:1', '--demo'], { strict: false });
    expect(a.servers).toEqual([{ url: 'http://a:1' }]);
    expect(a.demo).toBe(true);
  });
});
