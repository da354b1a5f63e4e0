import { createHash } from 'node:crypto';
import type { NodeDef } from './nodes';
import { isDict, keysOf, toPyJson, type Dict } from './py-json';

/**
 * ComfyUI's default ("classic") output cache. Entries are keyed by an input signature:
 * class type plus inputs, with links replaced by the upstream node's signature, so the same
 * sub-graph resubmitted (even under other node ids) is reused. Like `HierarchicalCache`
 * with `clean_unused`, starting a prompt drops every entry the new prompt cannot use.
 */

export interface UiEntry {
  meta: Dict;
  output: Dict;
}

export interface CacheEntry {
  /** One value per RETURN_TYPES slot. */
  outputs: unknown[];
  ui: UiEntry | null;
}

export function isLink(v: unknown): v is [string, number] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number';
}

export class OutputCache {
  private entries = new Map<string, CacheEntry>();
  private signatures = new Map<string, string>();
  private changeCounter = 0;

  /** `set_prompt` + `clean_unused`. */
  setPrompt(prompt: Dict, catalogue: Record<string, NodeDef>): void {
    const signatures = new Map<string, string>();
    const changeTokens = new Map<string, string>();
    const signature = (id: string, depth: number): string => {
      const known = signatures.get(id);
      if (known) return known;
      const node = prompt[id] as Dict;
      const classType = node['class_type'] as string;
      const def = catalogue[classType];
      let changed = 'False';
      if (def?.alwaysChanged) {
        changed = changeTokens.get(id) ?? `changed-${++this.changeCounter}`;
        changeTokens.set(id, changed);
      }
      const inputs = isDict(node['inputs']) ? node['inputs'] : {};
      const parts: string[] = [toPyJson(classType), changed];
      for (const key of keysOf(inputs).sort()) {
        const value = inputs[key];
        // A cycle cannot pass validation; the depth cap only guards against a broken graph.
        if (isLink(value) && Object.prototype.hasOwnProperty.call(prompt, value[0]) && depth < 1000) {
          parts.push(`${toPyJson(key)}:ANCESTOR(${signature(value[0], depth + 1)},${value[1]})`);
        } else parts.push(`${toPyJson(key)}:${toPyJson(value)}`);
      }
      const sig = createHash('sha1').update(parts.join('|')).digest('hex');
      signatures.set(id, sig);
      return sig;
    };
    for (const id of keysOf(prompt)) signature(id, 0);
    this.signatures = signatures;
    const live = new Set(signatures.values());
    for (const key of [...this.entries.keys()]) if (!live.has(key)) this.entries.delete(key);
  }

  get(nodeId: string): CacheEntry | undefined {
    const sig = this.signatures.get(nodeId);
    return sig === undefined ? undefined : this.entries.get(sig);
  }

  set(nodeId: string, entry: CacheEntry): void {
    const sig = this.signatures.get(nodeId);
    if (sig !== undefined) this.entries.set(sig, entry);
  }

  /** `POST /free {"free_memory": true}` resets the executor, caches included. */
  clear(): void {
    this.entries.clear();
  }
}
