import type { StateCreator } from 'zustand';
import type { AccountInfo } from '../../bridge/types.ts';
import { api } from '../api.ts';
import { describeError, type PlainError } from '../model/describe-error.ts';
import type { AppState } from './app-store.ts';
import type { LoadStatus } from './files.ts';

export interface AccountMessage {
  tone: 'success' | 'error';
  text: string;
}

export interface AccountSlice {
  account: AccountInfo | null;
  accountStatus: LoadStatus;
  accountError: PlainError | null;
  /** The outcome of the last account action, shown on the Account screen. */
  accountMessage: AccountMessage | null;
  loadAccount(): Promise<void>;
  changePassword(currentPassword: string, newPassword: string): Promise<PlainError | null>;
  /** Null when written or the save dialog was cancelled; the message says which. */
  exportRecoveryKit(passphrase: string): Promise<PlainError | null>;
  importRecoveryKit(passphrase: string): Promise<PlainError | null>;
  /** Ends every other session of the account; this one stays. */
  signOutEverywhere(): Promise<PlainError | null>;
  setAccountMessage(message: AccountMessage | null): void;
  resetAccount(): void;
}

const initialAccount = {
  account: null,
  accountStatus: 'idle' as LoadStatus,
  accountError: null,
  accountMessage: null,
};

export const createAccountSlice: StateCreator<AppState, [], [], AccountSlice> = (set, get) => ({
  ...initialAccount,

  loadAccount: async () => {
    set((s) => ({ accountStatus: s.account ? s.accountStatus : 'loading' }));
    try {
      set({ account: await api.account.get(), accountStatus: 'ready', accountError: null });
    } catch (error) {
      set({ accountStatus: 'error', accountError: describeError(error) });
    }
  },

  changePassword: async (currentPassword, newPassword) => {
    set({ accountMessage: null });
    try {
      await api.account.changePassword({ currentPassword, newPassword });
      set({
        accountMessage: {
          tone: 'success',
          text: 'Your password was changed. Use the new one the next time you sign in.',
        },
      });
      return null;
    } catch (error) {
      const problem = describeError(error);
      set({ accountMessage: { tone: 'error', text: problem.message } });
      return problem;
    }
  },

  signOutEverywhere: async () => {
    try {
      const { revoked } = await api.account.signOutEverywhere();
      set({
        accountMessage: {
          tone: 'success',
          text:
            revoked === 0
              ? 'No other sessions were signed in. This computer stays signed in.'
              : `Signed out ${revoked} other session${revoked === 1 ? '' : 's'}. This computer stays signed in; computers that joined by pairing have to pair again.`,
        },
      });
      return null;
    } catch (error) {
      return describeError(error);
    }
  },

  exportRecoveryKit: async (passphrase) => {
    try {
      const path = await api.account.exportRecoveryKit({ passphrase });
      set({
        accountMessage: path
          ? {
              tone: 'success',
              text: `Recovery kit saved to ${path}. Keep it and its passphrase somewhere safe and apart.`,
            }
          : null,
      });
      return null;
    } catch (error) {
      return describeError(error);
    }
  },

  importRecoveryKit: async (passphrase) => {
    try {
      const status = await api.account.importRecoveryKit({ passphrase });
      if (status) {
        get().applyKeyStatus(status);
        set({
          accountMessage: {
            tone: 'success',
            text: 'The recovery kit was imported. This computer can open your files.',
          },
        });
      }
      return null;
    } catch (error) {
      return describeError(error);
    }
  },

  setAccountMessage: (message) => set({ accountMessage: message }),

  resetAccount: () => set({ ...initialAccount }),
});

export const accountSelectors = {
  account: (s: AppState) => s.account,
  status: (s: AppState) => s.accountStatus,
  error: (s: AppState) => s.accountError,
  message: (s: AppState) => s.accountMessage,
};
