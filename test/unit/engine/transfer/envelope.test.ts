import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  deriveEnvelopeKey,
  ENVELOPE_OVERHEAD,
  openChunk,
  sealChunk,
} from '../../../../engine/transfer/envelope.ts';

interface Vectors {
  keys: { sealKey: string; envelopeKey: string }[];
  vectors: {
    name: string;
    sealKey: string;
    itemId: string;
    index: number;
    chunk: string;
    envelope: string;
  }[];
}
const vectors = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../vectors/chunk-envelope.json'), 'utf8'),
) as Vectors;
const hex = (value: string) => Buffer.from(value, 'hex');

describe('engine chunk envelope', () => {
  it.each(vectors.keys)(
    'derives the envelope key of seal key $sealKey',
    ({ sealKey, envelopeKey }) => {
      expect(deriveEnvelopeKey(hex(sealKey)).toString('hex')).toBe(envelopeKey);
    },
  );

  it.each(vectors.vectors)('opens $name', (v) => {
    const key = deriveEnvelopeKey(hex(v.sealKey));
    expect(
      openChunk(key, { itemId: v.itemId, index: v.index }, hex(v.envelope))?.toString('hex'),
    ).toBe(v.chunk);
  });

  it.each(vectors.vectors)('refuses $name for another item or position, or damaged', (v) => {
    const key = deriveEnvelopeKey(hex(v.sealKey));
    const envelope = hex(v.envelope);
    expect(openChunk(key, { itemId: v.itemId, index: v.index + 1 }, envelope)).toBeUndefined();
    expect(
      openChunk(key, { itemId: '0193a5c3-0000-7000-8000-0000000000ff', index: v.index }, envelope),
    ).toBeUndefined();
    for (const at of [0, 1, 13, envelope.length - 1]) {
      const damaged = Buffer.from(envelope);
      damaged[at]! ^= 0x01;
      expect(
        openChunk(key, { itemId: v.itemId, index: v.index }, damaged),
        `byte ${at}`,
      ).toBeUndefined();
    }
    expect(
      openChunk(
        key,
        { itemId: v.itemId, index: v.index },
        envelope.subarray(0, ENVELOPE_OVERHEAD - 1),
      ),
    ).toBeUndefined();
    expect(
      openChunk(
        deriveEnvelopeKey(Buffer.alloc(32, 7)),
        { itemId: v.itemId, index: v.index },
        envelope,
      ),
    ).toBeUndefined();
  });

  it('seals with a fresh IV into the documented layout', () => {
    const key = deriveEnvelopeKey(Buffer.alloc(32, 1));
    const ref = { itemId: '0193a5c3-0000-7000-8000-000000000001', index: 3 };
    const chunk = Buffer.from('the same bytes twice');
    const [a, b] = [sealChunk(key, ref, chunk), sealChunk(key, ref, chunk)];
    expect(a.length).toBe(chunk.length + ENVELOPE_OVERHEAD);
    expect(a[0]).toBe(1);
    expect(a.equals(b)).toBe(false);
    expect(openChunk(key, ref, a)?.equals(chunk)).toBe(true);
    expect(openChunk(key, ref, b)?.equals(chunk)).toBe(true);
  });
});
