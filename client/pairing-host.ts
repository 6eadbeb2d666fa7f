// The owner's side of QR pairing (DESIGN "Devices and approval"): the codes one pairing panel
// shows, and what happens when a device redeems one. Each code carries a one-time secret and
// the profile key's fingerprint (pairing-payload.ts) that the engine never sees. A device that
// redeemed a code proves in its own meta that it saw that secret (pairing-codes.ts); only then,
// only while the panel that showed the code is open, only once per code, and only after a
// person confirmed the device (confirm) are the keys shared. DEVICE-PAIRED by itself shares
// nothing: it only tells the host where to look.

import {
  newPairingSecret,
  pairingVerificationCode,
  profileKeyFingerprint,
  verifyPairingProof,
} from './crypto/pairing-codes.ts';
import { signedPublicKeyFromPrivate, verifySignedPublicKey } from './crypto/profile-key.ts';
import { awaitDevice } from './await-device.ts';
import { grantKeys } from './data-key-grant.ts';
import { META, metaValue } from './device-meta.ts';
import { removeDevice } from './endpoints/device.ts';
import { generateTokenQr } from './endpoints/profile.ts';
import { formatPairingPayload } from './pairing-payload.ts';
import { PrivicoreError } from './privicore-error.ts';
import type { VaultSession } from './session.ts';

export interface ShownPairingCode {
  /** The text to show as a QR code (and to copy). */
  qrPayload: string;
  expiresAt: string;
}

/** A device that proved it scanned one of this panel's codes, waiting for a person's answer. */
export interface VerifiedJoin {
  deviceIdentifier: string;
  /** The name in the engine's record of the device. */
  deviceName: string;
  /** When the engine created the device (it redeemed the code). */
  pairedAt: string;
  /** The code the joining device shows too. */
  code: string;
  /** The device's signed public key, which the keys will be wrapped to. */
  deviceKey: string;
}

export type JoinCheck =
  | { state: 'verified'; join: VerifiedJoin }
  /** It redeemed a code of the profile, but not one this panel showed (or it proved nothing). */
  | { state: 'unverified'; deviceIdentifier: string; deviceName: string | null }
  | { state: 'closed' };

interface OpenCode {
  secret: string;
  expiresAt: string;
  used: boolean;
}

/** How long a redeemed device has to write its proof. */
const PROOF_WAIT_MS = 60_000;

export class PairingHost {
  private readonly codes: OpenCode[] = [];
  private readonly verified = new Map<string, VerifiedJoin>();
  private readonly closing = new AbortController();
  private readonly fingerprint: string;

  /** A panel's host; the session must hold the keys it is going to share. */
  constructor(
    private readonly session: VaultSession,
    private readonly options: { proofWaitMs?: number; intervalMs?: number } = {},
  ) {
    if (!session.profilePrivateKey || !session.dataKey) {
      throw new PrivicoreError({
        status: 0,
        reason: 'client.no_data_key',
        message:
          "This computer doesn't hold the vault key and the account key, so a device paired from here could not open your files. Pair it from a computer that opens them.",
      });
    }
    this.fingerprint = profileKeyFingerprint(signedPublicKeyFromPrivate(session.profilePrivateKey));
  }

  get isClosed(): boolean {
    return this.closing.signal.aborted;
  }

  /** A new single-use code (valid 5 minutes) for this panel. */
  async newCode(): Promise<ShownPairingCode> {
    this.assertOpen();
    const qr = await generateTokenQr(this.session.http);
    const secret = newPairingSecret();
    this.codes.push({ secret, expiresAt: qr.expiresAt, used: false });
    return {
      // This session's own pin for the engine goes along: the joining device then trusts exactly
      // the certificate this one trusts.
      qrPayload: formatPairingPayload(
        qr.qrPayload,
        secret,
        this.fingerprint,
        this.session.http.tlsPin,
      ),
      expiresAt: qr.expiresAt,
    };
  }

  /**
   * A device redeemed a code of the profile (DEVICE-PAIRED): waits for its proof and checks it
   * against this panel's unused codes. A verified device waits for confirm or deny.
   */
  async check(deviceIdentifier: string): Promise<JoinCheck> {
    if (this.isClosed) return { state: 'closed' };
    const found = await awaitDevice(
      this.session,
      deviceIdentifier,
      (device) => {
        const proof = metaValue(device, META.pairingProof);
        const key = metaValue(device, META.pairingKey);
        return proof && key ? { proof, key } : undefined;
      },
      {
        signal: this.closing.signal,
        timeoutMs: this.options.proofWaitMs ?? PROOF_WAIT_MS,
        ...(this.options.intervalMs === undefined ? {} : { intervalMs: this.options.intervalMs }),
      },
    );
    if (found.state === 'cancelled') return { state: 'closed' };
    if (found.state !== 'found') return { state: 'unverified', deviceIdentifier, deviceName: null };
    const { device, value } = found;
    const keyCheck = verifySignedPublicKey(value.key);
    const code =
      keyCheck.ok &&
      this.codes.find(
        (open) =>
          !open.used &&
          verifyPairingProof(
            value.proof,
            open.secret,
            deviceIdentifier,
            keyCheck.rawPublicKey,
            this.fingerprint,
          ),
      );
    if (!code) return { state: 'unverified', deviceIdentifier, deviceName: device.name };
    code.used = true;
    const join: VerifiedJoin = {
      deviceIdentifier,
      deviceName: device.name,
      pairedAt: device.createdAt,
      code: pairingVerificationCode(code.secret, deviceIdentifier, value.key, this.fingerprint),
      deviceKey: value.key.toLowerCase(),
    };
    this.verified.set(deviceIdentifier, join);
    return { state: 'verified', join };
  }

  /** The person confirmed the device (and its code): the keys go to it. Once. */
  async confirm(deviceIdentifier: string): Promise<void> {
    const join = this.take(deviceIdentifier);
    await grantKeys(this.session, join.deviceIdentifier, join.deviceKey);
  }

  /** The person turned the device away: it is removed, which ends its token. */
  async deny(deviceIdentifier: string): Promise<void> {
    this.take(deviceIdentifier);
    await this.session.run(() => removeDevice(this.session.http, { deviceIdentifier }));
  }

  /** Devices verified and waiting for an answer. */
  waiting(): VerifiedJoin[] {
    return [...this.verified.values()];
  }

  /** The panel closed: its codes verify nothing more and unanswered joins get no keys. */
  close(): void {
    this.closing.abort();
    this.codes.length = 0;
    this.verified.clear();
  }

  private take(deviceIdentifier: string): VerifiedJoin {
    const join = this.verified.get(deviceIdentifier);
    if (!join || this.isClosed) {
      throw new PrivicoreError({
        status: 0,
        reason: 'pairing.no_such_join',
        message:
          'That device is not waiting for an answer here: the pairing panel was closed, or it was answered already.',
      });
    }
    this.verified.delete(deviceIdentifier);
    return join;
  }

  private assertOpen(): void {
    if (this.isClosed) {
      throw new PrivicoreError({
        status: 0,
        reason: 'pairing.closed',
        message: 'The pairing panel is closed. Open it again for a new code.',
      });
    }
  }
}
