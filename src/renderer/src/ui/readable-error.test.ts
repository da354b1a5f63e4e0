import { describe, expect, it } from 'vitest';
import { humanize, readableError } from './readable-error';

const badRequest = (message: string) => ({ code: 'bad_request' as const, message });

describe('engine errors in words (U6)', () => {
  it('names the field by its label instead of the schema report', () => {
    const r = readableError(badRequest('servers.update: ✖ Too small: expected number to be >=1;   → at maxInFlight'), { maxInFlight: 'Max in flight' });
    expect(r).toEqual({ text: 'Max in flight must be at least 1', fields: { maxInFlight: 'must be at least 1' } });
  });

  it('reads every problem of a report, nested paths and list items by their argument', () => {
    const r = readableError(
      badRequest('settings.set: ✖ Too small: expected number to be >=1;   → at dispatch.maxQueued; ✖ Too big: expected string to have <=40 characters;   → at tags[0]; ✖ Unrecognized key: "bogus"'),
      { maxQueued: 'Max queued tasks' },
    );
    expect(r.text).toBe('Max queued tasks must be at least 1; tags must have at most 40 characters; Unrecognized key: "bogus"');
    expect(r.fields).toEqual({ maxQueued: 'must be at least 1', tags: 'must have at most 40 characters' });
  });

  it('keeps any other engine message as written', () => {
    const message = 'servers.update: "ftp://x" is not an http(s) URL; give http://host:port';
    expect(readableError({ code: 'invalid_url', message }, {})).toEqual({ text: message, fields: {} });
    expect(readableError(badRequest('servers.add: url is required'), {})).toEqual({ text: 'servers.add: url is required', fields: {} });
  });

  it('turns the schema wording into what a form says', () => {
    expect(humanize('Too big: expected number to be <=64')).toBe('must be at most 64');
    expect(humanize('Too small: expected string to have >=1 characters')).toBe('must not be empty');
    expect(humanize('Invalid input: expected int, received number')).toBe('must be a whole number');
    expect(humanize('Invalid URL')).toBe('must be a valid URL');
    expect(humanize('a reason is required')).toBe('a reason is required');
  });
});
