import type { IpcRendererEvent } from 'electron';
import { contextBridge, ipcRenderer } from 'electron';
import type { HostEvent } from '../shared/fleet';
import type { PreloadBridge } from '../shared/transport';
import { IPC_CHANNELS } from '../shared/transport';

/** Exposes the two channels of the contract and nothing else: never ipcRenderer itself. */
const bridge: PreloadBridge = {
  call: (name, args) => ipcRenderer.invoke(IPC_CHANNELS.call, name, args),
  onEvent: (listener) => {
    const handler = (_event: IpcRendererEvent, hostEvent: HostEvent) => listener(hostEvent);
    ipcRenderer.on(IPC_CHANNELS.event, handler);
    return () => {
      ipcRenderer.removeListener(IPC_CHANNELS.event, handler);
    };
  },
};

contextBridge.exposeInMainWorld('comfyfleet', bridge);
