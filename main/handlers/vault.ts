import { hostname } from 'node:os';
import type { HandlerTable } from '../../bridge/vault-api.ts';
import type { VaultApp } from '../vault-app.ts';

export function vaultHandlers(
  app: VaultApp,
): Pick<HandlerTable, 'vault:keyStatus' | 'vault:requestAccess' | 'vault:confirmCode'> {
  return {
    'vault:keyStatus': async () => app.keyStatus(),
    // The owner sees this name in the notification; the computer's own name is the one they know.
    'vault:requestAccess': (input) =>
      app.requestAccess(input?.deviceName ?? (hostname().slice(0, 255) || 'New computer')),
    'vault:confirmCode': ({ matches }) => app.confirmCode(matches),
  };
}
