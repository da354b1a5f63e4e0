import { describe, expect, it } from 'vitest';
import { bridgeUrl } from './bridge-url';

describe('bridgeUrl', () => {
  it('M2: targets the same origin over ws for an http page', () => {
    expect(bridgeUrl({ protocol: 'http:', host: '127.0.0.1:8787', hash: '' })).toBe('ws://127.0.0.1:8787/bridge');
  });

  it('uses wss for an https page', () => {
    expect(bridgeUrl({ protocol: 'https:', host: 'fleet.example:443', hash: '' })).toBe('wss://fleet.example:443/bridge');
  });

  it('E2: passes a #token=… fragment on as the token query, encoded', () => {
    expect(bridgeUrl({ protocol: 'http:', host: 'h:1', hash: '#token=a b&x=1' })).toBe('ws://h:1/bridge?token=a%20b');
  });

  it('adds no query when the fragment has no token', () => {
    expect(bridgeUrl({ protocol: 'http:', host: 'h:1', hash: '#view=tasks' })).toBe('ws://h:1/bridge');
  });
});
