import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, DEFAULT_STUCK_AFTER_S, HostArgsError, lockTimings, parseHostArgs } from './host-args';

describe('host arguments (npm run serve / npm start)', () => {
  it('M2: --servers takes URLs and name=URL pairs, comma-separated and repeatable', () => {
    const a = parseHostArgs(['--servers', 'http://127.0.0.1:8188, gpu-2=http://10.0.0.6:8188', '--servers', 'https://h:443']);
    expect(a.servers).toEqual([{ url: 'http://127.0.0.1:8188' }, { name: 'gpu-2', url: 'http://10.0.0.6:8188' }, { url: 'https://h:443' }]);
    expect(a).toMatchObject({ host: '127.0.0.1', port: DEFAULT_PORT, dataDir: null, token: null, apiPort: null, demo: false });
  });

  it('M2: works with no settings file and no servers at all', () => {
    expect(parseHostArgs([]).servers).toEqual([]);
  });

  it('refuses a bad port and unknown options with a message', () => {
    expect(() => parseHostArgs(['--port', 'eighty'])).toThrow(HostArgsError);
    expect(() => parseHostArgs(['--port', '70000'])).toThrow(/0 to 65535/);
    expect(() => parseHostArgs(['--sever', 'x'])).toThrow(/Unknown option/);
  });

  it('A1: --api-port turns the task API on (0 picks a free port); --token is shared with the bridge', () => {
    expect(parseHostArgs(['--api-port', '8421', '--token', 'T'])).toMatchObject({ apiPort: 8421, token: 'T', port: DEFAULT_PORT });
    expect(parseHostArgs(['--api-port', '0']).apiPort).toBe(0);
    expect(parseHostArgs(['--port', '0', '--api-port', '0'])).toMatchObject({ port: 0, apiPort: 0 });
  });

  it('A1: without --token the parser leaves the token null (the task API generates and prints one)', () => {
    expect(parseHostArgs(['--api-port', '8421']).token).toBeNull();
  });

  it('A1: refuses a bad --api-port, the console port again, and an empty --token, naming the option', () => {
    expect(() => parseHostArgs(['--api-port', 'x'])).toThrow(/--api-port x: give a port number/);
    expect(() => parseHostArgs(['--api-port', '65536'])).toThrow(/--api-port 65536/);
    expect(() => parseHostArgs(['--api-port', ''])).toThrow(/--api-port/);
    expect(() => parseHostArgs(['--api-port=-1'])).toThrow(HostArgsError);
    expect(() => parseHostArgs(['--port', '9000', '--api-port', '9000'])).toThrow(/also the console's --port/);
    expect(() => parseHostArgs(['--api-port', String(DEFAULT_PORT)])).toThrow(/also the console's --port/);
    expect(() => parseHostArgs(['--token', ''])).toThrow(/--token is empty/);
  });

  it('A1: the help names --api-port and says how the token is made when not given', () => {
    expect(() => parseHostArgs(['--help'])).toThrow(/--api-port N[\s\S]*generated at\s+start-up and printed/);
  });

  it('S2: --db takes a PostgreSQL URL and refuses anything else without echoing a password', () => {
    expect(parseHostArgs(['--db', 'postgres://fleet:pw@db:5432/fleet']).database).toBe('postgres://fleet:pw@db:5432/fleet');
    expect(parseHostArgs([]).database).toBeNull();
    let message = '';
    try {
      parseHostArgs(['--db', 'mysql://root:secret@db/x']);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/give a PostgreSQL URL/);
    expect(message).not.toContain('secret');
  });

  it('M1: tolerates the switches Electron adds when not strict', () => {
    const a = parseHostArgs(['.', '--no-sandbox', '--servers', 'http://a:1', '--demo'], { strict: false });
    expect(a.servers).toEqual([{ url: 'http://a:1' }]);
    expect(a.demo).toBe(true);
  });

  it('L3: --stuck-after S sets how long a locked server may be unhealthy before the lock is stuck (default 60 s)', () => {
    expect(parseHostArgs([]).stuckAfterS).toBe(DEFAULT_STUCK_AFTER_S);
    expect(parseHostArgs(['--stuck-after', '2']).stuckAfterS).toBe(2);
    expect(parseHostArgs(['--stuck-after', '0.5']).stuckAfterS).toBe(0.5);
    for (const bad of ['0', 'soon', '', '1e3', '90000']) expect(() => parseHostArgs(['--stuck-after', bad]), bad).toThrow(/--stuck-after .*: give the seconds/);
    expect(() => parseHostArgs(['--stuck-after=-1'])).toThrow(/--stuck-after -1/);
    expect(() => parseHostArgs(['--help'])).toThrow(/--stuck-after S/);
  });

  it('F2, U6: probe timings come from --probe-every, --stats-every and --probe-timeout, defaulting to the engine\'s', () => {
    expect(parseHostArgs([]).probe).toEqual({ queueIntervalMs: 5_000, statsIntervalMs: 30_000, timeoutMs: 5_000 });
    expect(parseHostArgs(['--probe-every', '2', '--stats-every', '60', '--probe-timeout', '1.5']).probe).toEqual({ queueIntervalMs: 2_000, statsIntervalMs: 60_000, timeoutMs: 1_500 });
    expect(() => parseHostArgs(['--probe-timeout', '0'])).toThrow(/--probe-timeout 0: give the seconds a probe may take/);
    expect(() => parseHostArgs(['--probe-every', 'often'])).toThrow(/--probe-every often/);
  });

  it('L3: the lock sweep runs four times within a short --stuck-after, never slower than every 30 s', () => {
    expect(lockTimings(60)).toEqual({ unhealthyGraceMs: 60_000, sweepMs: 15_000 });
    expect(lockTimings(2)).toEqual({ unhealthyGraceMs: 2_000, sweepMs: 500 });
    expect(lockTimings(600)).toEqual({ unhealthyGraceMs: 600_000, sweepMs: 30_000 });
    expect(lockTimings(0.1).sweepMs).toBe(100);
  });
});
