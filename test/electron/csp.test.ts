import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/main/window-options';

vi.mock('electron', () => ({}));

const INDEX_HTML = join(__dirname, '../../src/renderer/index.html');

/** The content of the page's `<meta http-equiv="Content-Security-Policy">`, or null. */
function metaCsp(html: string): string | null {
  for (const tag of html.match(/<meta\b[^>]*>/gis) ?? []) {
    if (!/http-equiv\s*=\s*["']Content-Security-Policy["']/i.test(tag)) continue;
    const content = /\bcontent\s*=\s*"([^"]*)"|\bcontent\s*=\s*'([^']*)'/is.exec(tag);
    return content ? (content[1] ?? content[2] ?? '').replace(/\s+/g, ' ').trim() : null;
  }
  return null;
}

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), sources);
  }
  return map;
}

describe('E1 CSP', () => {
  it("in src/renderer/index.html equals the one main sends as a header (they must not drift; change both)", () => {
    expect(metaCsp(readFileSync(INDEX_HTML, 'utf8'))).toBe(CONTENT_SECURITY_POLICY);
  });

  it('is strict: scripts only from the app, no eval, no plugins, no <base>, no remote hosts', () => {
    const policy = directives(CONTENT_SECURITY_POLICY);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    for (const [name, sources] of policy) {
      expect(sources, `${name} allows eval`).not.toContain("'unsafe-eval'");
      expect(sources, `${name} allows wasm eval`).not.toContain("'wasm-unsafe-eval'");
      if (name !== 'style-src') expect(sources, `${name} allows inline code`).not.toContain("'unsafe-inline'");
      for (const source of sources) {
        // Only keywords and local schemes; any host or * would let remote content in.
        expect(source, `${name} names a remote source`).toMatch(/^('[a-z-]+'|data:|blob:)$/);
      }
    }
  });

  it('meta-tag reader finds the policy and nothing else', () => {
    expect(metaCsp(`<meta charset="utf-8"><meta http-equiv='Content-Security-Policy' content="a  b;\n c">`)).toBe('a b; c');
    expect(metaCsp('<meta name="viewport" content="x">')).toBeNull();
  });
});
