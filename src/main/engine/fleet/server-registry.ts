import type { ServerConfig, ServerId } from '../../../shared/fleet';

/**
 * Where the fleet keeps its server list (F1). The fleet monitor gets only this port, not the
 * whole store (BullMQ's small-context lesson); both stores of the task ledger implement it.
 */
export interface ServerRegistry {
  /** Every saved server, in the order they were added. */
  listServers(): Promise<ServerConfig[]>;
  /** Insert or replace by id. */
  saveServer(server: ServerConfig): Promise<void>;
  /** Removing an unknown id is not an error. */
  deleteServer(id: ServerId): Promise<void>;
}

/** For tests and for a console started without a data folder. */
export class InMemoryServerRegistry implements ServerRegistry {
  private readonly servers = new Map<ServerId, ServerConfig>();

  async listServers(): Promise<ServerConfig[]> {
    return [...this.servers.values()].sort((a, b) => a.addedAt - b.addedAt).map((s) => ({ ...s, tags: [...s.tags] }));
  }

  async saveServer(server: ServerConfig): Promise<void> {
    this.servers.set(server.id, { ...server, tags: [...server.tags] });
  }

  async deleteServer(id: ServerId): Promise<void> {
    this.servers.delete(id);
  }
}
