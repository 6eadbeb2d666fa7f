// The device meta fields (contract §8, free-form) that carry pairing and key sharing between a
// profile's devices. Any token of the profile can write any of them, and the engine relays them:
// nothing here is trusted for what it says, only for what it proves (pairing-codes.ts,
// key-wrap.ts).
//   pairingKey       the joining device's signed public key, written by that device
//   pairingProof     QR pairing: its proof that it scanned the code on the owner's screen
//   approvalCommit   approval: its commitment to the random value it reveals later
//   approvalNonce    approval: an owner device's answer
//   approvalReveal   approval: the joining device's random value, revealed after the answer
//   wrappedDataKey   the profile's keys wrapped to pairingKey by an owner device

import type { DeviceRecord } from './endpoints/device.ts';

export const META = {
  pairingKey: 'pairingKey',
  pairingProof: 'pairingProof',
  approvalCommit: 'approvalCommit',
  approvalNonce: 'approvalNonce',
  approvalReveal: 'approvalReveal',
  wrappedDataKey: 'wrappedDataKey',
} as const;

export type MetaField = (typeof META)[keyof typeof META];

/** A meta field's value, or undefined when absent or empty. */
export function metaValue(device: DeviceRecord | undefined, field: MetaField): string | undefined {
  const value = device?.meta?.[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
