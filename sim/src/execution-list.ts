import { isLink } from './output-cache';
import { isDict, keysOf, type Dict } from './py-json';

/**
 * `comfy_execution.graph.ExecutionList`: which node runs next. Nodes are added by a
 * depth-first walk from each output (skipping cached inputs), and among ready nodes the
 * pick prefers outputs, then nodes one or two links away from an output, else the first
 * ready node in insertion order. Reproducing this keeps the order of `executing` frames
 * identical to a real server.
 */
export class ExecutionList {
  private readonly pending = new Map<string, true>();
  private readonly blockCount = new Map<string, number>();
  private readonly blocking = new Map<string, Map<string, Set<number>>>();

  constructor(
    private readonly prompt: Dict,
    private readonly isCached: (nodeId: string) => boolean,
    private readonly isOutput: (nodeId: string) => boolean,
  ) {}

  addNode(nodeId: string): void {
    const stack = [nodeId];
    const links: [string, number, string][] = [];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (this.pending.has(id)) continue;
      this.pending.set(id, true);
      this.blockCount.set(id, 0);
      this.blocking.set(id, new Map());
      const inputs = (this.prompt[id] as Dict)['inputs'];
      if (!isDict(inputs)) continue;
      for (const name of keysOf(inputs)) {
        const value = inputs[name];
        if (!isLink(value) || !Object.prototype.hasOwnProperty.call(this.prompt, value[0])) continue;
        if (!this.isCached(value[0])) stack.push(value[0]);
        links.push([value[0], value[1], id]);
      }
    }
    for (const [from, socket, to] of links) this.addStrongLink(from, socket, to);
  }

  private addStrongLink(from: string, socket: number, to: string): void {
    if (this.isCached(from)) return;
    this.addNode(from);
    const blocked = this.blocking.get(from) as Map<string, Set<number>>;
    let sockets = blocked.get(to);
    if (!sockets) {
      sockets = new Set();
      blocked.set(to, sockets);
      this.blockCount.set(to, (this.blockCount.get(to) ?? 0) + 1);
    }
    sockets.add(socket);
  }

  isEmpty(): boolean {
    return this.pending.size === 0;
  }

  /** The next node to run, or null when nothing is ready (a cycle). */
  stage(): string | null {
    const ready = [...this.pending.keys()].filter((id) => this.blockCount.get(id) === 0);
    if (ready.length === 0) return null;
    for (const id of ready) if (this.isOutput(id)) return id;
    const blockedBy = (id: string): string[] => [...(this.blocking.get(id)?.keys() ?? [])];
    for (const id of ready) if (blockedBy(id).some((b) => this.isOutput(b))) return id;
    for (const id of ready) if (blockedBy(id).some((b) => blockedBy(b).some((b1) => this.isOutput(b1)))) return id;
    return ready[0] as string;
  }

  complete(nodeId: string): void {
    this.pending.delete(nodeId);
    for (const blocked of this.blocking.get(nodeId)?.keys() ?? []) {
      this.blockCount.set(blocked, (this.blockCount.get(blocked) ?? 0) - 1);
    }
    this.blocking.delete(nodeId);
  }
}
