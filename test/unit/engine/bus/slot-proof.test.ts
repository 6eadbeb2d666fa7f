import { describe, expect, it } from 'vitest';
import { proveSlot, verifySlotProof } from '../../../../engine/bus/slot-proof.ts';
import { generateSignedKeyPair } from '../../../../engine/crypto/signed-key.ts';

const DEVICE = '0193a5c3-0000-7000-8000-0000000000aa';

describe('bus slot proof', () => {
  const engine = generateSignedKeyPair();
  const device = generateSignedKeyPair();

  it('verifies the device’s proof for its id and the nonce asked', () => {
    const proof = proveSlot(device.private, engine.public, DEVICE, 'nonce-1')!;
    expect(verifySlotProof(engine.private, device.public, DEVICE, 'nonce-1', proof)).toBe(true);
  });

  it('refuses a proof for another nonce, another device or made with another key', () => {
    const proof = proveSlot(device.private, engine.public, DEVICE, 'nonce-1')!;
    expect(verifySlotProof(engine.private, device.public, DEVICE, 'nonce-2', proof)).toBe(false);
    const other = '0193a5c3-0000-7000-8000-0000000000bb';
    expect(verifySlotProof(engine.private, device.public, other, 'nonce-1', proof)).toBe(false);
    const stranger = proveSlot(generateSignedKeyPair().private, engine.public, DEVICE, 'nonce-1')!;
    expect(verifySlotProof(engine.private, device.public, DEVICE, 'nonce-1', stranger)).toBe(false);
    expect(verifySlotProof(engine.private, device.public, DEVICE, 'nonce-1', '')).toBe(false);
    expect(verifySlotProof(engine.private, device.public, DEVICE, 'nonce-1', '!!')).toBe(false);
  });
});
