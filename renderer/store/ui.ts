import type { StateCreator } from 'zustand';
import type {
  AllowedApp,
  ConsentPrompt,
  NewAppCredentials,
  RegisteredApp,
  DeviceInfo,
  FileItem,
  OrgMember,
  PairingJoin,
  PendingDevice,
  StorageDeviceInfo,
} from '../../bridge/types.ts';
import { contextLineage } from '../model/context-tree.ts';
import type { AppState } from './app-store.ts';

export type DialogState =
  /** A privicore:// consent link: the verified application and what it asks (APPROVALS.md). */
  | { kind: 'consent'; prompt: ConsentPrompt }
  | { kind: 'register-app' }
  /** The one sight of a new application's client secret. */
  | { kind: 'app-credentials'; credentials: NewAppCredentials }
  | { kind: 'revoke-app'; app: RegisteredApp }
  | { kind: 'revoke-app-access'; app: AllowedApp }
  | { kind: 'rename'; file: FileItem }
  /** One file or several (a multi-selection). */
  | { kind: 'move' | 'classify' | 'delete'; files: FileItem[] }
  | { kind: 'new-folder' }
  | { kind: 'rename-folder' | 'delete-folder'; folder: string }
  /** Signing out with transfers still running: stop them, or keep going. */
  | { kind: 'sign-out'; running: number }
  | { kind: 'rename-device' | 'remove-device'; device: DeviceInfo }
  | { kind: 'remove-storage'; device: StorageDeviceInfo }
  | { kind: 'approve-device'; device: PendingDevice }
  | { kind: 'pairing-join'; join: PairingJoin }
  | {
      kind:
        | 'export-kit'
        | 'import-kit'
        | 'join-signed-in'
        | 'sign-out-everywhere'
        | 'add-remote-storage';
    }
  | { kind: 'org-create' | 'org-add-person' | 'org-invite' | 'org-ask' }
  | { kind: 'org-role' | 'org-password'; member: OrgMember }
  | { kind: 'org-device'; member: OrgMember; storage: boolean };

export type NoticeTone = 'info' | 'success' | 'warning' | 'error';

export interface Notice {
  id: number;
  tone: NoticeTone;
  text: string;
}

export interface UiSlice {
  dialog: DialogState | null;
  detailsOpen: boolean;
  expandedFolders: Record<string, boolean>;
  notices: Notice[];
  openDialog(dialog: DialogState): void;
  closeDialog(): void;
  /** Opens the details pane on a file (selecting it) or closes it. */
  showDetails(token: string | null): void;
  /** The toolbar's Details button: opens the pane on the current selection, or closes it. */
  toggleDetails(): void;
  toggleFolder(path: string, expanded?: boolean): void;
  /** Expands every ancestor of a folder so it can be seen in the tree. */
  revealFolder(path: string): void;
  notify(text: string, tone?: NoticeTone): void;
  dismissNotice(id: number): void;
  resetUi(): void;
}

/** At most this many notices stack up; older ones give way. */
const MAX_NOTICES = 3;
/** Notices other than errors leave on their own; errors wait to be read and dismissed. */
const NOTICE_MS = 6000;

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => {
  let nextNoticeId = 1;
  return {
    dialog: null,
    detailsOpen: false,
    expandedFolders: {},
    notices: [],

    openDialog: (dialog) => set({ dialog }),
    closeDialog: () => set({ dialog: null }),

    showDetails: (token) => {
      if (!token) {
        set({ detailsOpen: false });
        return;
      }
      set({ detailsOpen: true, selectedToken: token });
      void get().loadDetails(token);
    },

    toggleDetails: () => {
      const { detailsOpen, selectedToken } = get();
      if (detailsOpen) set({ detailsOpen: false });
      else if (selectedToken) get().showDetails(selectedToken);
      // With nothing selected the pane opens empty and says how to fill it.
      else set({ detailsOpen: true });
    },

    toggleFolder: (path, expanded) =>
      set((s) => ({
        expandedFolders: { ...s.expandedFolders, [path]: expanded ?? !s.expandedFolders[path] },
      })),

    revealFolder: (path) =>
      set((s) => {
        const ancestors = contextLineage(path).slice(0, -1);
        if (ancestors.every((a) => s.expandedFolders[a])) return {};
        return {
          expandedFolders: {
            ...s.expandedFolders,
            ...Object.fromEntries(ancestors.map((a) => [a, true])),
          },
        };
      }),

    notify: (text, tone = 'info') => {
      const id = nextNoticeId++;
      set((s) => ({ notices: [...s.notices, { id, tone, text }].slice(-MAX_NOTICES) }));
      if (tone !== 'error') setTimeout(() => get().dismissNotice(id), NOTICE_MS);
    },

    dismissNotice: (id) =>
      set((s) => ({ notices: s.notices.filter((notice) => notice.id !== id) })),

    resetUi: () => set({ dialog: null, detailsOpen: false, expandedFolders: {}, notices: [] }),
  };
};

export const uiSelectors = {
  dialog: (s: AppState) => s.dialog,
  detailsOpen: (s: AppState) => s.detailsOpen,
  expandedFolders: (s: AppState) => s.expandedFolders,
  isExpanded: (path: string) => (s: AppState) => s.expandedFolders[path] === true,
  notices: (s: AppState) => s.notices,
};
