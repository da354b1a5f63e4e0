import type { PreloadBridge } from '../shared/transport';

declare global {
  interface Window {
    /** Present only in the Electron desktop host. */
    comfyfleet?: PreloadBridge;
  }
}
