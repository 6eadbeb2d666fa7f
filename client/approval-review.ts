// The owner's side of approving a device that asked to join (DESIGN "Devices and approval"):
// before anything is shared both screens show the same short code, and the owner confirms they
// match. The code comes from an exchange in the device's meta (pairing-codes.ts): the device
// committed to a random value with its key; this side answers with its own; the device reveals
// its value; both derive the code. Approving (approveReviewed) then approves the device and
// wraps the keys to the key the code was computed from.

import { awaitDevice } from './await-device.ts';
import {
  approvalCommitment,
  approvalOwnerNonce,
  approvalVerificationCode,
  isApprovalValue,
} from './crypto/pairing-codes.ts';
import { signedPublicKeyFromPrivate, verifySignedPublicKey } from './crypto/profile-key.ts';
import { grantKeys } from './data-key-grant.ts';
import { META, metaValue } from './device-meta.ts';
import { approveDevice, configureMeta, retrieveProfileDevices } from './endpoints/device.ts';
import { PrivicoreError } from './privicore-error.ts';
import type { VaultSession } from './session.ts';
import type { CommandHold } from './vault/vault-context.ts';

export interface ApprovalReview {
  deviceIdentifier: string;
  deviceName: string;
  requestedAt: string;
  /** The code the asking device shows too. */
  code: string;
  deviceKey: string;
}

export type ReviewOutcome =
  | { state: 'ready'; review: ApprovalReview }
  /** The device sent no key to verify (an older app): it can be approved, but gets no keys. */
  | { state: 'no-verification'; deviceIdentifier: string; deviceName: string }
  /** Another answer is in the device's meta already: someone else is answering it. */
  | { state: 'answered-elsewhere' }
  /** What the device revealed does not match what it committed to. */
  | { state: 'tampered' }
  | { state: 'not-pending' }
  | { state: 'device-gone' }
  | { state: 'timed-out' }
  | { state: 'cancelled' };

/** How long the asking device has to reveal its value once answered. */
const REVEAL_WAIT_MS = 5 * 60_000;

export async function reviewJoinRequest(
  session: VaultSession,
  deviceIdentifier: string,
  options: { signal?: AbortSignal; timeoutMs?: number; intervalMs?: number } = {},
): Promise<ReviewOutcome> {
  const profilePrivateKey = session.profilePrivateKey;
  if (!profilePrivateKey || !session.dataKey) {
    throw new PrivicoreError({
      status: 0,
      reason: 'client.no_data_key',
      message:
        "This computer doesn't hold the vault key and the account key, so a device approved from here could not open your files. Approve it from a computer that opens them.",
    });
  }
  const device = (await retrieveProfileDevices(session.http)).find(
    (d) => d.deviceIdentifier === deviceIdentifier,
  );
  if (!device) return { state: 'device-gone' };
  if (device.status !== 'pending') return { state: 'not-pending' };
  const deviceKey = metaValue(device, META.pairingKey);
  const commit = metaValue(device, META.approvalCommit);
  const keyCheck = deviceKey === undefined ? undefined : verifySignedPublicKey(deviceKey);
  if (!deviceKey || !commit || !keyCheck?.ok || !isApprovalValue(commit))
    return { state: 'no-verification', deviceIdentifier, deviceName: device.name };

  const ownerNonce = approvalOwnerNonce(profilePrivateKey, deviceIdentifier, commit);
  const answered = metaValue(device, META.approvalNonce);
  if (answered !== undefined && answered !== ownerNonce) return { state: 'answered-elsewhere' };
  if (answered === undefined) {
    await session.run(() =>
      configureMeta(session.http, {
        deviceIdentifier,
        meta: { [META.approvalNonce]: ownerNonce },
      }),
    );
  }

  const revealed = await awaitDevice(
    session,
    deviceIdentifier,
    (d) => {
      const reveal = metaValue(d, META.approvalReveal);
      return reveal !== undefined && isApprovalValue(reveal) ? reveal : undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? REVEAL_WAIT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
    },
  );
  if (revealed.state !== 'found') return { state: revealed.state };
  const after = revealed.device;
  // What it committed to, with the key it committed with: nothing in its meta may have moved.
  if (
    metaValue(after, META.pairingKey) !== deviceKey ||
    metaValue(after, META.approvalCommit) !== commit ||
    metaValue(after, META.approvalNonce) !== ownerNonce ||
    approvalCommitment(deviceIdentifier, keyCheck.rawPublicKey, revealed.value) !== commit
  )
    return { state: 'tampered' };
  if (after.status !== 'pending') return { state: 'not-pending' };
  return {
    state: 'ready',
    review: {
      deviceIdentifier,
      deviceName: after.name,
      requestedAt: after.createdAt,
      code: approvalVerificationCode(
        deviceIdentifier,
        keyCheck.rawPublicKey,
        signedPublicKeyFromPrivate(profilePrivateKey),
        revealed.value,
        ownerNonce,
      ),
      deviceKey: deviceKey.toLowerCase(),
    },
  };
}

/** The owner confirmed the codes match: approve the device and give it the keys. */
export async function approveReviewed(
  session: VaultSession,
  review: ApprovalReview,
  options: { onHold?: (hold: CommandHold) => void } = {},
): Promise<void> {
  // A device-governance policy may hold the approval for a vote (contract §11); the keys are
  // granted only once the device is approved.
  await session.run(
    () => approveDevice(session.http, { deviceIdentifier: review.deviceIdentifier }),
    options.onHold ? { onHold: options.onHold } : {},
  );
  await grantKeys(session, review.deviceIdentifier, review.deviceKey);
}
