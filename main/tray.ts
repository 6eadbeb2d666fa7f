import { Menu, nativeImage, Tray } from 'electron';
import type { AppState } from '../bridge/types.ts';
import { trayView } from './approval-notices.ts';

export interface TrayActions {
  /** Shows the window (making it again if it was closed). */
  open(): void;
  setTransfersPaused(paused: boolean): void;
  quit(): void;
}

export interface VaultTray {
  /** Redraws the tooltip, title and menu for this state. */
  show(state: AppState): void;
  destroy(): void;
}

/**
 * The tray icon: it stays while the window is hidden, carries the count of approvals waiting,
 * and offers Open, Pause/Resume transfers and Quit. The words come from approval-notices.ts.
 */
export function installTray(icon: string, actions: TrayActions): VaultTray {
  const image = nativeImage.createFromPath(icon);
  // The menu bar wants 16 pt; Windows and Linux trays scale the 32 px icon themselves.
  const tray = new Tray(
    process.platform === 'darwin' && !image.isEmpty()
      ? image.resize({ width: 16, height: 16 })
      : image,
  );
  tray.on('click', () => actions.open());
  const show = (state: AppState) => {
    const view = trayView(state);
    tray.setToolTip(view.tooltip);
    tray.setTitle(view.title);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Privicore Vault', click: () => actions.open() },
        {
          label: view.transfersLabel,
          click: () => actions.setTransfersPaused(!state.transfersPaused),
        },
        { type: 'separator' },
        { label: 'Quit', click: () => actions.quit() },
      ]),
    );
  };
  show({ pendingApprovals: 0, openBallots: 0, transfersPaused: false });
  return { show, destroy: () => tray.destroy() };
}
