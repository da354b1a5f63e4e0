import type { FleetApi } from '../../../shared/api';
import { bridgeUrl, takeBridgeToken } from './bridge-url';
import { staticConnection, type ConnectionSource } from './connection';
import { createElectronApi } from './electron-api';
import { openBrowserSocket } from './socket';
import { createWsFleetApi } from './ws-api';

export interface HostApi {
  host: 'electron' | 'headless';
  api: FleetApi;
  connection: ConnectionSource;
}

/**
 * Picks the transport by what the page was given, not by asking where it runs: Electron's
 * preload defines `window.comfyfleet`; a page served by the headless host has none and reaches
 * the engine over the same-origin bridge.
 */
export function createHostApi(win: Window): HostApi {
  const bridge = win.comfyfleet;
  if (bridge) {
    // IPC to main cannot drop, so the engine link is open for the life of the window.
    return { host: 'electron', api: createElectronApi(bridge), connection: staticConnection({ status: 'open', since: Date.now() }) };
  }
  const ws = createWsFleetApi({ url: bridgeUrl(win.location, takeBridgeToken(win)), openSocket: openBrowserSocket });
  return { host: 'headless', api: ws, connection: ws.connection };
}
