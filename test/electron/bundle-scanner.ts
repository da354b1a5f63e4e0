/**
 * Issue 7: checks the BUILT main and preload bundles for the E1 settings. The source can be
 * right while the bundle is not (a bundler option, a plugin, a stale copy), so the text that
 * ships is what gets read. Works on readable and minified output alike: booleans may be
 * `true`/`false` or `!0`/`!1`, keys quoted or not, strings in either quote.
 */

export interface Finding {
  /** The E1 setting that regressed, e.g. `sandbox`, `CSP`, `window-open denial`. */
  setting: string;
  problem: string;
}

/** webPreferences the console relies on, with the value each must have everywhere it is set. */
export const REQUIRED_PREFERENCES: Readonly<Record<string, boolean>> = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webviewTag: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
};

/** Drops block comments and whole-line `//` comments, so a comment cannot satisfy or fail a check. */
export function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

function literalValue(token: string): boolean | 'dynamic' {
  const t = token.replace(/\s+/g, '');
  if (t === 'true' || t === '!0' || t === '!!1') return true;
  if (t === 'false' || t === '!1' || t === '!!0') return false;
  return 'dynamic';
}

const VALUE = String.raw`(!!?[01]|true|false|[^,;}\s)]+)`;

/** Every value a key is given in the bundle: as an object-literal key and by assignment (`x.sandbox = …`). */
export function valuesOf(text: string, key: string): { token: string; value: boolean | 'dynamic' }[] {
  const found: { token: string; value: boolean | 'dynamic' }[] = [];
  const property = new RegExp(String.raw`(?<![\w$.])["']?${key}["']?\s*:\s*${VALUE}`, 'g');
  const assignment = new RegExp(String.raw`(?:\.${key}|\[["']${key}["']\])\s*=(?!=)\s*${VALUE}`, 'g');
  for (const pattern of [property, assignment]) {
    for (const match of text.matchAll(pattern)) found.push({ token: match[0], value: literalValue(match[1] ?? '') });
  }
  return found;
}

function has(text: string, pattern: RegExp): boolean {
  return pattern.test(text);
}

/** The string literals of the bundle that look like a CSP (they carry `default-src`). */
export function cspLiterals(text: string): string[] {
  const literals: string[] = [];
  for (const match of text.matchAll(/"((?:[^"\\\n]|\\.)*default-src(?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*default-src(?:[^'\\\n]|\\.)*)'|`([^`]*default-src[^`]*)`/g)) {
    literals.push((match[1] ?? match[2] ?? match[3] ?? '').replace(/\\(['"`\\])/g, '$1'));
  }
  return literals;
}

/** Why a CSP is not strict enough, or null. */
export function cspWeakness(policy: string): string | null {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  const script = directives.get('script-src') ?? directives.get('default-src');
  if (!script || script.join(' ') !== "'self'") return `script-src is ${JSON.stringify(script?.join(' ') ?? '(missing)')}, not 'self'`;
  if (directives.get('object-src')?.join(' ') !== "'none'") return "object-src is not 'none'";
  if (directives.get('default-src')?.join(' ') !== "'self'") return "default-src is not 'self'";
  for (const [name, sources] of directives) {
    if (sources.includes("'unsafe-eval'")) return `${name} allows 'unsafe-eval'`;
    for (const source of sources) {
      if (!/^('[a-z-]+'|data:|blob:)$/.test(source)) return `${name} allows the remote source ${source}`;
    }
  }
  return null;
}

/** Findings for the built main bundle (out/main/index.js); empty when every E1 setting is in place. */
export function scanMainBundle(bundle: string, expectedCsp: string): Finding[] {
  const text = stripComments(bundle);
  const findings: Finding[] = [];
  const add = (setting: string, problem: string) => findings.push({ setting, problem });

  if (!has(text, /\bwebPreferences\s*:/)) add('webPreferences', 'no webPreferences object in the main bundle');
  for (const [key, expected] of Object.entries(REQUIRED_PREFERENCES)) {
    const values = valuesOf(text, key);
    if (values.length === 0) add(key, `${key} is not set; it must be spelled out as ${expected}`);
    for (const { token, value } of values) {
      if (value !== expected) add(key, `${key} must be ${expected}, the bundle has \`${token}\``);
    }
  }

  if (!has(text, /\.enableSandbox\s*\(\s*\)/)) add('sandbox', 'app.enableSandbox() is never called, so renderers other than the console window may run unsandboxed');

  const csps = cspLiterals(text);
  if (!csps.includes(expectedCsp)) add('CSP', `the CSP constant is missing from the bundle (found ${csps.length} other CSP-like strings)`);
  for (const policy of csps) {
    const weak = cspWeakness(policy);
    if (weak) add('CSP', `${weak}: ${JSON.stringify(policy)}`);
  }
  if (!has(text, /["'`]Content-Security-Policy["'`]/) || !has(text, /\bonHeadersReceived\b/)) add('CSP', 'the CSP is not set as a response header (onHeadersReceived)');

  if (!has(text, /\bsetWindowOpenHandler\s*\(/)) add('window-open denial', 'setWindowOpenHandler is never called');
  if (!has(text, /["']?action["']?\s*:\s*["']deny["']/)) add('window-open denial', 'no `action: "deny"` answer for new windows');
  if (has(text, /["']?action["']?\s*:\s*["']allow["']/)) add('window-open denial', 'a window-open handler answers `action: "allow"`');

  for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate', 'will-attach-webview', 'web-contents-created']) {
    if (!text.includes(`"${event}"`) && !text.includes(`'${event}'`)) add('navigation guard', `no listener for "${event}"`);
  }
  if (!has(text, /\.preventDefault\s*\(/)) add('navigation guard', 'nothing calls preventDefault');

  if (!has(text, /\.senderFrame\b/)) add('IPC sender check', 'the IPC handler never looks at event.senderFrame');
  if (!has(text, /\.parent\s*[!=]==?\s*null/)) add('IPC sender check', 'no top-frame check (senderFrame.parent === null)');
  if (!has(text, /\.sender\s*[!=]==?/)) add('IPC sender check', 'the IPC handler never compares event.sender with the console window');
  if (!has(text, /["']unauthorized["']/)) add('IPC sender check', "no 'unauthorized' refusal");

  if (!has(text, /\bsetPermissionRequestHandler\s*\(/) || !has(text, /\bsetPermissionCheckHandler\s*\(/)) {
    add('permissions', 'the permission request and check handlers are not both installed');
  }
  return findings;
}

/** Findings for the built preload bundle (out/preload/index.js). */
export function scanPreloadBundle(bundle: string, channels: readonly string[]): Finding[] {
  const text = stripComments(bundle);
  const findings: Finding[] = [];
  const add = (setting: string, problem: string) => findings.push({ setting, problem });

  const required = [...text.matchAll(/\brequire\s*\(\s*(["'`])([^"'`]*)\1\s*\)/g)].map((m) => m[2]);
  const others = required.filter((name) => name !== 'electron');
  if (others.length > 0) add('preload requires only electron', `the preload requires ${others.map((n) => JSON.stringify(n)).join(', ')}`);
  if (!required.includes('electron')) add('preload requires only electron', 'the preload does not require electron');
  if (has(text, /\brequire\s*\(\s*[^"'`\s)]/) || has(text, /(^|[^\w$.])import\s*[({"'\w*]/m)) add('preload requires only electron', 'the preload loads modules by import or a computed require');

  const exposures = [...text.matchAll(/\bexposeInMainWorld\s*\(/g)].length;
  if (exposures !== 1) add('preload exposes one API', `exposeInMainWorld is called ${exposures} times, expected once`);
  if (has(text, /\bexposeInMainWorld\s*\([^,]+,\s*[\w$.]*ipcRenderer\s*\)/)) add('preload exposes one API', 'ipcRenderer itself is exposed to the page');

  for (const match of text.matchAll(/["'`](comfyfleet:[^"'`]*)["'`]/g)) {
    if (!channels.includes(match[1] ?? '')) add('preload channels', `the preload uses the channel ${JSON.stringify(match[1])}, which is not in IPC_CHANNELS`);
  }
  return findings;
}

export function describeFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `E1 regressed: ${f.setting} — ${f.problem}`).join('\n');
}
