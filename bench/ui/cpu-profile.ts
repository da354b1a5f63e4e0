import type { Page } from '@playwright/test';
import { sleep } from '../support';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface HotFunction {
  name: string;
  /** ms of samples in the function itself, and in it or anything it called. */
  selfMs: number;
  totalMs: number;
}

/**
 * Diagnosis only (P5_PROFILE=1), never during a measured window: samples the page's JavaScript
 * with the V8 profiler for `seconds` and returns where the main thread's script time went,
 * by self time and by inclusive time (React components show up under their own names in an
 * unminified build).
 */
export async function profilePage(page: Page, seconds: number): Promise<{ self: HotFunction[]; total: HotFunction[]; components: HotFunction[]; scriptMs: number }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    await sleep(seconds * 1000);
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    return summarise(profile);
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function summarise(p: Profile): { self: HotFunction[]; total: HotFunction[]; components: HotFunction[]; scriptMs: number } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) => {
    const f = n.callFrame;
    const file = f.url.replace(/^.*\//, '');
    return `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let scriptMs = 0;
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // A sample's time is the gap to the next one.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const leaf = byId.get(samples[i] as number);
    if (!leaf) continue;
    const leafName = label(leaf);
    self.set(leafName, (self.get(leafName) ?? 0) + ms);
    if (!IDLE.has(leaf.callFrame.functionName)) scriptMs += ms;
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id);
      if (!n || IDLE.has(n.callFrame.functionName)) continue;
      const name = label(n);
      if (seen.has(name)) continue; // recursion counts once
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + ms);
    }
  }
  const top = (m: Map<string, number>, other: Map<string, number>, isSelf: boolean, only: (name: string) => boolean = () => true) =>
    [...m.entries()]
      .filter(([name]) => !IDLE.has(name) && only(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([name, ms]) => (isSelf ? { name, selfMs: ms, totalMs: other.get(name) ?? ms } : { name, selfMs: other.get(name) ?? 0, totalMs: ms }));
  // React components are the capitalised functions (the build keeps their names).
  const component = (name: string) => /^[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]* /.test(name);
  return { self: top(self, total, true), total: top(total, self, false), components: top(total, self, false, component).slice(0, 10), scriptMs };
}
