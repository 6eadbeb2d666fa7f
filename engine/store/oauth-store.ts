/**
 * Store seam for OAuth applications (contract §5): applications, the consents given to them
 * (authorization requests and their codes), the grants a code was exchanged for, and the refresh
 * tokens of each grant. Every secret, code and token is kept only as its digest
 * (crypto/tokens.ts). Access tokens live in the `tokens` table with kind `oauth` and their grant.
 */

export interface OAuthApplicationRecord {
  /** The register command's id (contract §1.6). */
  id: string;
  profileId: string;
  clientId: string;
  name: string;
  redirectUri: string;
  scopes: string[];
  /** Digest of the client secret; null until retrieve-application-configuration made it. */
  secretHash: string | null;
  createdAt: number;
  /** Set by revoke: the application is gone for every endpoint; the row keeps consents readable. */
  revokedAt: number | null;
}

/** A consent: a profile said yes to an application (request-authorization-code at status 2). */
export interface OAuthRequestRecord {
  /** The request id = the command id. */
  id: string;
  applicationId: string;
  /** The consenting profile. */
  profileId: string;
  /** The device whose token consented; null for a profile token. */
  deviceId: string | null;
  nonce: string;
  /** The grant: requested scopes within the application's. */
  scopes: string[];
  createdAt: number;
  codeHash: string | null;
  codeExpiresAt: number | null;
  codeUsedAt: number | null;
}

export interface OAuthGrantRecord {
  id: string;
  applicationId: string;
  requestId: string;
  profileId: string;
  scopes: string[];
  createdAt: number;
  revokedAt: number | null;
}

export interface OAuthRefreshRecord {
  hash: string;
  grantId: string;
  /** Digest of the access token issued with it: a refresh must present that one (contract §5). */
  accessHash: string;
  expiresAt: number;
  /** Set when it was rotated; a second use means it was copied (see domain/oauth-tokens.ts). */
  usedAt: number | null;
}

export interface OAuthApplicationRepo {
  insert(application: OAuthApplicationRecord): Promise<void>;
  byId(id: string): Promise<OAuthApplicationRecord | undefined>;
  byClientId(clientId: string): Promise<OAuthApplicationRecord | undefined>;
  /** The profile's live applications, oldest first. */
  listByProfile(profileId: string): Promise<OAuthApplicationRecord[]>;
  /** Stores the secret's digest; false when one was already made (single retrieval). */
  setSecret(id: string, secretHash: string): Promise<boolean>;
  revoke(id: string, at: number): Promise<void>;
}

export interface OAuthRequestRepo {
  insert(request: OAuthRequestRecord): Promise<void>;
  byId(id: string): Promise<OAuthRequestRecord | undefined>;
  byCodeHash(codeHash: string): Promise<OAuthRequestRecord | undefined>;
  nonceUsed(applicationId: string, nonce: string): Promise<boolean>;
  /** Records the code's digest; false when the code was already retrieved or the consent ended. */
  issueCode(id: string, codeHash: string, expiresAt: number): Promise<boolean>;
  /** Marks the code used; false when it already was (single use under concurrency). */
  consumeCode(id: string, at: number): Promise<boolean>;
  /**
   * Ends every code of an application that was not exchanged yet (for one consenting profile
   * when given); a consent whose code was not retrieved yet can then never be.
   */
  expireCodes(applicationId: string, profileId: string | null, at: number): Promise<void>;
  /** The profile's consents, newest first. */
  listByProfile(profileId: string, limit: number): Promise<OAuthRequestRecord[]>;
}

export interface OAuthGrantRepo {
  insert(grant: OAuthGrantRecord): Promise<void>;
  byId(id: string): Promise<OAuthGrantRecord | undefined>;
  byRequest(requestId: string): Promise<OAuthGrantRecord | undefined>;
  /** Live grants of an application, of one consenting profile when given. */
  liveFor(applicationId: string, profileId: string | null): Promise<OAuthGrantRecord[]>;
  revoke(id: string, at: number): Promise<void>;
}

export interface OAuthRefreshRepo {
  insert(token: OAuthRefreshRecord): Promise<void>;
  byHash(hash: string): Promise<OAuthRefreshRecord | undefined>;
  /** Marks it rotated; false when it already was. */
  markUsed(hash: string, at: number): Promise<boolean>;
  /** Whether the grant still has a refresh token that is neither used nor expired at `at`. */
  liveForGrant(grantId: string, at: number): Promise<boolean>;
  /** Forgets refresh tokens that expired before `at` (a used one is kept until then, for reuse detection). */
  pruneExpiredBefore(at: number): Promise<number>;
}
