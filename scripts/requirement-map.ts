/**
 * Writes docs/requirement-map.md: for each requirement id of docs/requirements.md, the source
 * files that cite it and the tests that prove it.
 *
 *   npx tsx scripts/requirement-map.ts > docs/requirement-map.md
 *
 * Why a script and not a hand-written table: code and tests cite requirement ids ("T9", "L4"),
 * and files move (src/main/engine is being split into dispatch/, locks/, outputs/, …). A table
 * kept by hand goes stale with the first move; this one is regenerated from what the files say.
 * Node built-ins only, so it runs anywhere the repository does (Node 20 or 24).
 *
 * Rules, kept simple on purpose:
 * - The ids and their titles come from docs/requirements.md (bold ids at the start of a list item
 *   or a table row), so an id that is not in the product texts is never reported.
 * - A test proves an id when the id is in its name: `it('T9: …')`, `test(…)`, `describe(…)`
 *   (ids in a describe cover the tests inside). A mention in a comment of a test file is not proof.
 * - chaos/ checks invariants rather than naming tests, so a citation there counts as proof, except
 *   of P ids: those are proved by bench/ alone (the figures it prints), and bench/ proves nothing else.
 * - Everything else under src/ and sim/ (minus tests) that cites an id "implements" it. Shared
 *   test tooling (test/support, e2e/support, harness/) neither implements nor proves anything.
 * - A range ("L1–L6", "B1-5") cites each id in it.
 * - Look-alikes are skipped: quoted data ('S5', "P1"), object keys ({ P1: … }), property access
 *   (.P1), URL paths (/history/P1), colours (#E1), SVG path data, and control-character talk (C0, C1).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROOT = process.cwd();
const SCAN = ['src', 'sim', 'test', 'e2e', 'chaos', 'bench'];
const SKIP_DIRS = new Set(['node_modules', 'out', 'output', 'dist', 'test-results', 'playwright-report']);
const CODE = /\.(?:[cm]?[jt]sx?)$/;
const MAX_IMPL = 4;
const MAX_PROOF = 6;

interface Requirement { id: string; title: string; wave: string; section: string }

function readRequirements(): Requirement[] {
  const reqs: Requirement[] = [];
  let wave = '';
  let section = '';
  for (const line of readFileSync(join(ROOT, 'docs', 'requirements.md'), 'utf8').split('\n')) {
    if (line.startsWith('## ')) wave = line.slice(3).trim();
    else if (line.startsWith('### ')) section = line.slice(4).trim();
    const item = /^- \*\*([A-Z]\d{1,2})\*\* (?:\*([^*]+)\*)?(.*)$/.exec(line);
    const row = /^\| \*\*([A-Z]\d{1,2})\*\* \| (.*?) \| (.*?) \|$/.exec(line);
    if (item) reqs.push({ id: item[1]!, title: (item[2] ?? item[3]!).replace(/\.$/, '').trim(), wave, section });
    else if (row) reqs.push({ id: row[1]!, title: `${row[2]}: ${row[3]}`, wave, section });
  }
  return reqs;
}

function walk(dir: string, out: string[]): string[] {
  let names: string[];
  try { names = readdirSync(dir); } catch { return out; }
  for (const name of names.sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) { if (!SKIP_DIRS.has(name)) walk(full, out); }
    else if (CODE.test(name)) out.push(relative(ROOT, full).split(sep).join('/'));
  }
  return out;
}

type Kind = 'source' | 'test' | 'chaos' | 'bench';
function kindOf(path: string): Kind {
  if (path.startsWith('bench/')) return 'bench';
  if (path.startsWith('chaos/')) return 'chaos';
  if (/\.(?:test|spec)\.[cm]?[jt]sx?$/.test(path) || /^(?:test|e2e|sim\/test)\//.test(path)) return 'test';
  return 'source';
}

const ID = /\b([A-Z]\d{1,2})\b/g;
/** A range such as "L1–L6" or "B1-5" cites every id in it. */
const RANGE = /\b([A-Z])(\d{1,2})\s?[–-]\s?\1?(\d{1,2})\b/g;
const expandRanges = (text: string): string =>
  text.replace(RANGE, (all, letter: string, from: string, to: string) => {
    const [a, b] = [Number(from), Number(to)];
    if (b <= a || b - a > 20) return all;
    return Array.from({ length: b - a + 1 }, (_, i) => `${letter}${a + i}`).join(', ');
  });
const SKIP_LINE = [/\bd=["'{]/, /\bpoints=/, /\bC0\b/];

/** Ids cited in one piece of text (a line, or a test name), look-alikes left out. */
function idsIn(text: string, known: Set<string>, isTitle = false): string[] {
  if (SKIP_LINE.some((re) => re.test(text))) return [];
  text = expandRanges(text);
  const found: string[] = [];
  const isComment = /^\s*(?:\/\/|\/\*|\*)/.test(text);
  for (const m of text.matchAll(ID)) {
    const id = m[1]!;
    if (!known.has(id)) continue;
    const before = text.slice(0, m.index);
    const after = text.slice(m.index + id.length);
    const prev = before.at(-1) ?? '';
    const next = after[0] ?? '';
    if (prev !== '' && `'"\``.includes(prev) && next === prev) continue; // quoted data: 'S5'
    if (prev === '#' || prev === '.' || /[a-z]\/$/.test(before)) continue; // #E1, x.P1, /history/P1
    if (!isTitle && !isComment && !before.includes('//') && /(?:^|[{,])\s*$/.test(before) && /^\s*:/.test(after)) continue; // { P1: … }
    found.push(id);
  }
  return found;
}

/** Test names (it/test/describe/suite, with modifiers such as .skip or test.describe) and their text. */
const TITLE = /(?<![\w$.])(?:it|test|describe|suite)(?:\.\w+)*\s*\(\s*(['"`])((?:\\[\s\S]|(?!\1)[^\\])*)\1/g;

interface Hits { impl: Map<string, number>; proof: Map<string, number>; testMentions: Set<string> }

function scan(files: string[], known: Set<string>): Map<string, Hits> {
  const hits = new Map<string, Hits>();
  const at = (id: string): Hits => {
    let h = hits.get(id);
    if (!h) hits.set(id, (h = { impl: new Map(), proof: new Map(), testMentions: new Set() }));
    return h;
  };
  const add = (m: Map<string, number>, path: string): void => { m.set(path, (m.get(path) ?? 0) + 1); };
  for (const path of files) {
    const text = readFileSync(join(ROOT, path), 'utf8');
    const kind = kindOf(path);
    if (kind === 'test') {
      for (const m of text.matchAll(TITLE)) for (const id of idsIn(m[2]!, known, true)) add(at(id).proof, path);
      for (const line of text.split('\n')) for (const id of idsIn(line, known)) at(id).testMentions.add(path);
      continue;
    }
    for (const line of text.split('\n')) {
      for (const id of idsIn(line, known)) {
        if (kind === 'source') add(at(id).impl, path);
        else if ((kind === 'bench') === id.startsWith('P')) add(at(id).proof, path);
      }
    }
  }
  return hits;
}

/** Paths by citation count (most first), then by name; the rest summarised as "+N more". */
function list(m: Map<string, number> | undefined, max: number): string {
  const paths = [...(m ?? new Map<string, number>()).entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([p]) => `\`${p}\``);
  if (paths.length <= max) return paths.join(', ');
  return `${paths.slice(0, max).join(', ')} +${paths.length - max} more`;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

function main(): void {
  const reqs = readRequirements();
  const known = new Set(reqs.map((r) => r.id));
  const files = SCAN.flatMap((d) => walk(join(ROOT, d), []));
  const hits = scan(files, known);
  const out: string[] = [
    '# Requirement map',
    '',
    '<!-- Generated by scripts/requirement-map.ts; do not edit by hand. -->',
    'Generated from the repository by `npx tsx scripts/requirement-map.ts > docs/requirement-map.md`;',
    'regenerate it after moving files. Ids and titles come from [requirements.md](requirements.md).',
    '',
    `- **implemented in**: files under \`src/\` and \`sim/\` (tests left out) that cite the id; at most ${MAX_IMPL}, most citations first.`,
    '- **proved by**: test files with the id in a test name (`it`, `test`, `describe`) and chaos/ files that',
    '  cite it; for P ids, the bench/ files that cite it. At most ' + MAX_PROOF + ', most citations first.',
    '  A mention in a test file\'s comments is not counted; such files are named in the last section.',
    '',
  ];
  const untested: Requirement[] = [];
  let wave = '';
  let section = '';
  for (const r of reqs) {
    if (r.wave !== wave) out.push(...(wave ? [''] : []), `## ${(wave = r.wave)}`);
    if (r.section !== section) {
      out.push('', `### ${(section = r.section)}`, '', '| id | requirement | implemented in | proved by |', '|---|---|---|---|');
    }
    const h = hits.get(r.id);
    const proof = h && h.proof.size > 0 ? list(h.proof, MAX_PROOF) : 'not cited by any test';
    if (!h || h.proof.size === 0) untested.push(r);
    const impl = h && h.impl.size > 0 ? list(h.impl, MAX_IMPL) : '—';
    out.push(`| **${r.id}** | ${cell(r.title)} | ${impl} | ${proof} |`);
  }
  out.push('', `## Not cited by any test (${untested.length} of ${reqs.length})`);
  for (const w of [...new Set(reqs.map((r) => r.wave))]) {
    const ids = untested.filter((r) => r.wave === w);
    out.push('', `${w}: ${ids.length} of ${reqs.filter((r) => r.wave === w).length}`, '');
    if (ids.length === 0) out.push('- none');
    for (const r of ids) {
      const h = hits.get(r.id);
      const notes: string[] = [];
      if (h && h.impl.size > 0) notes.push(`cited in ${h.impl.size} source file${h.impl.size > 1 ? 's' : ''}`);
      if (h && h.testMentions.size > 0) notes.push(`named outside test names in ${[...h.testMentions].sort().map((p) => `\`${p}\``).join(', ')}`);
      if (!h) notes.push('cited nowhere yet');
      out.push(`- **${r.id}** ${r.title}${notes.length ? ` (${notes.join('; ')})` : ''}`);
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}

main();
