import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { channels } from '../bridge/channels.ts';
import { dispatch, type ErrorDescriber, type HandlerTable } from '../bridge/vault-api.ts';

/**
 * Registers one IPC handler per bridge channel. Every call is checked to come from our own
 * window's top frame before its input is validated against the channel's schema.
 */
export function registerIpc(
  handlers: HandlerTable,
  window: () => BrowserWindow | undefined,
  describe: ErrorDescriber,
): void {
  for (const name of Object.keys(channels)) {
    ipcMain.handle(name, async (event: IpcMainInvokeEvent, input: unknown) => {
      if (!isTrustedSender(event, window())) {
        return {
          ok: false,
          error: {
            message: 'Refused: the request did not come from the app window.',
            reason: 'bridge.untrusted_sender',
            status: null,
          },
        };
      }
      return dispatch(handlers, name, input, describe);
    });
  }
}

function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | undefined): boolean {
  const frame = event.senderFrame;
  if (!window || !frame || event.sender !== window.webContents) return false;
  return frame === window.webContents.mainFrame && frame.url.startsWith('file://');
}
