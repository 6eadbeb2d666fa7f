import { createHash, randomFillSync } from 'node:crypto';
import { open } from 'node:fs/promises';

const MiB = 1024 * 1024;

/**
 * Writes `size` random bytes to `path` through one reused 1 MiB buffer, so making the file leaves
 * no garbage behind; returns their hex SHA-256.
 */
export async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const piece = Buffer.alloc(MiB);
  const file = await open(path, 'w');
  try {
    for (let left = size; left > 0; left -= MiB) {
      const chunk = piece.subarray(0, Math.min(MiB, left));
      randomFillSync(chunk);
      hash.update(chunk);
      await file.write(chunk);
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}
