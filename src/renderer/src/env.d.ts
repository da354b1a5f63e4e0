/// <reference types="vite/client" />
import type { PreloadBridge } from '../../shared/transport';

declare global {
  interface Window {
    /** Present only under Electron (set by the preload); absent in the headless host's browser page. */
    comfyfleet?: PreloadBridge;
  }
}

export {};
