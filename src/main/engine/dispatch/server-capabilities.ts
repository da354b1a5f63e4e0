import type { ServerId, ServerView } from '../../../shared/fleet';
import type { ComfyClient } from '../comfy/comfy-client';
import type { Clock } from '../core/clock';
import { messageOf } from '../core/error-message';
import type { Logger } from '../core/logger';
import type { ServerBook } from './server-book';

/** `/object_info` is read again after this long (B5). */
export const DEFAULT_CAPABILITIES_TTL_MS = 5 * 60_000;

export interface CapabilityReaderDeps {
  fleet: { get(id: ServerId): ServerView | undefined; clientFor(id: ServerId): Pick<ComfyClient, 'objectInfo'> };
  book: Pick<ServerBook, 'capabilitiesAge' | 'setCapabilities'>;
  clock: Clock;
  log: Logger;
  ttlMs?: number;
}

/**
 * B5: reads what a server offers (node classes, model files) into the server book when
 * placement needs it and the book's copy is missing or stale; at most one read in flight per
 * server. The book tells placement when it arrives.
 */
export class CapabilityReader {
  private readonly reading = new Set<ServerId>();
  private readonly ttlMs: number;

  constructor(private readonly deps: CapabilityReaderDeps) {
    this.ttlMs = deps.ttlMs ?? DEFAULT_CAPABILITIES_TTL_MS;
  }

  request(serverId: ServerId): void {
    const server = this.deps.fleet.get(serverId);
    if (!server || this.reading.has(serverId)) return;
    if (this.deps.book.capabilitiesAge(serverId, this.deps.clock.now()) < this.ttlMs) return;
    this.reading.add(serverId);
    void this.deps.fleet
      .clientFor(serverId)
      .objectInfo()
      .then(
        (info) => this.deps.book.setCapabilities(serverId, { nodeClasses: new Set(info.nodeClasses), models: new Set(info.models) }, this.deps.clock.now()),
        (err: unknown) => this.deps.log.verbose(`server "${server.name}": reading /object_info failed: ${messageOf(err)}`),
      )
      .finally(() => this.reading.delete(serverId));
  }
}
