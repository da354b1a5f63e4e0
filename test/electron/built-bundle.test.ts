import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../src/shared/transport';
import { CONTENT_SECURITY_POLICY } from '../../src/main/window-options';
import { describeFindings, scanMainBundle, scanPreloadBundle } from './bundle-scanner';

vi.mock('electron', () => ({}));

const ROOT = join(__dirname, '../..');
const MAIN = join(ROOT, 'out/main/index.js');
const PRELOAD = join(ROOT, 'out/preload/index.js');
const CHANNELS = Object.values(IPC_CHANNELS);

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** A missing build, or one older than the main/preload sources, would check the wrong text. */
function buildIsCurrent(): boolean {
  if (!existsSync(MAIN) || !existsSync(PRELOAD)) return false;
  const built = Math.min(statSync(MAIN).mtimeMs, statSync(PRELOAD).mtimeMs);
  return ['src/main', 'src/preload', 'src/shared', 'src/headless', 'src/demo', 'sim/src'].every((dir) => newestSource(join(ROOT, dir)) <= built);
}

let main = '';
let preload = '';

beforeAll(() => {
  if (!buildIsCurrent()) {
    // The same build `npm test` runs before the unit tests; electron-vite needs no Electron binary.
    const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
    // Main and preload are built before the renderer, so a renderer that does not build yet
    // (someone else's work in progress) still leaves current bundles to check here.
    if (!buildIsCurrent()) {
      throw new Error(`npx electron-vite build did not produce current out/main and out/preload bundles (exit ${build.status}); fix the build and rerun:\n${(build.stderr + build.stdout).slice(-4000)}`);
    }
  }
  main = readFileSync(MAIN, 'utf8');
  preload = readFileSync(PRELOAD, 'utf8');
}, 180_000);

describe('Issue 7: the built Electron bundles keep E1', () => {
  it('out/main/index.js: isolation, sandbox, no node, no webview, CSP, window-open denial, navigation guard, IPC sender check', () => {
    const findings = scanMainBundle(main, CONTENT_SECURITY_POLICY);
    expect(findings, describeFindings(findings)).toEqual([]);
  });

  it('out/preload/index.js: requires only electron, exposes one API, uses only the contract channels', () => {
    const findings = scanPreloadBundle(preload, CHANNELS);
    expect(findings, describeFindings(findings)).toEqual([]);
  });
});

describe('the Electron main bundle carries the simulator only for the demo', () => {
  // A string of sim/src/pixel-pool.ts that survives minification.
  const SIM_MARK = 'no pixel-worker entry next to the simulator';

  it('M3: out/main/index.js holds no simulator; the demo fleet is a chunk of its own, required on start, its pixel worker one folder up', () => {
    expect(main).not.toContain(SIM_MARK);
    const lazy = /\.then\(\(\)\s*=>\s*require\("\.\/(chunks\/demo-fleet-[\w-]+\.js)"\)\)/.exec(main);
    expect(lazy, 'the demo launcher loads the demo fleet by import()').not.toBeNull();
    const chunk = join(ROOT, 'out/main', lazy![1]!);
    expect(readFileSync(chunk, 'utf8')).toContain(SIM_MARK);
    // sim/src/pixel-pool.ts looks next to its chunk, then one folder up.
    expect(existsSync(join(dirname(chunk), '..', 'pixel-worker.js'))).toBe(true);
  });
});

/** The scanner must be able to fail: each mutation of the real bundle is reported by name. */
describe('bundle scanner', () => {
  const settings = (text: string) => [...new Set(scanMainBundle(text, CONTENT_SECURITY_POLICY).map((f) => f.setting))];
  /** What a minifier does to booleans and spacing, so both forms are covered. */
  const minified = () => main.replace(/\btrue\b/g, '!0').replace(/\bfalse\b/g, '!1').replace(/\s*:\s*(!0|!1)/g, ':$1');

  it('passes the minified form of the same bundle', () => {
    expect(minified()).toContain('sandbox:!0');
    expect(scanMainBundle(minified(), CONTENT_SECURITY_POLICY)).toEqual([]);
  });

  it('reports sandbox when sandbox:!0 becomes sandbox:!1', () => {
    expect(settings(minified().replace('sandbox:!0', 'sandbox:!1'))).toEqual(['sandbox']);
  });

  it('reports each regressed preference, in readable and minified form, also when set by assignment or from a variable', () => {
    expect(settings(main.replace(/contextIsolation: true/, 'contextIsolation: false'))).toEqual(['contextIsolation']);
    expect(settings(main.replace(/nodeIntegration: false/, 'nodeIntegration: true'))).toEqual(['nodeIntegration']);
    expect(settings(minified().replace('webviewTag:!1', 'webviewTag:!0'))).toEqual(['webviewTag']);
    expect(settings(main.replace(/contextIsolation: true/, 'contextIsolation: isolate'))).toEqual(['contextIsolation']);
    expect(settings(`${main}\nprefs.sandbox = false;`)).toEqual(['sandbox']);
    expect(settings(main.replace(/\s*sandbox: true,/, ''))).toEqual(['sandbox']);
    expect(settings(main.replace(/\.enableSandbox\(\)/g, '.getName()'))).toEqual(['sandbox']);
  });

  it('is not fooled by a comment', () => {
    expect(settings(`${main.replace(/sandbox: true/, 'sandbox: false')}\n/* sandbox: true */`)).toEqual(['sandbox']);
  });

  it('reports the CSP, the window-open denial, the navigation guard and the IPC sender check', () => {
    expect(settings(main.replace(`script-src 'self';`, `script-src 'self' 'unsafe-eval';`))).toContain('CSP');
    expect(settings(main.replace(/onHeadersReceived/g, 'onCompleted'))).toEqual(['CSP']);
    expect(settings(main.replace(/\.setWindowOpenHandler\(/g, '.setOpenHandler('))).toEqual(['window-open denial']);
    expect(settings(main.replace(/action: "deny"/g, 'action: "allow"'))).toEqual(['window-open denial']);
    expect(settings(main.replace(/"will-navigate"/g, '"did-navigate"'))).toEqual(['navigation guard']);
    expect(settings(main.replace(/\.senderFrame\b/g, '.frame'))).toEqual(['IPC sender check']);
    expect(settings(main.replace(/setPermissionCheckHandler/g, 'setSomethingElse'))).toEqual(['permissions']);
  });

  it('reports a preload that requires more than electron, exposes ipcRenderer or uses a foreign channel', () => {
    const preloadSettings = (text: string) => [...new Set(scanPreloadBundle(text, CHANNELS).map((f) => f.setting))];
    expect(preloadSettings(`const fs = require("fs");\n${preload}`)).toEqual(['preload requires only electron']);
    expect(preloadSettings(`${preload}\nelectron.contextBridge.exposeInMainWorld("ipc", electron.ipcRenderer);`)).toEqual(['preload exposes one API']);
    expect(preloadSettings(preload.replace('"comfyfleet:event"', '"comfyfleet:anything"'))).toEqual(['preload channels']);
  });
});
