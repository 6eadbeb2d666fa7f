import { createHmac, createPublicKey, diffieHellman, timingSafeEqual } from 'node:crypto';
import { privateKeyFromHex } from '../crypto/signed-key.ts';

/*
 * Proof that a bus connection is the device itself, not just a holder of one of its tokens: asked
 * of a second connection that wants the slot of a device whose connection is still alive
 * (ws-device-bus.ts). The engine sends a random nonce and its public key; the device answers
 *   proof = HMAC-SHA256(X25519(device private key, engine public key),
 *                       "privicore-vault/bus-slot/1" ‖ 0x00 ‖ deviceId ‖ 0x00 ‖ nonce)
 * and the engine computes the same from its private key and the device's registered public key.
 * A device whose runtime has no private key (it brought its own and kept it elsewhere) cannot
 * prove anything and waits for the slot to free up. A copy of the whole bundle, private key and
 * all, is the device as far as anyone can tell.
 */

const LABEL = 'privicore-vault/bus-slot/1';
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

function rawFromSigned(signedHex: string): Buffer {
  return Buffer.from(signedHex.slice(8, 72), 'hex');
}

function agree(privateHex: string, peerSignedPublic: string): Buffer {
  return diffieHellman({
    privateKey: privateKeyFromHex(privateHex),
    publicKey: createPublicKey({
      key: Buffer.concat([SPKI_X25519_PREFIX, rawFromSigned(peerSignedPublic)]),
      format: 'der',
      type: 'spki',
    }),
  });
}

function mac(shared: Buffer, deviceId: string, nonce: string): Buffer {
  return createHmac('sha256', shared).update(`${LABEL}\0${deviceId}\0${nonce}`, 'utf8').digest();
}

/** The device's answer to a challenge, as base64url; undefined when the key agreement fails. */
export function proveSlot(
  devicePrivateKey: string,
  engineSignedPublicKey: string,
  deviceId: string,
  nonce: string,
): string | undefined {
  try {
    return mac(agree(devicePrivateKey, engineSignedPublicKey), deviceId, nonce).toString(
      'base64url',
    );
  } catch {
    return undefined;
  }
}

export function verifySlotProof(
  enginePrivateKey: string,
  deviceSignedPublicKey: string,
  deviceId: string,
  nonce: string,
  proof: string,
): boolean {
  let expected: Buffer;
  try {
    expected = mac(agree(enginePrivateKey, deviceSignedPublicKey), deviceId, nonce);
  } catch {
    return false;
  }
  const given = Buffer.from(proof, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
