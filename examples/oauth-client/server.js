#!/usr/bin/env node
// @ts-check
// Starts the example application. Configuration comes from the environment:
//
//   PRIVICORE_API_URL        the engine, e.g. http://127.0.0.1:9009 (required)
//   PORT                     where this application listens on 127.0.0.1 (default 8123; 0: any)
//   CLIENT_ID, CLIENT_SECRET credentials from Connected apps or `privicore-vault apps register`
//   PRIVICORE_OWNER_TOKEN    or: a profile token of the owner, to register this application now
//   APP_NAME                 the name to register under (default "Example file lister")

import { Privicore } from './privicore.js';
import { createExampleServer, SCOPES } from './app.js';

const env = process.env;
const apiUrl = env.PRIVICORE_API_URL;
if (!apiUrl) {
  process.stderr.write('Set PRIVICORE_API_URL to the engine, e.g. http://127.0.0.1:9009.\n');
  process.exit(2);
}
const port = Number(env.PORT ?? 8123);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`PORT must be a port number, got "${env.PORT}".\n`);
  process.exit(2);
}
if (!(env.CLIENT_ID && env.CLIENT_SECRET) && !env.PRIVICORE_OWNER_TOKEN) {
  process.stderr.write(
    'Give CLIENT_ID and CLIENT_SECRET (from Connected apps), or PRIVICORE_OWNER_TOKEN to register.\n',
  );
  process.exit(2);
}

const privicore = new Privicore(apiUrl, null);
// The redirect URI names the port, so the server listens before it registers.
let baseUrl = '';
const server = createExampleServer({
  privicore,
  get baseUrl() {
    return baseUrl;
  },
});
server.listen(port, '127.0.0.1', async () => {
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  try {
    if (env.CLIENT_ID && env.CLIENT_SECRET) {
      privicore.client = { clientId: env.CLIENT_ID, clientSecret: env.CLIENT_SECRET };
    } else {
      const registered = await privicore.register(
        /** @type {string} */ (env.PRIVICORE_OWNER_TOKEN),
        {
          name: env.APP_NAME || 'Example file lister',
          redirectUri: `${baseUrl}/callback`,
          scopes: SCOPES,
        },
      );
      privicore.client = registered;
      process.stdout.write(
        `Registered: CLIENT_ID=${registered.clientId} CLIENT_SECRET=${registered.clientSecret}\n` +
          'Keep them to start again with the same registration: the secret is not shown again.\n',
      );
    }
  } catch (error) {
    process.stderr.write(
      `Could not register: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`Example file lister on ${baseUrl}\n`);
});

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
