import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  decryptBuffer,
  decryptStream,
  decryptToFile,
  encryptBuffer,
  encryptedSize,
  encryptStream,
  encryptWithIv,
} from '../../../../client/crypto/gcm-stream.ts';

interface GcmVector {
  name: string;
  key: string;
  iv: string;
  plaintext: string;
  ciphertext: string;
  tag: string;
  wire: string;
}

const { vectors } = JSON.parse(
  readFileSync(new URL('../../../vectors/gcm-stream.json', import.meta.url), 'utf8'),
) as {
  vectors: GcmVector[];
};
const hex = (text: string): Buffer => Buffer.from(text, 'hex');
const TAMPERED = {
  code: 'ERR_TAMPERED',
  message: 'The file failed its integrity check (it was altered or is corrupt).',
};

// Deterministic piece sizes (1..max) so a failure reproduces; mulberry32.
function pieceSizes(seed: number, max: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return 1 + ((((t ^ (t >>> 14)) >>> 0) % max) >>> 0);
  };
}

function split(data: Buffer, seed: number, max: number): Buffer[] {
  const next = pieceSizes(seed, max);
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length;) {
    const size = next();
    pieces.push(data.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

async function run(transform: Transform, pieces: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces), transform, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk);
  });
  return Buffer.concat(out);
}

function flipBit(data: Buffer, index: number): Buffer {
  const copy = Buffer.from(data);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

describe('gcm-stream vectors (McGrew-Viega AES-256 cases 13-15, and ours)', () => {
  it.each(vectors)('$name: encryptWithIv gives the wire bytes', (v) => {
    expect(encryptWithIv(hex(v.key), hex(v.iv), hex(v.plaintext)).toString('hex')).toBe(v.wire);
    expect(v.wire).toBe(v.iv + v.ciphertext + v.tag);
  });

  it.each(vectors)('$name: decryptBuffer and decryptStream recover the plaintext', async (v) => {
    expect(decryptBuffer(hex(v.key), hex(v.wire)).toString('hex')).toBe(v.plaintext);
    const bytewise = [...hex(v.wire)].map((byte) => Buffer.from([byte]));
    expect((await run(decryptStream(hex(v.key)), bytewise)).toString('hex')).toBe(v.plaintext);
  });

  it.each(vectors)('$name: a changed tag fails', (v) => {
    const wire = hex(v.wire);
    expect(() => decryptBuffer(hex(v.key), flipBit(wire, wire.length - 1))).toThrow(
      expect.objectContaining(TAMPERED),
    );
  });
});

describe('encryptedSize', () => {
  it('adds the 12-byte IV and the 16-byte tag', () => {
    expect(encryptedSize(0)).toBe(28);
    expect(encryptedSize(1)).toBe(29);
    expect(encryptedSize(70 * 1024)).toBe(70 * 1024 + 28);
  });

  it('refuses sizes that are not non-negative integers', () => {
    expect(() => encryptedSize(-1)).toThrow(RangeError);
    expect(() => encryptedSize(1.5)).toThrow(RangeError);
  });
});

describe('encryptStream and decryptStream', () => {
  const key = randomBytes(32);
  const sizes = [
    0,
    1,
    11,
    12,
    15,
    16,
    17,
    27,
    28,
    29,
    100,
    4095,
    4096,
    65535,
    65536,
    65537,
    70 * 1024,
  ];

  it.each(sizes)('round-trips %i bytes fed in odd-sized pieces', async (size) => {
    const plaintext = randomBytes(size);
    const encrypted = await run(encryptStream(key), split(plaintext, size + 1, 7919));
    expect(encrypted.length).toBe(encryptedSize(size));
    expect(decryptBuffer(key, encrypted).equals(plaintext)).toBe(true);
    for (const [seed, max] of [
      [size + 2, 1],
      [size + 3, 13],
      [size + 4, 17],
      [size + 5, 4099],
      [size + 6, 80 * 1024],
    ] as const) {
      const decrypted = await run(decryptStream(key), split(encrypted, seed, max));
      expect(decrypted.equals(plaintext)).toBe(true);
    }
  });

  it('puts the IV out before any plaintext arrives', () => {
    const stream = encryptStream(key);
    const first: unknown = stream.read();
    expect(Buffer.isBuffer(first) && first.length).toBe(12);
    stream.destroy();
  });

  it('uses a fresh IV each time', async () => {
    const plaintext = Buffer.from('same plaintext');
    const a = await run(encryptStream(key), [plaintext]);
    const b = await run(encryptStream(key), [plaintext]);
    expect(a.subarray(0, 12).equals(b.subarray(0, 12))).toBe(false);
    expect(encryptBuffer(key, plaintext).equals(encryptBuffer(key, plaintext))).toBe(false);
  });

  it('emits plaintext before the end, holding back only the last 16 bytes', () => {
    const plaintext = randomBytes(1000);
    const wire = encryptBuffer(key, plaintext);
    const stream = decryptStream(key);
    stream.write(wire);
    const early: unknown = stream.read();
    expect(Buffer.isBuffer(early) && early.equals(plaintext)).toBe(true);
    stream.destroy();
  });

  it('fails a stream whose bytes were altered, with ERR_TAMPERED', async () => {
    const wire = encryptBuffer(key, randomBytes(5000));
    for (const index of [0, 11, 12, 2500, wire.length - 17, wire.length - 16, wire.length - 1]) {
      await expect(
        run(decryptStream(key), split(flipBit(wire, index), index, 997)),
      ).rejects.toMatchObject(TAMPERED);
    }
  });

  it('fails a truncated or extended stream, with ERR_TAMPERED', async () => {
    const wire = encryptBuffer(key, randomBytes(100));
    for (const cut of [0, 1, 12, 27, 28, wire.length - 1]) {
      await expect(run(decryptStream(key), [wire.subarray(0, cut)])).rejects.toMatchObject(
        TAMPERED,
      );
    }
    await expect(run(decryptStream(key), [wire, Buffer.from([0])])).rejects.toMatchObject(TAMPERED);
  });

  it('fails under the wrong key, with ERR_TAMPERED', async () => {
    const wire = encryptBuffer(key, Buffer.from('secret'));
    await expect(run(decryptStream(randomBytes(32)), [wire])).rejects.toMatchObject(TAMPERED);
    expect(() => decryptBuffer(randomBytes(32), wire)).toThrow(expect.objectContaining(TAMPERED));
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => encryptStream(randomBytes(16))).toThrow(RangeError);
    expect(() => decryptStream(randomBytes(31))).toThrow(RangeError);
    expect(() => encryptBuffer(randomBytes(24), Buffer.alloc(1))).toThrow(RangeError);
    expect(() => decryptBuffer(randomBytes(33), Buffer.alloc(28))).toThrow(RangeError);
    expect(() => encryptWithIv(randomBytes(32), Buffer.alloc(16), Buffer.alloc(1))).toThrow(
      RangeError,
    );
  });

  it('decryptBuffer refuses input shorter than IV and tag', () => {
    expect(() => decryptBuffer(key, Buffer.alloc(27))).toThrow(expect.objectContaining(TAMPERED));
  });
});

describe('decryptToFile', () => {
  const key = randomBytes(32);
  let dir: string;
  let target: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gcm-stream-'));
    target = join(dir, 'report.pdf');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the plaintext and reports progress in plaintext bytes', async () => {
    const plaintext = randomBytes(70 * 1024 + 3);
    const progress: number[] = [];
    const result = await decryptToFile(
      Readable.from(split(encryptBuffer(key, plaintext), 9, 5003)),
      key,
      target,
      {
        onProgress: (bytes) => progress.push(bytes),
      },
    );
    expect(result).toEqual({ bytes: plaintext.length });
    expect((await readFile(target)).equals(plaintext)).toBe(true);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(plaintext.length);
    expect(progress.every((bytes, i) => i === 0 || bytes > (progress[i - 1] ?? 0))).toBe(true);
    expect(await readdir(dir)).toEqual(['report.pdf']);
  });

  it('writes an empty plaintext as an empty file', async () => {
    expect(
      await decryptToFile(Readable.from([encryptBuffer(key, Buffer.alloc(0))]), key, target),
    ).toEqual({ bytes: 0 });
    expect((await readFile(target)).length).toBe(0);
  });

  it('writes through a private temporary file beside the target', async () => {
    const seen: { name: string; mode: number }[] = [];
    await decryptToFile(
      Readable.from(split(encryptBuffer(key, randomBytes(50_000)), 3, 4000)),
      key,
      target,
      {
        onProgress: () => {
          if (seen.length > 0) return;
          for (const name of readdirSync(dir))
            seen.push({ name, mode: statSync(join(dir, name)).mode & 0o777 });
        },
      },
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]?.name).toMatch(/^\.report\.pdf\.[0-9a-f]+\.partial$/);
    // POSIX permission bits only; Windows reports what its ACLs allow.
    if (process.platform !== 'win32') expect(seen[0]?.mode).toBe(0o600);
    expect(await readdir(dir)).toEqual(['report.pdf']);
  });

  it.each([
    ['a bit of the IV', (wire: Buffer) => flipBit(wire, 3)],
    ['a bit of the ciphertext', (wire: Buffer) => flipBit(wire, 12 + 20_000)],
    ['a bit of the tag', (wire: Buffer) => flipBit(wire, wire.length - 5)],
    ['the last byte cut off', (wire: Buffer) => wire.subarray(0, wire.length - 1)],
    ['all but the IV cut off', (wire: Buffer) => wire.subarray(0, 12)],
    ['input shorter than 28 bytes', (wire: Buffer) => wire.subarray(0, 27)],
    ['no input at all', () => Buffer.alloc(0)],
  ])('rejects with ERR_TAMPERED and leaves no file when %s', async (_name, alter) => {
    const wire = alter(encryptBuffer(key, randomBytes(40_000)));
    const source = Readable.from(wire.length > 0 ? split(wire, 5, 3001) : []);
    await expect(decryptToFile(source, key, target)).rejects.toMatchObject(TAMPERED);
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves an existing target as it was when decryption fails, and replaces it on success', async () => {
    await writeFile(target, 'the old contents');
    const wire = encryptBuffer(key, Buffer.from('the new contents'));
    await expect(
      decryptToFile(Readable.from([flipBit(wire, 20)]), key, target),
    ).rejects.toMatchObject(TAMPERED);
    expect(await readFile(target, 'utf8')).toBe('the old contents');
    expect(await readdir(dir)).toEqual(['report.pdf']);

    await decryptToFile(Readable.from([wire]), key, target);
    expect(await readFile(target, 'utf8')).toBe('the new contents');
    expect(await readdir(dir)).toEqual(['report.pdf']);
  });

  it('stops on abort and leaves no file', async () => {
    const controller = new AbortController();
    const wire = encryptBuffer(key, randomBytes(64 * 1024));
    // Sends half the ciphertext, then waits for more that never comes.
    const source = new Readable({ read() {} });
    source.push(wire.subarray(0, wire.length / 2));
    const pending = decryptToFile(source, key, target, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(source.destroyed).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses to start when already aborted', async () => {
    const source = Readable.from([encryptBuffer(key, Buffer.from('x'))]);
    await expect(
      decryptToFile(source, key, target, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(source.destroyed).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects with a source error raised mid-stream and leaves no file', async () => {
    const wire = encryptBuffer(key, randomBytes(10_000));
    const source = new Readable({ read() {} });
    source.push(wire.subarray(0, 5000));
    const pending = decryptToFile(source, key, target, {
      onProgress: () => source.destroy(new Error('connection reset')),
    });
    await expect(pending).rejects.toThrow('connection reset');
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects with a source error raised while the temporary file opens, without crashing', async () => {
    const source = new Readable({ read() {} });
    const pending = decryptToFile(source, key, target);
    // Emitted before the pipeline has attached its listeners.
    source.destroy(new Error('connection reset'));
    await expect(pending).rejects.toThrow('connection reset');
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects when the target folder does not exist, and releases the source', async () => {
    const source = Readable.from([encryptBuffer(key, Buffer.from('x'))]);
    await expect(decryptToFile(source, key, join(dir, 'missing', 'file'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(source.destroyed).toBe(true);
  });
});
