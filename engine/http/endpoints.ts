// The Privicore wire contract's endpoint list (contract version 1.0), carried into the project
// as data, one line per endpoint: routes are registered from it (engine/http/route.ts), their
// required fields come from it, and the conformance tests walk it. Nothing reads the contract at
// run time; test/unit/engine/http/endpoints.test.ts checks this table against a transcript of
// the contract's privicore-endpoints.json (test/vectors/contract-endpoints.json).
//
// A line reads:
//   <id> <METHOD> <path> <auth> <kind> <body> <success> [(extension)] [<in>: <param>…]… [alias: <METHOD> <path>]…
// - `(extension)`: the contract itself marks the endpoint "(extension)".
// - <in> is path, query, form, json or header; each `<in>:` opens that group of parameters.
// - <param> is <name>[?][:<type>]: `?` optional, else required; type string unless stated
//   (integer, array, object).
// - A leading `+` on a parameter or an id marks what this project adds beyond the contract
//   (README, "Extensions to the contract"); the contract test allows exactly those differences.

export type EndpointAuth =
  'public' | 'token' | 'basic-client' | 'basic-access-token' | 'query-auth';
export type EndpointKind = 'sync' | 'async-command' | 'async-request' | 'stream';
export type EndpointBody = 'none' | 'form' | 'json' | 'raw';
export type HttpMethod = 'GET' | 'POST';
export type ParamLocation = 'path' | 'query' | 'form' | 'json' | 'header';
export type ParamType = 'string' | 'integer' | 'array' | 'object';

export interface EndpointParam {
  readonly name: string;
  readonly in: ParamLocation;
  readonly type: ParamType;
  readonly required: boolean;
  /** Added by this project beyond the contract. */
  readonly projectExtension: boolean;
}

export interface Endpoint {
  readonly id: string;
  readonly area: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly aliases: readonly { readonly method: HttpMethod; readonly path: string }[];
  readonly auth: EndpointAuth;
  readonly kind: EndpointKind;
  readonly body: EndpointBody;
  readonly params: readonly EndpointParam[];
  readonly success: number;
  /** The contract marks this endpoint "(extension)". */
  readonly extension: boolean;
  /** Added by this project beyond the contract. */
  readonly projectExtension: boolean;
}

const endpointLines = [
  'websocket.channel                                    GET /ws                                                      public stream none 101',
  'utility.health                                       GET /health                                                  public sync none 200',
  'utility.request-status                               GET /request-status/{commandId}                              public sync none 200 path: commandId alias: POST /request-status/{commandId}',
  'profile.register-profile                             POST /profile/register-profile                               public async-command form 202 form: username password',
  'profile.authenticate                                 POST /profile/authenticate                                   public sync form 200 form: username password',
  'profile.retrieve-profile-id                          GET /profile/retrieve-profile-id                             token sync none 200',
  'profile.change-password                              POST /profile/change-password                                token async-command form 202 form: currentPassword newPassword',
  'profile.generate-token-qr                            POST /profile/generate-token-qr                              token sync none 200 alias: POST /profile/generate-qr-token-for-authorization',
  'profile.redeem-token-qr                              POST /profile/redeem-token-qr                                public sync form 200 (extension) form: qrToken deviceName publicKey?',
  'profile.reauthorize-authorization-token              POST /profile/reauthorize-authorization-token                token sync form 200 form: ttl?:integer',
  'profile.revoke-authorization-token                   POST /profile/revoke-authorization-token                     token sync none 200',
  '+profile.revoke-other-authorization-tokens          POST /profile/revoke-other-authorization-tokens              token sync none 200',
  'profile.authorization-token-expiry                   POST /profile/authorization-token/expiry                     token sync none 200 alias: GET /profile/retrieve-token-expiry',
  'oauth.register-application                           POST /profile/oauth-application-register                     token async-command form 202 form: name redirectUri scopes:array',
  'oauth.retrieve-application-configuration             POST /profile/retrieve-oauth-application-configuration       token sync form 200 form: applicationId',
  'oauth.request-authorization-code                     GET /profile/oauth-application-request-authorization-code    token async-command none 202 query: client_id nonce scope:array',
  'oauth.retrieve-authorization-code                    POST /oauth-application/retrieve-authorization-code          basic-client sync form 200 form: id nonce',
  'oauth.obtain-access-token                            POST /oauth-application/obtain-access-token                  basic-client sync form 200 form: authorization_code',
  'oauth.refresh-access-token                           POST /oauth-application/refresh-access-token                 basic-access-token sync form 200 form: refresh_token',
  'oauth.list-applications                              GET /profile/retrieve-oauth-application-list                 token sync none 200',
  'oauth.retrieve-application-scope                     GET /oauth-application/retrieve-oauth-application-scope      basic-access-token sync none 200 alias: POST /oauth-application/retrieve-oauth-application-scope',
  'oauth.revoke-application                             POST /profile/oauth-application-revoke                       token async-command form 202 (extension) form: applicationId',
  '+oauth.describe-application                         GET /oauth-application/describe                              token sync none 200 query: +client_id',
  '+oauth.list-consents                                GET /profile/retrieve-oauth-application-consent-list         token sync none 200',
  '+oauth.revoke-consent                               POST /profile/oauth-application-consent-revoke               token sync form 200 form: +clientId',
  'public-key.generate-keys                             GET /generate-keys                                           public sync none 200',
  'public-key.register-public-key                       POST /public-key/register-public-key                         token async-command form 202 form: publicKey',
  'public-key.retrieve-public-key                       GET /public-key/retrieve-public-key                          token sync none 200',
  'public-key.retrieve-engine-public-key                GET /dptcab/public-key                                       public sync none 200 alias: GET /public-key/retrieve-cab-public-key',
  'data-token.reserve-token-space                       POST /data-token/reserve-token-space                         token async-command form 202 form: context ttl?:integer meta?',
  'data-token.retrieve-temporary-data-token             GET /data-token/retrieve-temporary-data-token/{commandId}    token sync none 200 path: commandId',
  'data-token.exchange-data-for-token                   POST /data-token/exchange-data-for-token                     token async-command form 202 form: temporaryTokenSpace data',
  'data-token.upstream                                  POST /upstream                                               query-auth stream raw 202 query: auth',
  'data-token.request-data                              POST /data-token/request-data                                token async-request form 202 form: token',
  'data-token.download                                  GET /downstream                                              query-auth stream none 200 query: auth header: Range?',
  'data-token.configure-file-meta                       POST /data-token/configure-file-meta                         token sync form 200 form: token fileName extension? context? size:integer path?',
  'data-token.configure-information-security-risk-meta  POST /data-token/configure-information-security-risk-meta    token async-command form 202 form: token',
  'data-token.list-data-tokens                          GET /data-token/list-data-tokens                             token sync none 200 query: page?:integer perPage?:integer context? +folder? q? sort? order?',
  'data-token.update-data-token                         POST /data-token/update-data-token                           token async-command form 202 form: token fileName? extension? context? path?',
  'data-token.delete-data                               POST /data-token/delete-data                                 token async-command form 202 form: token',
  'data-token.transaction-count-statistics              GET /data-token/transaction-count-statistics                 token sync none 200 (extension) query: from? to?',
  'device.request-unique-identifier                     POST /device/request-unique-identifier                       token async-command form 202 form: deviceName publicKey?',
  'device.retrieve-unique-identifier                    POST /device/retrieve-unique-identifier                      token sync form 200 form: id',
  'device.retrieve-profile-devices                      GET /device/retrieve-profile-devices                         token sync none 200',
  'device.configure-meta                                POST /device/configure-meta                                  token async-command form 202 form: deviceIdentifier name?',
  'device.approve-device                                POST /device/approve-device                                  token async-command form 202 form: deviceIdentifier',
  'device.reject-device                                 POST /device/reject-device                                   token async-command form 202 form: deviceIdentifier',
  'device.download-device-configuration                 POST /device/download-device-configuration                   token sync form 200 form: deviceIdentifier alias: GET /device/retrieve-device-configuration',
  'device.remove                                        POST /device/remove                                          token async-command form 202 form: deviceIdentifier',
  'storage.register                                     POST /storage/register                                       token async-command form 202 form: deviceIdentifier',
  'storage.list-storage-devices                         GET /storage/list-storage-devices                            token sync none 200',
  'storage.synchronize                                  POST /storage/synchronize                                    token async-command form 202 (extension) form: deviceIdentifier',
  'storage.remove                                       POST /storage/remove                                         token async-command form 202 form: deviceIdentifier',
  'verified-authenticator.register                      POST /verified-authenticator/register                        token async-command form 202 form: deviceIdentifier',
  'verified-authenticator.list                          GET /verified-authenticator/list                             token sync none 200 (extension)',
  'verified-authenticator.retrieve-strategy             GET /verified-authenticator/retrieve-strategy                token sync none 200 (extension)',
  'verified-authenticator.set-quorum-size               POST /verified-authenticator/set-quorum-size                 token async-command form 202 (extension) form: quorumSize:integer',
  'verified-authenticator.set-quorum-strategy           POST /verified-authenticator/set-quorum-strategy             token async-command form 202 form: strategy strategy_params?',
  'verified-authenticator.set-voting-time-limit         POST /verified-authenticator/set-voting-time-limit           token async-command form 202 (extension) form: timeLimit:integer',
  'verified-authenticator.set-maximum-voting-attempts   POST /verified-authenticator/set-maximum-voting-attempts     token async-command form 202 (extension) form: maxAttempts:integer',
  'verified-authenticator.remove                        POST /verified-authenticator/remove                          token async-command form 202 (extension) form: deviceIdentifier',
  'verified-authenticator.voting-configuration-register POST /verified-authenticator/voting-configuration/register   token async-command json 202 json: name timeLimit:integer strategy percentageRequired?:integer deviceIdentifiers:array',
  'verified-authenticator.voting-configuration-update   POST /verified-authenticator/voting-configuration/update     token async-command json 202 (extension) json: votingConfigurationId name? timeLimit?:integer strategy? percentageRequired?:integer deviceIdentifiers?:array',
  'verified-authenticator.voting-configuration-list     GET /verified-authenticator/voting-configuration/list        token sync none 200 (extension)',
  'verified-authenticator.voting-configuration-retrieve GET /verified-authenticator/voting-configuration/retrieve/{nameOrId} token sync none 200 (extension) path: nameOrId',
  'verified-authenticator.voting-configuration-delete   POST /verified-authenticator/voting-configuration/delete     token async-command form 202 (extension) form: votingConfigurationId',
  'policy.list-policy-templates                         GET /policy/list-policy-templates                            token sync none 200',
  'policy.register                                      POST /policy/register                                        token async-command json 202 json: name? policyTemplateId applyingEventIds:array configuration?:object configurationId? votingConfigurationId?',
  'policy.list-active                                   GET /policy/list-active                                      token sync none 200 (extension)',
  'policy.list-inactive                                 GET /policy/list-inactive                                    token sync none 200 (extension)',
  'policy.list                                          GET /policy/list                                             token sync none 200 (extension)',
  'policy.activate                                      POST /policy/activate                                        token async-command form 202 form: policyId? name?',
  'policy.deactivate                                    POST /policy/deactivate                                      token async-command form 202 form: policyId? name?',
  'policy.delete                                        POST /policy/delete                                          token async-command form 202 (extension) form: policyId? name?',
  'policy.retrieve-policy                               GET /policy/retrieve-policy/{nameOrId}                       token sync none 200 path: nameOrId',
  'voting.create                                        POST /voting/create                                          token async-command form 202 (extension) form: votingConfigurationId? subject context?',
  'voting.check-pool-status                             GET /voting/check-pool-status/{poolId}                       token sync none 200 path: poolId',
  'voting.cancel-pool                                   POST /voting/cancel-pool                                     token async-command form 202 (extension) form: poolId',
  'voting.cast-vote                                     POST /voting/cast-vote                                       token sync form 200 (extension) form: ballotId vote',
  'directory.register                                   POST /directory/register                                     token async-command form 202 (extension) form: name',
  'directory.retrieve-owned                             GET /directory/retrieve-owned                                token sync none 200 (extension)',
  'directory.retrieve-assigned                          GET /directory/retrieve-assigned                             token sync none 200 (extension)',
  'directory.retrieve                                   GET /directory/retrieve/{directoryId}                        token sync none 200 (extension) path: directoryId',
  'directory.create-user                                POST /directory/create-user                                  token async-command form 202 (extension) form: directoryId username password role? displayName?',
  'directory.update-user                                POST /directory/update-user                                  token async-command form 202 (extension) form: directoryId profileId displayName? role?',
  'directory.invite-profile                             POST /directory/invite-profile                               token async-command form 202 (extension) form: directoryId username role?',
  'directory.set-profile-password                       POST /directory/set-profile-password                         token async-command form 202 (extension) form: directoryId profileId password',
  'directory.list-invites                               GET /directory/list-invites                                  token sync none 200 (extension) query: directoryId?',
  'directory.process-invitation                         POST /directory/process-invitation                           token async-command form 202 (extension) form: invitationId decision',
  'directory.retrieve-profile                           GET /directory/retrieve-profile/{directoryId}/{profileId}    token sync none 200 (extension) path: directoryId profileId',
  'directory.list-users                                 GET /directory/list-users/{directoryId}                      token sync none 200 (extension) path: directoryId',
  'directory.profiles-info                              GET /directory/profiles-info/{directoryId}                   token sync none 200 (extension) path: directoryId',
  'directory.create-profile-device                      POST /directory/create-profile-device                        token async-command form 202 (extension) form: directoryId profileId deviceName publicKey?',
  'directory.add-storage-device-to-profile              POST /directory/add-storage-device-to-profile                token async-command form 202 (extension) form: directoryId profileId deviceIdentifier',
  'directory.list-devices                               GET /directory/list-devices/{directoryId}                    token sync none 200 (extension) path: directoryId',
  'directory.create-voting-pool                         POST /directory/create-voting-pool                           token async-command form 202 (extension) form: directoryId subject context? profileIds?:array votingConfigurationId?',
  'directory.store-meta                                 POST /directory/store-meta                                   token async-command form 202 (extension) form: directoryId',
] as const;

type IdOf<L extends string> = L extends `+${infer Rest}`
  ? IdOf<Rest>
  : L extends `${infer Id} ${string}`
    ? Id
    : never;
export type EndpointId = IdOf<(typeof endpointLines)[number]>;

const AUTHS: readonly EndpointAuth[] = [
  'public',
  'token',
  'basic-client',
  'basic-access-token',
  'query-auth',
];
const KINDS: readonly EndpointKind[] = ['sync', 'async-command', 'async-request', 'stream'];
const BODIES: readonly EndpointBody[] = ['none', 'form', 'json', 'raw'];
const METHODS: readonly HttpMethod[] = ['GET', 'POST'];
const LOCATIONS: readonly ParamLocation[] = ['path', 'query', 'form', 'json', 'header'];
const TYPES: readonly ParamType[] = ['string', 'integer', 'array', 'object'];

function oneOf<T extends string>(allowed: readonly T[], word: string | undefined, what: string): T {
  if (word === undefined || !(allowed as readonly string[]).includes(word))
    throw new Error(`${what} must be one of ${allowed.join(', ')}, got ${String(word)}`);
  return word as T;
}

function parseParam(word: string, location: ParamLocation): EndpointParam {
  const match = /^(\+?)([A-Za-z_][A-Za-z0-9_]*)(\??)(?::(\w+))?$/.exec(word);
  if (!match) throw new Error(`bad parameter "${word}"`);
  return {
    name: match[2]!,
    in: location,
    type: match[4] === undefined ? 'string' : oneOf(TYPES, match[4], `type of ${match[2]}`),
    required: match[3] === '',
    projectExtension: match[1] === '+',
  };
}

/** Parses one line of the table (grammar at the top of this file). */
export function parseEndpointLine(line: string): Endpoint {
  const words = line.trim().split(/\s+/);
  const [rawId, method, path, auth, kind, body, success, ...rest] = words;
  if (!rawId || !path?.startsWith('/')) throw new Error(`bad endpoint line: ${line}`);
  const projectExtension = rawId.startsWith('+');
  const id = projectExtension ? rawId.slice(1) : rawId;
  if (!/^[a-z-]+\.[a-z-]+$/.test(id)) throw new Error(`bad endpoint id: ${id}`);
  const params: EndpointParam[] = [];
  const aliases: { method: HttpMethod; path: string }[] = [];
  let extension = false;
  let location: ParamLocation | undefined;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (word === '(extension)' && i === 0) {
      extension = true;
    } else if (word === 'alias:') {
      const aliasPath = rest[i + 2];
      if (!aliasPath?.startsWith('/')) throw new Error(`${id}: bad alias`);
      aliases.push({ method: oneOf(METHODS, rest[i + 1], `${id} alias method`), path: aliasPath });
      i += 2;
      location = undefined;
    } else if (word.endsWith(':')) {
      location = oneOf(LOCATIONS, word.slice(0, -1), `${id} parameter location`);
    } else if (location) {
      params.push(parseParam(word, location));
    } else {
      throw new Error(`${id}: unexpected "${word}"`);
    }
  }
  if (!/^[1-5]\d\d$/.test(success ?? '')) throw new Error(`${id}: bad success status`);
  return {
    id,
    area: id.split('.')[0]!,
    method: oneOf(METHODS, method, `${id} method`),
    path,
    aliases,
    auth: oneOf(AUTHS, auth, `${id} auth`),
    kind: oneOf(KINDS, kind, `${id} kind`),
    body: oneOf(BODIES, body, `${id} body`),
    params,
    success: Number(success),
    extension,
    projectExtension,
  };
}

export const endpoints: readonly Endpoint[] = endpointLines.map(parseEndpointLine);

const byId = new Map<string, Endpoint>(endpoints.map((e) => [e.id, e]));

export function endpoint(id: EndpointId): Endpoint {
  const found = byId.get(id);
  if (!found) throw new Error(`unknown endpoint ${id}`);
  return found;
}
