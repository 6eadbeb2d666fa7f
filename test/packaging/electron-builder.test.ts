import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/engine.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

/**
 * Electron's binary cannot be downloaded here, so electron-builder gets a stand-in Electron
 * folder (a script named `electron`) and no native rebuild: everything else — the config, the
 * file selection, the asar with its unpacked native modules — is electron-builder's real work.
 */
function standInElectron(): string {
  const dir = tempDir('privicore-electron-dist-');
  writeFileSync(join(dir, 'electron'), '#!/bin/sh\necho "stand-in Electron"\n');
  chmodSync(join(dir, 'electron'), 0o755);
  const version = (
    JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  writeFileSync(join(dir, 'version'), `v${version}`);
  writeFileSync(join(dir, 'LICENSE'), '');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '');
  mkdirSync(join(dir, 'resources'));
  return dir;
}

describe('packaging', () => {
  it('electron-builder --dir packs the built app with its native modules unpacked', () => {
    const output = tempDir('privicore-release-');
    const run = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/electron-builder/cli.js'),
        '--dir',
        '--linux',
        `--config.electronDist=${standInElectron()}`,
        '--config.npmRebuild=false',
        `--config.directories.output=${output}`,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 300_000, env: { ...process.env, CI: 'true' } },
    );
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const app = join(output, 'linux-unpacked');
    expect(existsSync(join(app, 'privicore-vault'))).toBe(true);
    const asar = require('@electron/asar') as {
      listPackage(path: string, options: object): string[];
      extractFile(archive: string, file: string): Buffer;
    };
    const files = new Set(
      asar
        .listPackage(join(app, 'resources', 'app.asar'), {})
        .map((file) => file.replace(/\\/g, '/')),
    );
    for (const expected of [
      '/package.json',
      '/out/main/index.mjs',
      '/out/main/engine-process.mjs',
      '/out/preload/index.cjs',
      '/out/renderer/index.html',
      '/assets/icon.png',
      '/node_modules/better-sqlite3/package.json',
      '/node_modules/@napi-rs/keyring/package.json',
    ]) {
      expect(files, expected).toContain(expected);
    }
    // Test and dev-only packages stay out.
    expect([...files].some((file) => file.startsWith('/node_modules/vitest/'))).toBe(false);
    expect([...files].some((file) => file.startsWith('/test/'))).toBe(false);
    expect(
      existsSync(
        join(
          app,
          'resources',
          'app.asar.unpacked',
          'node_modules',
          'better-sqlite3',
          'build',
          'Release',
          'better_sqlite3.node',
        ),
      ),
    ).toBe(true);
    const packed = JSON.parse(
      asar.extractFile(join(app, 'resources', 'app.asar'), 'package.json').toString(),
    ) as { main: string };
    expect(packed.main).toBe('out/main/index.mjs');
  });
});
