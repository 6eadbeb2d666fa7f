import QRCode from 'qrcode';
import type { HandlerTable } from '../../bridge/vault-api.ts';
import { generateTokenQr } from '../../client/endpoints/profile.ts';
import type { VaultApp } from '../vault-app.ts';

export function pairingHandlers(
  app: VaultApp,
): Pick<HandlerTable, 'pairing:createQr' | 'pairing:redeem' | 'pairing:clipboardImage'> {
  return {
    'pairing:createQr': async () => {
      const qr = await generateTokenQr(app.session().http);
      // Drawn here rather than in the renderer, so the page needs no QR encoder; M-level error
      // correction survives a phone camera held at an angle to a screen.
      const qrImage = await QRCode.toDataURL(qr.qrPayload, {
        errorCorrectionLevel: 'M',
        margin: 2,
        width: 320,
      });
      return {
        qrPayload: qr.qrPayload,
        expiresAt: qr.expiresAt,
        qrImage,
        localOnly: app.localEngine() !== undefined,
      };
    },
    'pairing:redeem': ({ payload, deviceName }) => app.pair(payload, deviceName),
    'pairing:clipboardImage': () => app.platform.readClipboardImage(),
  };
}
