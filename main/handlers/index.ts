import type { HandlerTable } from '../../bridge/vault-api.ts';
import type { VaultApp } from '../vault-app.ts';
import { engineHandlers } from './engine.ts';
import { fileHandlers } from './files.ts';
import { sessionHandlers } from './session.ts';

/** Main's handler for every bridge channel; a missing one is a compile error. */
export function createHandlers(app: VaultApp): HandlerTable {
  return { ...engineHandlers(app), ...sessionHandlers(app), ...fileHandlers(app) };
}
