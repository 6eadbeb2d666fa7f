import type { HandlerTable } from '../../bridge/vault-api.ts';
import type { VaultApp } from '../vault-app.ts';

type DeviceChannels =
  | 'devices:list'
  | 'devices:review'
  | 'devices:cancelReview'
  | 'devices:approve'
  | 'devices:reject'
  | 'devices:rename'
  | 'devices:remove';

export function deviceHandlers(app: VaultApp): Pick<HandlerTable, DeviceChannels> {
  return {
    'devices:list': () => app.devices().list(),
    'devices:review': ({ deviceIdentifier }) => app.devices().review(deviceIdentifier),
    'devices:cancelReview': async ({ deviceIdentifier }) =>
      app.devices().cancelReview(deviceIdentifier),
    'devices:approve': ({ deviceIdentifier }) => app.devices().approve(deviceIdentifier),
    'devices:reject': ({ deviceIdentifier }) => app.devices().reject(deviceIdentifier),
    'devices:rename': ({ deviceIdentifier, name }) => app.devices().rename(deviceIdentifier, name),
    'devices:remove': ({ deviceIdentifier }) => app.devices().remove(deviceIdentifier),
  };
}
