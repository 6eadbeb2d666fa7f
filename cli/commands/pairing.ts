// qr and pair: QR pairing (DESIGN "Devices and approval"). The rules are client/'s
// (pairing-host.ts on the showing side, redeem-pairing.ts and await-data-key.ts on the joining
// side); here they meet a person: the keys go to a device only after the person typed the code
// the new device shows.

import { hostname } from 'node:os';
import { awaitDataKey } from '../../client/await-data-key.ts';
import { PairingHost, type VerifiedJoin } from '../../client/pairing-host.ts';
import {
  PairingPayloadError,
  parsePairingPayload,
  type PairingPayload,
} from '../../client/pairing-payload.ts';
import { isPrivicoreError } from '../../client/privicore-error.ts';
import { redeemPairing } from '../../client/redeem-pairing.ts';
import { saveProfileSecrets } from '../../client/secrets/profile-secrets.ts';
import { VaultSession } from '../../client/session.ts';
import { expectArgs, integerOption, stringOption, type CommandSpec } from '../command-spec.ts';
import { describeError } from '../describe-error.ts';
import { Drawn, formatTime } from '../output.ts';
import { promptLine, sameCode } from '../prompt.ts';
import { UsageError } from '../usage-error.ts';

export const qrCommand: CommandSpec = {
  name: 'qr',
  synopsis: 'qr [--no-wait]',
  summary:
    'Show a pairing QR code (valid 5 minutes); when a device joins with it, type the code it shows to give it the keys.',
  options: { 'no-wait': { type: 'boolean' } },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 0, 0, 'qr', '');
    const session = await ctx.session();
    const host = new PairingHost(session);
    try {
      const code = await host.newCode();
      const data = { qrPayload: code.qrPayload, expiresAt: code.expiresAt };
      // A script gets the payload and makes its own QR; with no person to compare codes, it
      // does not wait (a device that joins gets no keys from this run).
      if (ctx.out.json) {
        ctx.out.result('', data);
        return;
      }
      // Loaded here: every command's start loads this module, and only qr draws a code.
      const { default: QRCode } = await import('qrcode');
      const picture = await QRCode.toString(code.qrPayload, { type: 'terminal', small: true });
      const engine = await ctx.engine();
      ctx.out.result(
        [
          new Drawn(picture.trimEnd()),
          code.qrPayload,
          `Valid until ${formatTime(code.expiresAt)} UTC. On the new machine: privicore-vault pair '${code.qrPayload}'`,
          ...(engine.embedded
            ? [
                '(The embedded engine answers only on this machine, and only while this command runs.)',
              ]
            : []),
        ],
        data,
      );
      if (values['no-wait'] === true) return;
      ctx.out.note('Waiting for a device to join with the code (Ctrl-C to stop)…');
      const join = await awaitVerifiedJoin(ctx, session, host, code.expiresAt);
      if (!join) {
        ctx.out.result('No device joined with the code.', data);
        return;
      }
      const typed = await promptLine(
        `${join.deviceName} (${join.deviceIdentifier}) joined with this code. Type the code it shows to give it access (Enter alone turns it away): `,
        ctx.signal,
      );
      if (typed === null || !sameCode(typed, join.code)) {
        await host.deny(join.deviceIdentifier);
        ctx.out.result(
          typed === null || typed.trim() === ''
            ? `Turned ${join.deviceName} away: it was removed and got nothing.`
            : `The codes differ, so ${join.deviceName} was removed and got nothing. If you mistyped, pair it again with a new code.`,
          { ...data, deviceIdentifier: join.deviceIdentifier, dataKeyShared: false },
        );
        return;
      }
      await host.confirm(join.deviceIdentifier);
      ctx.out.result(
        `Paired ${join.deviceName} (${join.deviceIdentifier}) and shared the data key with it.`,
        { ...data, deviceIdentifier: join.deviceIdentifier, dataKeyShared: true },
      );
    } finally {
      host.close();
    }
  },
};

/** The first device that proves it scanned this run's code; others are reported and left alone. */
async function awaitVerifiedJoin(
  ctx: Parameters<CommandSpec['run']>[0],
  session: VaultSession,
  host: PairingHost,
  expiresAt: string,
): Promise<VerifiedJoin | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => done(undefined),
      Math.max(0, Date.parse(expiresAt) - Date.now()),
    );
    const stop = session.channel.on('device-paired', (event) => {
      void host.check(event.deviceIdentifier).then(
        (checked) => {
          if (checked.state === 'verified') done(checked.join);
          else if (checked.state === 'unverified')
            ctx.out.note(
              `${checked.deviceName ?? 'A device'} (${event.deviceIdentifier}) joined with a code this command did not show; it gets nothing. Remove it with: privicore-vault devices remove ${event.deviceIdentifier}`,
            );
        },
        (error: unknown) =>
          ctx.out.note(`Could not check a device that joined: ${describeError(error)}`),
      );
    });
    const abort = () => done(undefined);
    ctx.signal.addEventListener('abort', abort, { once: true });
    function done(join: VerifiedJoin | undefined) {
      clearTimeout(timer);
      stop();
      ctx.signal.removeEventListener('abort', abort);
      resolve(join);
    }
  });
}

export const pairCommand: CommandSpec = {
  name: 'pair',
  synopsis: 'pair <payload> [--name NAME] [--wait SECONDS]',
  summary: "Join a profile from another machine's pairing QR payload (privicore://authorize?…).",
  options: { name: { type: 'string' }, wait: { type: 'string' } },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 1, 1, 'pair', 'the pairing payload');
    const payload = parsePayload(positionals[0]!, ctx.flags.insecureHttp === true);
    const deviceName = stringOption(values, 'name') ?? hostname();
    if (deviceName === '' || deviceName.length > 255)
      throw new UsageError('pair: --name must be 1–255 characters.', 'pair');
    const waitSeconds = integerOption(values, 'wait', 'pair', 0, 3600) ?? 60;
    await ctx.secrets.probe();

    const paired = await redeemPairing({ payload, deviceName, secrets: ctx.secrets });
    const { profileId, deviceIdentifier } = paired;
    await ctx.saveConfig({
      engineUrl: payload.engineUrl,
      wsUrl: undefined,
      username: undefined,
      profileId,
      deviceIdentifier,
    });
    // The certificate the code was shown with is the one this machine trusts from now on.
    if (payload.tlsPin) await ctx.savePin(payload.engineUrl, payload.tlsPin);
    if (waitSeconds > 0)
      ctx.out.note(
        `Verification code: ${paired.code}. Type it on the other machine, where it asks; waiting for the data key…`,
      );

    let outcome: 'received' | 'waiting' | 'turned-away' = 'waiting';
    if (waitSeconds > 0) {
      let session: VaultSession | undefined;
      try {
        session = await VaultSession.open({
          apiUrl: payload.engineUrl,
          ...(payload.tlsPin ? { tlsPin: payload.tlsPin } : {}),
          authorizationToken: paired.authorizationToken,
        });
        const result = await awaitDataKey(session, {
          deviceIdentifier,
          devicePrivateKey: paired.devicePrivateKey,
          trustedProfileKey: paired.trustedProfileKey,
          signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(waitSeconds * 1000)]),
          onRefused: (error) => ctx.out.note(`A key was refused: ${error.message}`),
        });
        if (result.state === 'received') {
          await saveProfileSecrets(ctx.secrets, profileId, {
            dataKey: result.keys.dataKey,
            privateKey: result.keys.profilePrivateKey,
          });
          outcome = 'received';
        } else if (result.state === 'device-gone') outcome = 'turned-away';
      } catch (error) {
        // Turned away before the wait began: the device token already ended.
        if (!isPrivicoreError(error) || error.status !== 401) throw error;
        outcome = 'turned-away';
      } finally {
        session?.close();
      }
    }
    ctx.out.result(
      [
        `Paired as device ${deviceIdentifier} (${deviceName}) of profile ${profileId} at ${payload.engineUrl}.`,
        `Verification code: ${paired.code}`,
        outcome === 'received'
          ? 'The data key arrived: put and get work here.'
          : outcome === 'turned-away'
            ? 'The other machine turned this device away: it was removed and got no key.'
            : 'The data key has not arrived yet; it is fetched on first use once the other machine shares it.',
      ],
      {
        deviceIdentifier,
        deviceName,
        profileId,
        engine: payload.engineUrl,
        code: paired.code,
        dataKey: outcome === 'received',
        turnedAway: outcome === 'turned-away',
      },
    );
  },
};

function parsePayload(payload: string, allowInsecureHttp: boolean): PairingPayload {
  try {
    return parsePairingPayload(payload, { allowInsecureHttp });
  } catch (error) {
    if (error instanceof PairingPayloadError) {
      throw new UsageError(
        error.problem === 'missing-secret' || error.problem === 'insecure-engine'
          ? `pair: ${error.message}`
          : 'pair: the payload must be privicore://authorize?token=…&engine=…&secret=…&fp=… as shown by `privicore-vault qr`.',
        'pair',
      );
    }
    throw error;
  }
}
