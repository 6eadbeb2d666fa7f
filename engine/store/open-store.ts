import type { Logger } from '../log.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

/**
 * The engine's store (STYLE §5: one interface, the implementation picked at startup): SQLite in
 * the data folder by default, PostgreSQL when a `postgres://` URL is given (several engine
 * nodes on one database, DESIGN "Scale").
 */
export async function openStore(options: {
  dataDir: string;
  databaseUrl?: string;
  log: Logger;
}): Promise<{ store: Store; kind: 'sqlite' | 'postgres' }> {
  if (options.databaseUrl === undefined) {
    return { store: openSqliteStore(options.dataDir), kind: 'sqlite' };
  }
  const url = new URL(options.databaseUrl);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new Error(`--database-url must be a postgres:// URL, got ${url.protocol}//…`);
  // PostgreSQL's client loads only for a node that uses it: SQLite engines start without it.
  const { openPostgresStore } = await import('./postgres.ts');
  return {
    store: await openPostgresStore({ url: options.databaseUrl, log: options.log }),
    kind: 'postgres',
  };
}
