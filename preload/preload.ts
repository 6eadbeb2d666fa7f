import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { BridgeEvent } from '../bridge/channels.ts';
import { buildVaultApi, type BridgeReply } from '../bridge/vault-api.ts';

// The preload exposes exactly the bridge table and nothing else. The path of a dropped file can
// only be read here (webUtils), so the bridge's transport carries it.
const vault = buildVaultApi(
  {
    invoke: (channel, input) => ipcRenderer.invoke(channel, input) as Promise<BridgeReply>,
    subscribe: (event: BridgeEvent, listener) => {
      const forward = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(event, forward);
      return () => ipcRenderer.removeListener(event, forward);
    },
    pathForFile: (file) => (file instanceof File ? webUtils.getPathForFile(file) || null : null),
  },
  { plainErrors: true },
);

contextBridge.exposeInMainWorld('vault', vault);
