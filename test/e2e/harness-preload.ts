// Stands in for preload/preload.ts inside Chromium: the same bridge code (buildVaultApi) builds
// window.vault, over a Playwright binding instead of Electron's IPC. Bundled by harness.ts.
import type { BridgeEvent } from '../../bridge/channels.ts';
import { buildVaultApi, type BridgeReply } from '../../bridge/vault-api.ts';

interface HarnessWindow {
  __vaultInvoke(channel: string, input: unknown): Promise<BridgeReply>;
  __vaultEmit?: (event: string, payload: unknown) => void;
  __droppedPaths: Record<string, string>;
  vault: unknown;
}

const target = window as unknown as HarnessWindow;
const listeners = new Map<string, Set<(payload: unknown) => void>>();
target.__droppedPaths = {};
target.__vaultEmit = (event, payload) => {
  for (const listener of listeners.get(event) ?? []) listener(payload);
};
target.vault = buildVaultApi({
  invoke: (channel, input) => target.__vaultInvoke(channel, input),
  subscribe: (event: BridgeEvent, listener) => {
    const set = listeners.get(event) ?? new Set();
    set.add(listener);
    listeners.set(event, set);
    return () => set.delete(listener);
  },
  // Electron's webUtils knows a dropped file's path; here the test registers it by name.
  pathForFile: (file) => (file instanceof File ? (target.__droppedPaths[file.name] ?? null) : null),
});
