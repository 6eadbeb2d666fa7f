// Where the CLI keeps its files: settings in the config directory, the embedded engine's data in
// the data directory. PRIVICORE_VAULT_CONFIG_DIR and PRIVICORE_VAULT_DATA_DIR override both (tests
// isolate themselves with them). Secrets go to neither: they live in the OS keychain.

import { homedir } from 'node:os';
import { join } from 'node:path';

const APP = 'privicore-vault';

export interface CliPaths {
  configDir: string;
  dataDir: string;
  configFile: string;
  /** The embedded engine's data folder (database, storage device folders). */
  engineDir: string;
}

export function cliPaths(env: NodeJS.ProcessEnv = process.env): CliPaths {
  const configDir = env['PRIVICORE_VAULT_CONFIG_DIR'] || join(platformConfigHome(env), APP);
  const dataDir = env['PRIVICORE_VAULT_DATA_DIR'] || join(platformDataHome(env), APP);
  return {
    configDir,
    dataDir,
    configFile: join(configDir, 'config.json'),
    engineDir: join(dataDir, 'engine'),
  };
}

function platformConfigHome(env: NodeJS.ProcessEnv): string {
  if (process.platform === 'win32') return env['APPDATA'] || join(homedir(), 'AppData', 'Roaming');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Preferences');
  return env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
}

function platformDataHome(env: NodeJS.ProcessEnv): string {
  if (process.platform === 'win32')
    return env['LOCALAPPDATA'] || join(homedir(), 'AppData', 'Local');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support');
  return env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share');
}
