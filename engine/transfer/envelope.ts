import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { ChunkRef } from '../bus/device-bus.ts';

/*
 * The engine-layer envelope of one stored chunk (contract §9 leaves the format to the engine).
 * AES-256-GCM (NIST SP 800-38D) under the envelope key, with a random 12-byte IV per chunk:
 *
 *   byte 0        version, 0x01
 *   bytes 1–12    IV
 *   bytes 13–n-17 ciphertext (as long as the chunk)
 *   last 16 bytes GCM tag
 *
 * Additional data: UTF-8 "privicore-envelope/1/<itemId>/<index>" (index in decimal), so an
 * envelope served for another item or position fails its tag instead of yielding wrong bytes.
 * The envelope key is HKDF-SHA256 (RFC 5869) of the engine's seal key, empty salt, info
 * "privicore engine chunk envelope v1", 32 bytes: the seal key itself never touches chunks.
 */

const VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const ENVELOPE_OVERHEAD = 1 + IV_BYTES + TAG_BYTES;

export function deriveEnvelopeKey(sealKey: Buffer): Buffer {
  return Buffer.from(
    hkdfSync('sha256', sealKey, Buffer.alloc(0), 'privicore engine chunk envelope v1', 32),
  );
}

function additionalData(ref: ChunkRef): Buffer {
  return Buffer.from(`privicore-envelope/1/${ref.itemId}/${ref.index}`, 'utf8');
}

export function sealChunk(key: Buffer, ref: ChunkRef, chunk: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(additionalData(ref));
  const out = Buffer.allocUnsafe(ENVELOPE_OVERHEAD + chunk.length);
  out[0] = VERSION;
  iv.copy(out, 1);
  let offset = 1 + IV_BYTES;
  offset += cipher.update(chunk).copy(out, offset);
  offset += cipher.final().copy(out, offset);
  cipher.getAuthTag().copy(out, offset);
  return out;
}

/** The chunk inside the envelope, or undefined when the envelope is damaged or not this chunk's. */
export function openChunk(key: Buffer, ref: ChunkRef, envelope: Buffer): Buffer | undefined {
  if (envelope.length < ENVELOPE_OVERHEAD || envelope[0] !== VERSION) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, envelope.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(additionalData(ref));
    decipher.setAuthTag(envelope.subarray(envelope.length - TAG_BYTES));
    const chunk = decipher.update(envelope.subarray(1 + IV_BYTES, envelope.length - TAG_BYTES));
    // GCM's final() yields no bytes; it checks the tag (and throws when it fails).
    decipher.final();
    return chunk;
  } catch {
    return undefined;
  }
}
