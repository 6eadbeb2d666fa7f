import type { HandlerTable } from '../../bridge/vault-api.ts';
import type { VaultApp } from '../vault-app.ts';
import { accountHandlers } from './account.ts';
import { appHandlers } from './app.ts';
import { appsHandlers } from './apps.ts';
import { approvalHandlers } from './approvals.ts';
import { deviceHandlers } from './devices.ts';
import { engineHandlers } from './engine.ts';
import { fileHandlers } from './files.ts';
import { organisationHandlers } from './organisation.ts';
import { pairingHandlers } from './pairing.ts';
import { reachHandlers } from './reach.ts';
import { policyHandlers } from './policies.ts';
import { sessionHandlers } from './session.ts';
import { storageHandlers } from './storage.ts';
import { vaultHandlers } from './vault.ts';
import { votingHandlers } from './voting.ts';

/** Main's handler for every bridge channel; a missing one is a compile error. */
export function createHandlers(app: VaultApp): HandlerTable {
  return {
    ...engineHandlers(app),
    ...sessionHandlers(app),
    ...fileHandlers(app),
    ...deviceHandlers(app),
    ...pairingHandlers(app),
    ...vaultHandlers(app),
    ...storageHandlers(app),
    ...accountHandlers(app),
    ...organisationHandlers(app),
    ...reachHandlers(app),
    ...appHandlers(app),
    ...appsHandlers(app),
    ...approvalHandlers(app),
    ...votingHandlers(app),
    ...policyHandlers(app),
  };
}
