// qr and pair: QR pairing (contract §14 "QR pairing"), with the data key handed over wrapped to
// the new device's own key (client/data-key-share.ts).

import { hostname } from 'node:os';
import QRCode from 'qrcode';
import { receiveDataKey, shareDataKey } from '../../client/data-key-share.ts';
import { generateProfileKeyPair } from '../../client/crypto/profile-key.ts';
import {
  generateTokenQr,
  redeemTokenQr,
  retrieveProfileId,
} from '../../client/endpoints/profile.ts';
import { HttpClient } from '../../client/http.ts';
import {
  PairingPayloadError,
  parsePairingPayload,
  type PairingPayload,
} from '../../client/pairing-payload.ts';
import { saveProfileSecrets } from '../../client/secrets/profile-secrets.ts';
import { expectArgs, integerOption, stringOption, type CommandSpec } from '../command-spec.ts';
import { describeError } from '../describe-error.ts';
import { formatTime } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const qrCommand: CommandSpec = {
  name: 'qr',
  synopsis: 'qr [--no-wait]',
  summary:
    'Show a pairing QR code (valid 5 minutes) and, once a device redeems it, share the data key with it.',
  options: { 'no-wait': { type: 'boolean' } },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 0, 0, 'qr', '');
    const session = await ctx.session();
    const qr = await generateTokenQr(session.http);
    const data = { qrPayload: qr.qrPayload, expiresAt: qr.expiresAt };
    // A script gets the payload and makes its own QR; it does not wait.
    if (ctx.out.json) {
      ctx.out.result('', data);
      return;
    }
    const picture = await QRCode.toString(qr.qrPayload, { type: 'terminal', small: true });
    const engine = await ctx.engine();
    ctx.out.result(
      [
        picture.trimEnd(),
        qr.qrPayload,
        `Valid until ${formatTime(qr.expiresAt)} UTC. On the new machine: privicore-vault pair '${qr.qrPayload}'`,
        ...(engine.embedded
          ? [
              '(The embedded engine answers only on this machine, and only while this command runs.)',
            ]
          : []),
      ],
      data,
    );
    if (values['no-wait'] === true) return;
    ctx.out.note('Waiting for a device to redeem the code (Ctrl-C to stop)…');
    const paired = await new Promise<{ deviceIdentifier: string; deviceName: string } | undefined>(
      (resolve) => {
        const timer = setTimeout(
          () => done(undefined),
          Math.max(0, Date.parse(qr.expiresAt) - Date.now()),
        );
        const stop = session.channel.on('device-paired', (event) => done(event));
        const abort = () => done(undefined);
        ctx.signal.addEventListener('abort', abort, { once: true });
        function done(event: { deviceIdentifier: string; deviceName: string } | undefined) {
          clearTimeout(timer);
          stop();
          ctx.signal.removeEventListener('abort', abort);
          resolve(event);
        }
      },
    );
    if (!paired) {
      ctx.out.result('No device redeemed the code.', data);
      return;
    }
    let shared = false;
    if (session.dataKey) {
      try {
        await shareDataKey(session, paired.deviceIdentifier, session.dataKey);
        shared = true;
      } catch (error) {
        ctx.out.note(`The data key could not be shared: ${describeError(error)}`);
      }
    }
    ctx.out.result(
      `Paired ${paired.deviceName} (${paired.deviceIdentifier})${shared ? ' and shared the data key with it' : ''}.`,
      data,
    );
  },
};

export const pairCommand: CommandSpec = {
  name: 'pair',
  synopsis: 'pair <payload> [--name NAME] [--wait SECONDS]',
  summary: "Join a profile from another machine's pairing QR payload (privicore://authorize?…).",
  options: { name: { type: 'string' }, wait: { type: 'string' } },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 1, 1, 'pair', 'the pairing payload');
    const { qrToken, engineUrl } = parsePayload(positionals[0]!);
    const deviceName = stringOption(values, 'name') ?? hostname();
    if (deviceName === '' || deviceName.length > 255)
      throw new UsageError('pair: --name must be 1–255 characters.', 'pair');
    const waitSeconds = integerOption(values, 'wait', 'pair', 0, 3600) ?? 60;
    await ctx.secrets.probe();

    // This machine's own key pair: the owner wraps the data key to its public half.
    const keys = generateProfileKeyPair();
    const http = new HttpClient({ apiUrl: engineUrl });
    let token: string;
    let profileId: string;
    let deviceIdentifier: string;
    try {
      const redeemed = await redeemTokenQr(http, {
        qrToken,
        deviceName,
        publicKey: keys.publicKey,
      });
      token = redeemed.authorizationToken;
      deviceIdentifier = redeemed.deviceIdentifier;
      ({ profileId } = await retrieveProfileId(http.withToken(() => token)));
    } finally {
      http.close();
    }
    await saveProfileSecrets(ctx.secrets, profileId, {
      authorizationToken: token,
      devicePrivateKey: keys.privateKey,
    });
    await ctx.saveConfig({
      engineUrl,
      wsUrl: undefined,
      username: undefined,
      profileId,
      deviceIdentifier,
    });

    const authed = new HttpClient({ apiUrl: engineUrl, token: () => token });
    let dataKey: Buffer | undefined;
    try {
      const deadline = Date.now() + waitSeconds * 1000;
      if (waitSeconds > 0)
        ctx.out.note('Paired; waiting for the other machine to share the data key…');
      for (;;) {
        dataKey = await receiveDataKey(authed, deviceIdentifier, keys.privateKey);
        if (dataKey || Date.now() >= deadline || ctx.signal.aborted) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    } finally {
      authed.close();
    }
    if (dataKey) await saveProfileSecrets(ctx.secrets, profileId, { dataKey });
    ctx.out.result(
      [
        `Paired as device ${deviceIdentifier} (${deviceName}) of profile ${profileId} at ${engineUrl}.`,
        dataKey
          ? 'The data key arrived: put and get work here.'
          : 'The data key has not arrived yet; it is fetched on first use once the other machine shares it.',
      ],
      {
        deviceIdentifier,
        deviceName,
        profileId,
        engine: engineUrl,
        dataKey: dataKey !== undefined,
      },
    );
  },
};

function parsePayload(payload: string): PairingPayload {
  try {
    return parsePairingPayload(payload);
  } catch (error) {
    if (error instanceof PairingPayloadError) {
      throw new UsageError(
        'pair: the payload must be privicore://authorize?token=…&engine=… as shown by `privicore-vault qr`.',
        'pair',
      );
    }
    throw error;
  }
}
