// @ts-check
// The few Privicore calls this application makes (contract §5 and §7), with Node's own fetch.
// A failure becomes a PrivicoreError carrying the engine's status and reason key.

export class PrivicoreError extends Error {
  /**
   * @param {number} status
   * @param {string} reason
   * @param {string} message
   */
  constructor(status, reason, message) {
    super(message);
    this.name = 'PrivicoreError';
    this.status = status;
    this.reason = reason;
  }
}

/**
 * @typedef {object} Tokens
 * @property {string} clientId
 * @property {string} token the access token (1 h)
 * @property {string} refreshToken (30 days; each refresh replaces both)
 * @property {string} scope the granted scopes, space-separated
 * @property {string} expiresAt
 * @property {string} refreshTokenExpiresAt
 */

/**
 * @typedef {object} StoredFile
 * @property {string} token
 * @property {string} context
 * @property {string} fileName
 * @property {string | null} extension
 * @property {number} size
 * @property {string} createdAt
 */

/**
 * @param {Response} response
 * @returns {Promise<any>}
 */
async function answer(response) {
  const text = await response.text();
  /** @type {any} */
  let body;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  if (response.ok) return body;
  const reason = typeof body?.reason === 'string' ? body.reason : 'http.error';
  const message = typeof body?.message === 'string' ? body.message : `HTTP ${response.status}`;
  throw new PrivicoreError(response.status, reason, message);
}

/** @param {Record<string, string>} fields */
function form(fields) {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    body: new URLSearchParams(fields).toString(),
  };
}

export class Privicore {
  /**
   * @param {string} apiUrl the engine, e.g. http://127.0.0.1:9009
   * @param {{ clientId: string, clientSecret: string } | null} client
   */
  constructor(apiUrl, client) {
    this.apiUrl = apiUrl.replace(/\/+$/, '');
    this.client = client;
  }

  /** Contract §1.4 basic-client: `Basic base64(clientId:clientSecret)`. */
  basicClient() {
    if (!this.client) throw new Error('No client credentials yet.');
    const pair = `${this.client.clientId}:${this.client.clientSecret}`;
    return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  }

  /**
   * @param {string} path
   * @param {RequestInit & { headers?: Record<string, string> }} init
   */
  async call(path, init = {}) {
    return answer(await fetch(`${this.apiUrl}${path}`, init));
  }

  /**
   * Registers this application with a profile token of its owner (contract §14, owner steps):
   * register, wait for status 2, then the one sight of the client secret.
   * @param {string} ownerToken
   * @param {{ name: string, redirectUri: string, scopes: string[] }} app
   * @returns {Promise<{ applicationId: string, clientId: string, clientSecret: string }>}
   */
  async register(ownerToken, app) {
    const fields = new URLSearchParams({ name: app.name, redirectUri: app.redirectUri });
    for (const scope of app.scopes) fields.append('scopes[]', scope);
    const headers = {
      'x-dpt-authorization': ownerToken,
      'content-type': 'application/x-www-form-urlencoded',
    };
    const response = await fetch(`${this.apiUrl}/profile/oauth-application-register`, {
      method: 'POST',
      headers,
      body: fields.toString(),
    });
    await answer(response);
    const applicationId = response.headers.get('x-dpt-cab-id');
    if (!applicationId) throw new Error('The engine sent no command id.');
    // Having no channel, poll the command (contract §1.6); a vote may hold it for a while.
    for (let wait = 50; ; wait = Math.min(wait * 2, 2000)) {
      const status = await this.call(`/request-status/${applicationId}`);
      if (status === 'succeeded') break;
      if (status === 'rejected') throw new Error('The engine rejected the registration.');
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const { 'content-type': type, body } = form({ applicationId });
    const config = await this.call('/profile/retrieve-oauth-application-configuration', {
      method: 'POST',
      headers: { 'x-dpt-authorization': ownerToken, 'content-type': type },
      body,
    });
    return {
      applicationId,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
    };
  }

  /**
   * The code of a consent, with the client credentials and the consent's nonce (once).
   * @param {string} requestId
   * @param {string} nonce
   * @returns {Promise<string>}
   */
  async retrieveCode(requestId, nonce) {
    const { 'content-type': type, body } = form({ id: requestId, nonce });
    const code = await this.call('/oauth-application/retrieve-authorization-code', {
      method: 'POST',
      headers: { authorization: this.basicClient(), 'content-type': type },
      body,
    });
    return code.authorizationCode;
  }

  /**
   * @param {string} authorizationCode
   * @returns {Promise<Tokens>}
   */
  async exchange(authorizationCode) {
    const { 'content-type': type, body } = form({ authorization_code: authorizationCode });
    return this.call('/oauth-application/obtain-access-token', {
      method: 'POST',
      headers: { authorization: this.basicClient(), 'content-type': type },
      body,
    });
  }

  /**
   * Contract §5: the refresh token with its access token (which may have expired) in
   * `Authorization: Basic <token>`; both come back new.
   * @param {Tokens} tokens
   * @returns {Promise<Tokens>}
   */
  async refresh(tokens) {
    const { 'content-type': type, body } = form({ refresh_token: tokens.refreshToken });
    return this.call('/oauth-application/refresh-access-token', {
      method: 'POST',
      headers: { authorization: `Basic ${tokens.token}`, 'content-type': type },
      body,
    });
  }

  /**
   * The user's files (contract §7 list-data-tokens, scope data-token:read).
   * @param {string} accessToken
   * @returns {Promise<{ items: StoredFile[], meta: { count: number } }>}
   */
  async listFiles(accessToken) {
    return this.call('/data-token/list-data-tokens?perPage=100', {
      headers: { 'x-dpt-authorization': accessToken },
    });
  }

  /**
   * Ends this application's access (the access token revokes itself; this engine ends the
   * refresh token with it).
   * @param {string} accessToken
   */
  async disconnect(accessToken) {
    await this.call('/profile/revoke-authorization-token', {
      method: 'POST',
      headers: { 'x-dpt-authorization': accessToken },
    });
  }
}
