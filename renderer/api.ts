import type { VaultApi } from '../bridge/vault-api.ts';

declare global {
  interface Window {
    /** Built by preload from bridge/channels.ts; see bridge/vault-api.ts. */
    vault: VaultApi;
  }
}

/**
 * The renderer's one door to main: the only module that reads `window.vault` (lint enforces
 * it). Reads are lazy so importing the store never touches `window` — the unit tests run in
 * Node and install a stand-in first.
 */
export const api = {
  get engine(): VaultApi['engine'] {
    return window.vault.engine;
  },
  get session(): VaultApi['session'] {
    return window.vault.session;
  },
  get files(): VaultApi['files'] {
    return window.vault.files;
  },
  get devices(): VaultApi['devices'] {
    return window.vault.devices;
  },
  get pairing(): VaultApi['pairing'] {
    return window.vault.pairing;
  },
  get vault(): VaultApi['vault'] {
    return window.vault.vault;
  },
  get storage(): VaultApi['storage'] {
    return window.vault.storage;
  },
  get account(): VaultApi['account'] {
    return window.vault.account;
  },
  get org(): VaultApi['org'] {
    return window.vault.org;
  },
  get reach(): VaultApi['reach'] {
    return window.vault.reach;
  },
  get app(): VaultApi['app'] {
    return window.vault.app;
  },
  get apps(): VaultApi['apps'] {
    return window.vault.apps;
  },
  get consent(): VaultApi['consent'] {
    return window.vault.consent;
  },
  get approvals(): VaultApi['approvals'] {
    return window.vault.approvals;
  },
  get voting(): VaultApi['voting'] {
    return window.vault.voting;
  },
  get policies(): VaultApi['policies'] {
    return window.vault.policies;
  },
  on: ((event, listener) => window.vault.on(event, listener)) as VaultApi['on'],
  /**
   * The file-system path of a dropped file, or null when it has none (dragged from a browser).
   * Only preload can read it (Electron's webUtils), so it crosses the bridge.
   */
  pathForFile(file: File): string | null {
    return window.vault.pathForFile(file) || null;
  },
};
