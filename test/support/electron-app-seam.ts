import { EventEmitter } from 'node:events';
import type { ProtocolApp } from '../../main/protocol-links.ts';

/**
 * Electron's `app` at the one seam main/protocol-links.ts uses: the OS hands a link over as
 * `second-instance` (Windows, Linux) or `open-url` (macOS); the test emits them as the OS would.
 */
export class FakeElectronApp extends EventEmitter {
  readonly registered: unknown[][] = [];

  setAsDefaultProtocolClient(...args: unknown[]): boolean {
    this.registered.push(args);
    return true;
  }

  asProtocolApp(): ProtocolApp {
    return this as unknown as ProtocolApp;
  }

  /** A link opened while the app runs, on Windows or Linux: a second instance with it in argv. */
  secondInstance(link: string): void {
    this.emit('second-instance', {}, ['/opt/Privicore Vault/privicore-vault', link], '/home/user');
  }
}
