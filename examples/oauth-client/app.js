// @ts-check
// The example application's web server: the whole OAuth flow of contract §14 from the
// application's side, for one user per browser session.
//
//   /connect   a fresh nonce, bound to this browser, and the consent link for Privicore Vault
//   /callback  the answer: error=access_denied, or request_id + nonce → code → tokens
//   /files     the user's files with the access token (refreshed once when it has expired)
//   /refresh   rotates the tokens on request; /disconnect ends the access
//
// Tokens stay in this process's memory only.

import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { connectPage, deniedPage, filesPage, homePage, problemPage } from './pages.js';
import { PrivicoreError } from './privicore.js';

/** Contract §1.4: reading the files' list. */
export const SCOPES = ['data-token:read'];

/**
 * @typedef {object} Session
 * @property {Set<string>} nonces consent requests this browser started and that await an answer
 * @property {import('./privicore.js').Tokens | null} tokens
 * @property {string | null} notice
 */

/**
 * @typedef {object} ExampleOptions
 * @property {import('./privicore.js').Privicore} privicore with client credentials
 * @property {string} baseUrl where this application is reached, e.g. http://127.0.0.1:8123
 */

/**
 * @param {string} clientId
 * @param {string} nonce
 * @param {string} redirectUri
 */
export function consentLink(clientId, nonce, redirectUri) {
  const query = new URLSearchParams({ client_id: clientId, nonce });
  for (const scope of SCOPES) query.append('scope[]', scope);
  query.set('redirect_uri', redirectUri);
  return `privicore://oauth/authorize?${query.toString()}`;
}

/** @param {ExampleOptions} options */
export function createExampleServer(options) {
  const { privicore } = options;
  // Read on use: the server may learn its own address (PORT=0) only once it listens.
  const redirectUri = () => `${options.baseUrl}/callback`;
  /** @type {Map<string, Session>} */
  const sessions = new Map();

  /**
   * The browser's session, made on first visit (an HttpOnly, SameSite cookie).
   * @param {import('node:http').IncomingMessage} request
   * @param {import('node:http').ServerResponse} response
   */
  function sessionOf(request, response) {
    const sid = /(?:^|;\s*)sid=([A-Za-z0-9_-]{43})/.exec(request.headers.cookie ?? '')?.[1];
    const known = sid ? sessions.get(sid) : undefined;
    if (sid && known) return known;
    const fresh = randomBytes(32).toString('base64url');
    /** @type {Session} */
    const session = { nonces: new Set(), tokens: null, notice: null };
    sessions.set(fresh, session);
    response.setHeader('set-cookie', `sid=${fresh}; HttpOnly; SameSite=Lax; Path=/`);
    return session;
  }

  /**
   * @param {import('node:http').ServerResponse} response
   * @param {number} status
   * @param {string} html
   */
  function send(response, status, html) {
    response.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    });
    response.end(html);
  }

  /**
   * @param {import('node:http').ServerResponse} response
   * @param {string} location
   */
  function redirect(response, location) {
    response.writeHead(303, { location });
    response.end();
  }

  /** @param {unknown} error */
  function describe(error) {
    return error instanceof PrivicoreError
      ? `The vault answered ${error.status} ${error.reason}: ${error.message}`
      : `The vault could not be reached (${error instanceof Error ? error.message : String(error)}).`;
  }

  /**
   * Lists the files; an expired access token is refreshed once (contract §5).
   * @param {Session} session
   */
  async function listFiles(session) {
    const tokens = /** @type {import('./privicore.js').Tokens} */ (session.tokens);
    try {
      return await privicore.listFiles(tokens.token);
    } catch (error) {
      if (!(error instanceof PrivicoreError) || error.reason !== 'auth.invalid_token') throw error;
      session.tokens = await privicore.refresh(tokens);
      session.notice = 'The access token had expired; it was refreshed.';
      return privicore.listFiles(session.tokens.token);
    }
  }

  /**
   * @param {import('node:http').IncomingMessage} request
   * @param {import('node:http').ServerResponse} response
   */
  async function handle(request, response) {
    const url = new URL(request.url ?? '/', options.baseUrl);
    const session = sessionOf(request, response);
    const route = `${request.method} ${url.pathname}`;

    if (route === 'GET /') {
      if (session.tokens) return redirect(response, '/files');
      return send(response, 200, homePage());
    }

    if (route === 'GET /connect') {
      const nonce = `n-${randomUUID()}`;
      session.nonces.add(nonce);
      const clientId = /** @type {{ clientId: string }} */ (privicore.client).clientId;
      return send(response, 200, connectPage(consentLink(clientId, nonce, redirectUri())));
    }

    if (route === 'GET /callback') {
      const nonce = url.searchParams.get('nonce') ?? '';
      // Only answers to requests this browser started count (the nonce is also our CSRF check).
      if (!session.nonces.delete(nonce))
        return send(
          response,
          400,
          problemPage(
            'Unexpected answer',
            'This answer is not for a request this browser made. Start again from Connect.',
          ),
        );
      if (url.searchParams.get('error') === 'access_denied')
        return send(response, 200, deniedPage());
      const requestId = url.searchParams.get('request_id');
      if (!requestId)
        return send(
          response,
          400,
          problemPage('Unexpected answer', 'The answer has no request id.'),
        );
      try {
        const code = await privicore.retrieveCode(requestId, nonce);
        session.tokens = await privicore.exchange(code);
        session.notice = null;
      } catch (error) {
        return send(response, 502, problemPage('Could not finish connecting', describe(error)));
      }
      return redirect(response, '/files');
    }

    if (route === 'GET /files') {
      if (!session.tokens) return redirect(response, '/');
      try {
        const files = await listFiles(session);
        const html = filesPage(files.items, {
          scope: session.tokens.scope,
          expiresAt: session.tokens.expiresAt,
          notice: session.notice,
        });
        session.notice = null;
        return send(response, 200, html);
      } catch (error) {
        if (error instanceof PrivicoreError && error.status === 401) {
          // Revoked, expired for good, or taken back: this application has no access any more.
          session.tokens = null;
          return send(response, 401, problemPage('Access ended', describe(error)));
        }
        return send(response, 502, problemPage('Could not list your files', describe(error)));
      }
    }

    if (route === 'POST /refresh') {
      if (!session.tokens) return redirect(response, '/');
      try {
        session.tokens = await privicore.refresh(session.tokens);
        session.notice =
          'The tokens were refreshed: both the access and the refresh token are new.';
      } catch (error) {
        session.tokens = null;
        return send(response, 401, problemPage('Access ended', describe(error)));
      }
      return redirect(response, '/files');
    }

    if (route === 'POST /disconnect') {
      const tokens = session.tokens;
      session.tokens = null;
      if (tokens) await privicore.disconnect(tokens.token).catch(() => undefined);
      return redirect(response, '/');
    }

    return send(response, 404, problemPage('Not found', 'There is no such page.'));
  }

  return createServer((request, response) => {
    handle(request, response).catch((error) => {
      if (!response.headersSent)
        send(response, 500, problemPage('Something broke', describe(error)));
      else response.end();
    });
  });
}
