// The compiled programs and the engine's compiled library entry points (out/, built once per
// run by test/global-setup.ts): the CLI and engine tests run the build, so the build is what is
// tested. Types come from the sources the build was made from.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = join(import.meta.dirname, '..', '..');
export const OUT = join(ROOT, 'out');

/** `node out/engine/main.mjs` (what `npm run engine` runs). */
export const ENGINE_MAIN = join(OUT, 'engine', 'main.mjs');
/** `node out/engine/storage-device.mjs` (what `npm run storage-device` runs). */
export const STORAGE_DEVICE_MAIN = join(OUT, 'engine', 'storage-device.mjs');

async function load<T>(entry: string): Promise<T> {
  return (await import(pathToFileURL(join(OUT, 'lib', entry)).href)) as T;
}

export const compiledServer =
  await load<typeof import('../../engine/server.ts')>('engine-server.mjs');
export const compiledHost = await load<typeof import('../../engine/host.ts')>('engine-host.mjs');
export const compiledDeviceThread = await load<
  typeof import('../../engine/devices/storage-device-thread.ts')
>('storage-device-thread.mjs');
export const compiledStorageDevice =
  await load<typeof import('../../engine/devices/storage-device.ts')>('storage-device.mjs');
