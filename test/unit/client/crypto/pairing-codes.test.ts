import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  approvalCommitment,
  approvalOwnerNonce,
  approvalVerificationCode,
  isApprovalValue,
  isFingerprint,
  isPairingSecret,
  newApprovalNonce,
  newPairingSecret,
  pairingProof,
  pairingVerificationCode,
  profileKeyFingerprint,
  verifyPairingProof,
} from '../../../../client/crypto/pairing-codes.ts';
import { generateProfileKeyPair } from '../../../../client/crypto/profile-key.ts';

interface PairingVector {
  name: string;
  profileSignedPublicKey: string;
  deviceSignedPublicKey: string;
  deviceIdentifier: string;
  fingerprint: string;
  pairingSecret: string;
  pairingProof: string;
  pairingCode: string;
  deviceNonce: string;
  ownerNonce: string;
  approvalCommitment: string;
  profilePrivateKey: string;
  approvalOwnerNonce: string;
  approvalCode: string;
}

const { vectors } = JSON.parse(
  readFileSync(new URL('../../../vectors/pairing-codes.json', import.meta.url), 'utf8'),
) as { vectors: PairingVector[] };

describe('pairing code vectors (made by pure-Python SHA-256 and HMAC)', () => {
  it.each(vectors)('$name', (v) => {
    expect(profileKeyFingerprint(v.profileSignedPublicKey)).toBe(v.fingerprint);
    expect(
      pairingProof(v.pairingSecret, v.deviceIdentifier, v.deviceSignedPublicKey, v.fingerprint),
    ).toBe(v.pairingProof);
    expect(
      verifyPairingProof(
        v.pairingProof,
        v.pairingSecret,
        v.deviceIdentifier,
        v.deviceSignedPublicKey,
        v.fingerprint,
      ),
    ).toBe(true);
    expect(
      pairingVerificationCode(
        v.pairingSecret,
        v.deviceIdentifier,
        v.deviceSignedPublicKey,
        v.fingerprint,
      ),
    ).toBe(v.pairingCode);
    expect(approvalCommitment(v.deviceIdentifier, v.deviceSignedPublicKey, v.deviceNonce)).toBe(
      v.approvalCommitment,
    );
    expect(approvalOwnerNonce(v.profilePrivateKey, v.deviceIdentifier, v.approvalCommitment)).toBe(
      v.approvalOwnerNonce,
    );
    expect(
      approvalVerificationCode(
        v.deviceIdentifier,
        v.deviceSignedPublicKey,
        v.profileSignedPublicKey,
        v.deviceNonce,
        v.ownerNonce,
      ),
    ).toBe(v.approvalCode);
  });
});

describe('pairing codes', () => {
  const profile = generateProfileKeyPair();
  const device = generateProfileKeyPair();
  const id = '0193a5c3-7d1e-7c4a-9b2f-3e8d1a6c5f01';
  const fp = profileKeyFingerprint(profile.publicKey);

  it('makes 128-bit secrets, 16-byte fingerprints and 32-byte nonces', () => {
    const secret = newPairingSecret();
    expect(secret).toHaveLength(22);
    expect(isPairingSecret(secret)).toBe(true);
    expect(isFingerprint(fp)).toBe(true);
    expect(isApprovalValue(newApprovalNonce())).toBe(true);
    expect(isPairingSecret(`${secret}A`)).toBe(false);
    expect(isFingerprint('not/base64')).toBe(false);
  });

  it('a proof holds only for its secret, device, key and fingerprint', () => {
    const secret = newPairingSecret();
    const proof = pairingProof(secret, id, device.publicKey, fp);
    expect(verifyPairingProof(proof, secret, id, device.publicKey, fp)).toBe(true);
    expect(verifyPairingProof(proof, newPairingSecret(), id, device.publicKey, fp)).toBe(false);
    expect(
      verifyPairingProof(
        proof,
        secret,
        '0193a5c3-0000-7000-8000-0000000000aa',
        device.publicKey,
        fp,
      ),
    ).toBe(false);
    expect(verifyPairingProof(proof, secret, id, generateProfileKeyPair().publicKey, fp)).toBe(
      false,
    );
    expect(
      verifyPairingProof(
        proof,
        secret,
        id,
        device.publicKey,
        profileKeyFingerprint(device.publicKey),
      ),
    ).toBe(false);
    expect(verifyPairingProof('', secret, id, device.publicKey, fp)).toBe(false);
  });

  it('codes are six digits in two groups and depend on every input', () => {
    const dn = newApprovalNonce();
    const on = newApprovalNonce();
    const code = approvalVerificationCode(id, device.publicKey, profile.publicKey, dn, on);
    expect(code).toMatch(/^\d{3} \d{3}$/);
    const others = [
      approvalVerificationCode(id, device.publicKey, profile.publicKey, dn, newApprovalNonce()),
      approvalVerificationCode(id, device.publicKey, profile.publicKey, newApprovalNonce(), on),
      approvalVerificationCode(id, device.publicKey, generateProfileKeyPair().publicKey, dn, on),
    ];
    // Each differs with probability 1 - 10^-6; three equal at once would be a bug.
    expect(others.every((other) => other === code)).toBe(false);
  });
});
