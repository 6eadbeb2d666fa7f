import QRCode from 'qrcode';
import type { HandlerTable } from '../../bridge/vault-api.ts';
import type { VaultApp } from '../vault-app.ts';

type PairingChannels =
  | 'pairing:createQr'
  | 'pairing:close'
  | 'pairing:answer'
  | 'pairing:redeem'
  | 'pairing:clipboardImage';

export function pairingHandlers(app: VaultApp): Pick<HandlerTable, PairingChannels> {
  return {
    'pairing:createQr': async () => {
      const code = await app.devices().pairingCode();
      // Drawn here rather than in the renderer, so the page needs no QR encoder; M-level error
      // correction survives a phone camera held at an angle to a screen.
      const qrImage = await QRCode.toDataURL(code.qrPayload, {
        errorCorrectionLevel: 'M',
        margin: 2,
        width: 320,
      });
      return {
        qrPayload: code.qrPayload,
        expiresAt: code.expiresAt,
        qrImage,
        localOnly: app.localEngine() !== undefined && !app.reachStatus().open,
      };
    },
    // Signed out already is as closed as it gets.
    'pairing:close': async () => app.signedInDevices()?.closePairing(),
    'pairing:answer': ({ deviceIdentifier, give }) =>
      app.devices().answerJoin(deviceIdentifier, give),
    'pairing:redeem': ({ payload, deviceName }) => app.pair(payload, deviceName),
    'pairing:clipboardImage': () => app.platform.readClipboardImage(),
  };
}
