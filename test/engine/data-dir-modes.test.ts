// The engine's data at rest (issue 9): its folder is 0700 and its database files 0600 even when
// the folder (or an older database) was already there with looser modes. On PostgreSQL the
// database lives with the server; the folder still holds the engine's secrets.
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_DATABASE_FILES } from '../support/backend.ts';
import { startTestEngine, tempDir } from '../support/engine.ts';
import { wire } from '../support/http.ts';
import { createProfile } from '../support/profiles.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('engine data folder modes', () => {
  it('tightens an existing 0755 folder and 0644 database files to 0700 and 0600', async () => {
    const dataDir = join(tempDir(), 'engine');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const previous = await startTestEngine({ dataDir });
    await createProfile(wire(previous.apiUrl));
    await previous.close();
    // As a restored backup might leave them.
    chmodSync(dataDir, 0o755);
    for (const name of [...LOCAL_DATABASE_FILES.slice(0, 1), 'engine-secrets.json'])
      chmodSync(join(dataDir, name), 0o644);
    for (const name of LOCAL_DATABASE_FILES.slice(1, 2)) {
      writeFileSync(join(dataDir, name), '', { mode: 0o644 });
      chmodSync(join(dataDir, name), 0o644);
    }

    const engine = await startTestEngine({ dataDir });
    try {
      await createProfile(wire(engine.apiUrl));
      expect(mode(dataDir)).toBe(0o700);
      for (const name of LOCAL_DATABASE_FILES) {
        expect(existsSync(join(dataDir, name)), name).toBe(true);
        expect(mode(join(dataDir, name)), name).toBe(0o600);
      }
      expect(mode(join(dataDir, 'engine-secrets.json'))).toBe(0o600);
    } finally {
      await engine.close();
    }
  });

  it('makes a fresh folder 0700 with 0600 files whatever the umask', async () => {
    const dataDir = join(tempDir(), 'fresh');
    const before = process.umask(0o000);
    let engine;
    try {
      engine = await startTestEngine({ dataDir });
    } finally {
      process.umask(before);
    }
    try {
      await createProfile(wire(engine.apiUrl));
      expect(mode(dataDir)).toBe(0o700);
      for (const name of [...LOCAL_DATABASE_FILES, 'engine-secrets.json'])
        expect(mode(join(dataDir, name)), name).toBe(0o600);
    } finally {
      await engine.close();
    }
  });
});
