import { describe, expect, it, vi } from 'vitest';

interface MenuItem {
  label?: string;
  type?: string;
  click?: () => void;
}

const created = vi.hoisted(() => ({
  trays: [] as { tooltip: string; title: string; menu: MenuItem[]; clicks: (() => void)[] }[],
}));
vi.mock('electron', () => {
  class Tray {
    readonly record = {
      tooltip: '',
      title: '',
      menu: [] as MenuItem[],
      clicks: [] as (() => void)[],
    };
    constructor() {
      created.trays.push(this.record);
    }
    on(event: string, listener: () => void) {
      if (event === 'click') this.record.clicks.push(listener);
    }
    setToolTip(text: string) {
      this.record.tooltip = text;
    }
    setTitle(text: string) {
      this.record.title = text;
    }
    setContextMenu(menu: MenuItem[]) {
      this.record.menu = menu;
    }
    destroy() {}
  }
  const image = { isEmpty: () => false, resize: () => image };
  return {
    Tray,
    Menu: { buildFromTemplate: (template: MenuItem[]) => template },
    nativeImage: { createFromPath: () => image, createEmpty: () => image },
  };
});

const { installTray } = await import('../../../main/tray.ts');

describe('installTray', () => {
  it('shows the approvals waiting and offers Open, Pause/Resume transfers and Quit', () => {
    const calls: string[] = [];
    const tray = installTray('/assets/tray-icon.png', {
      open: () => calls.push('open'),
      setTransfersPaused: (paused) => calls.push(`paused=${paused}`),
      quit: () => calls.push('quit'),
    });
    const drawn = created.trays.at(-1)!;
    expect(drawn.tooltip).toBe('Privicore Vault');
    expect(drawn.menu.map((item) => item.label ?? item.type)).toEqual([
      'Open Privicore Vault',
      'Pause transfers',
      'separator',
      'Quit',
    ]);

    tray.show({ pendingApprovals: 2, openBallots: 0, transfersPaused: false });
    expect(drawn.tooltip).toBe('Privicore Vault — 2 devices waiting for approval');
    expect(drawn.title).toBe('2');
    drawn.menu[1]!.click!();
    tray.show({ pendingApprovals: 0, openBallots: 0, transfersPaused: true });
    expect(drawn.menu[1]!.label).toBe('Resume transfers');
    drawn.menu[1]!.click!();
    drawn.menu[0]!.click!();
    drawn.clicks[0]!();
    drawn.menu[3]!.click!();
    expect(calls).toEqual(['paused=true', 'paused=false', 'open', 'open', 'quit']);
  });
});
