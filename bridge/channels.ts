import { z } from 'zod';
import {
  LIMITS,
  absolutePathSchema,
  classificationFieldsSchema,
  contextSchema,
  deviceNameSchema,
  extensionSchema,
  fileNameSchema,
  governanceNameSchema,
  newPassphraseSchema,
  newPasswordSchema,
  tokenSchema,
  typedSecretSchema,
  usernameSchema,
} from './field-rules.ts';
import { OAUTH_SCOPES } from './oauth-scopes.ts';
import type {
  AccountInfo,
  AppNavigation,
  ConnectedApps,
  ConsentOutcome,
  ConsentPrompt,
  NewAppCredentials,
  ApprovalsState,
  AppState,
  DeviceApproval,
  DeviceInfo,
  DeviceReview,
  DevicesChanged,
  EngineStatus,
  FileDetails,
  FilePage,
  FolderChange,
  HeldOperation,
  KeyStatus,
  OrgDetails,
  OrgDeviceAdded,
  OrgInvitationHint,
  OrgOverview,
  OrgPoll,
  OrgSummary,
  PairingJoin,
  PairingQr,
  PairingResult,
  PairingStranger,
  PendingDevice,
  ReachStatus,
  RemoteStorageAdded,
  PoliciesOverview,
  SessionState,
  StorageDeviceInfo,
  StorageOverview,
  StorageSyncResult,
  Transfer,
  UploadStarted,
  VotingDefaultsInfo,
  VotingOverview,
} from './types.ts';

/**
 * The renderer<->main contract: the only list of IPC channels. Preload builds `window.vault`
 * by walking it, main registers its handlers through it (validating every input with the
 * channel's schema), and the e2e harness uses it with an in-process transport. Names are
 * `area:verb`; a renamed channel is a compile error everywhere.
 */

declare const resultType: unique symbol;
export interface ChannelSpec<I extends z.ZodType, R> {
  input: I;
  readonly [resultType]?: R;
}

function channel<I extends z.ZodType, R>(input: I): ChannelSpec<I, R> {
  return { input };
}

const none = z.undefined().or(z.object({}).strict()).optional();
const token = tokenSchema;
const context = contextSchema;
const text = (max: number) => z.string().min(1).max(max);
const oauthScope = z.enum(OAUTH_SCOPES);
/** Contract §1.3: identifiers are UUIDs (lowercase v7 from this engine). */
const identifier = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'not an identifier');
/** Contract §1.3: identifiers are UUIDs (lowercase v7 from this engine). */
const deviceIdentifier = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'not a device identifier',
  );
const deviceRef = z.object({ deviceIdentifier }).strict();
const deviceName = deviceNameSchema;
const absolutePath = absolutePathSchema;
const passphrase = newPassphraseSchema;
const transferId = z.string().min(1).max(100);
const orgRef = z.object({ directoryId: identifier }).strict();
/** Contract §13: 1–200 characters; a name of spaces alone names nothing. */
const orgName = text(200)
  .regex(/\S/, 'not blank')
  .regex(/^[^\p{Cc}]+$/u, 'no control characters');
const grantableRole = z.enum(['admin', 'member']);
/** An engine's TLS pin: `sha256:` and the key's SHA-256 in base64url, base64 or hex. */
const tlsPin = z
  .string()
  .max(200)
  .regex(/^sha256:([A-Za-z0-9+/_-]{43}=?|[0-9a-fA-F:]{64,95})$/, 'not a sha256: fingerprint');
/** Contract §1.3: every id is a UUID. */
const id = deviceIdentifier;
const strategy = z.enum(['unanimous', 'consensus', 'affirmative', 'minimum_percentage']);
const percentage = z.number().int().min(1).max(LIMITS.percentageMax);
/** Contract §10: seconds per round. */
const timeLimit = z.number().int().min(LIMITS.timeLimitMinSeconds).max(LIMITS.timeLimitMaxSeconds);
const governanceName = governanceNameSchema;

export const channels = {
  'engine:status': channel<typeof none, EngineStatus>(none),

  'session:get': channel<typeof none, SessionState>(none),
  /**
   * Points the app at an engine. A remote https engine whose certificate no trusted authority
   * vouches for, and that comes without `tlsPin`, is refused with `client.tls_untrusted` and its
   * fingerprint (`details.fingerprint`): the window asks the person to confirm it, then calls
   * again with that pin. A certificate that does not match a given pin is refused naming both.
   */
  'session:useEngine': channel<
    z.ZodType<{ mode: 'embedded' } | { mode: 'remote'; apiUrl: string; tlsPin?: string }>,
    SessionState
  >(
    z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('embedded') }).strict(),
      z
        .object({
          mode: z.literal('remote'),
          apiUrl: z.url({ protocol: /^https?$/ }).max(2048),
          tlsPin: tlsPin.optional(),
        })
        .strict(),
    ]),
  ),
  'session:signUp': channel<z.ZodType<{ username: string; password: string }>, SessionState>(
    z.object({ username: usernameSchema, password: newPasswordSchema }).strict(),
  ),
  'session:signIn': channel<z.ZodType<{ username: string; password: string }>, SessionState>(
    z
      .object({
        username: z.string().min(1).max(LIMITS.usernameMax),
        password: typedSecretSchema,
      })
      .strict(),
  ),
  'session:signOut': channel<typeof none, SessionState>(none),

  /** One page of a folder and its subfolders (`/tax` lists `/tax/2026`, never `/taxes`). */
  'files:list': channel<
    z.ZodType<{
      folder?: string;
      q?: string;
      page: number;
      perPage: number;
      sort: 'createdAt' | 'fileName' | 'size';
      order: 'asc' | 'desc';
    }>,
    FilePage
  >(
    z
      .object({
        folder: context.optional(),
        q: z.string().max(LIMITS.searchMax).optional(),
        page: z.number().int().min(1).max(1_000_000),
        perPage: z.number().int().min(1).max(500),
        sort: z.enum(['createdAt', 'fileName', 'size']),
        order: z.enum(['asc', 'desc']),
      })
      .strict(),
  ),
  'files:contexts': channel<typeof none, string[]>(none),
  'files:details': channel<z.ZodType<{ token: string }>, FileDetails>(z.object({ token }).strict()),
  /**
   * Opens the native chooser for files, or for folders; resolves with the chosen paths (empty
   * when cancelled).
   */
  'files:choose': channel<z.ZodType<{ kind?: 'files' | 'folders' } | undefined>, string[]>(
    z
      .object({ kind: z.enum(['files', 'folders']).optional() })
      .strict()
      .optional(),
  ),
  /**
   * Stores files, and folders as folders of the same name (keeping their tree), into `context`.
   * A path that cannot be read is listed as a failed transfer; the others go ahead. A name the
   * folder already holds is kept as "name (2).ext" (Transfer.renamedFrom says so).
   */
  'files:upload': channel<z.ZodType<{ paths: string[]; context: string }>, UploadStarted>(
    z
      .object({
        paths: z.array(z.string().min(1).max(LIMITS.pathMax)).min(1).max(1000),
        context,
      })
      .strict(),
  ),
  /**
   * Opens the native save dialog unless a target is given; resolves with the transfer. A given
   * target is an absolute path and never replaces an existing file (only the dialog asks).
   */
  'files:download': channel<
    z.ZodType<{ token: string; fileName: string; target?: string }>,
    Transfer | null
  >(z.object({ token, fileName: fileNameSchema, target: absolutePath.optional() }).strict()),
  /** Downloads several files into a folder picked in the native dialog; null when cancelled. */
  'files:downloadMany': channel<
    z.ZodType<{ files: { token: string; fileName: string }[] }>,
    UploadStarted | null
  >(
    z
      .object({
        files: z
          .array(z.object({ token, fileName: fileNameSchema }).strict())
          .min(1)
          .max(1000),
      })
      .strict(),
  ),
  'files:cancel': channel<z.ZodType<{ transferId: string }>, boolean>(
    z.object({ transferId }).strict(),
  ),
  /** Runs a failed or interrupted transfer again (an upload from its original file). */
  'files:retry': channel<z.ZodType<{ transferId: string }>, UploadStarted>(
    z.object({ transferId }).strict(),
  ),
  /** Shows a finished download in the system's file manager. */
  'files:showInFolder': channel<z.ZodType<{ transferId: string }>, void>(
    z.object({ transferId }).strict(),
  ),
  /** Drops finished and interrupted transfers from the list (and from after-restart notices). */
  'files:forget': channel<z.ZodType<{ transferIds: string[] }>, void>(
    z.object({ transferIds: z.array(transferId).max(1000) }).strict(),
  ),
  'files:transfers': channel<typeof none, Transfer[]>(none),
  'files:rename': channel<
    z.ZodType<{ token: string; fileName: string; extension?: string | null }>,
    void
  >(
    z
      .object({
        token,
        fileName: fileNameSchema,
        extension: extensionSchema.nullable().optional(),
      })
      .strict(),
  ),
  'files:move': channel<z.ZodType<{ token: string; context: string }>, void>(
    z.object({ token, context }).strict(),
  ),
  'files:classify': channel<z.ZodType<{ token: string; fields: Record<string, string> }>, void>(
    z
      .object({
        token,
        fields: classificationFieldsSchema,
      })
      .strict(),
  ),
  'files:delete': channel<z.ZodType<{ token: string }>, void>(z.object({ token }).strict()),
  /** Moves a folder's files (and its subfolders') under a new path; refused onto a folder with files. */
  'files:renameFolder': channel<z.ZodType<{ from: string; to: string }>, FolderChange>(
    z.object({ from: context, to: context }).strict(),
  ),
  /** Deletes every file of a folder and its subfolders. */
  'files:deleteFolder': channel<z.ZodType<{ folder: string }>, FolderChange>(
    z.object({ folder: context }).strict(),
  ),

  /** Every device of the profile, pending ones included. */
  'devices:list': channel<typeof none, DeviceInfo[]>(none),
  /**
   * Starts approving a device that asked to join: resolves once both screens show the same code
   * (or with why they cannot). Nothing is approved or shared yet.
   */
  'devices:review': channel<z.ZodType<{ deviceIdentifier: string }>, DeviceReview>(deviceRef),
  /** Stops a review under way (the dialog was closed). */
  'devices:cancelReview': channel<z.ZodType<{ deviceIdentifier: string }>, void>(deviceRef),
  /**
   * The person confirmed the codes match: approves the reviewed device and gives it the keys.
   * Refused for a device without a review whose codes were shown.
   */
  'devices:approve': channel<z.ZodType<{ deviceIdentifier: string }>, DeviceApproval>(deviceRef),
  /** Turns a pending device away; its record is deleted. */
  'devices:reject': channel<z.ZodType<{ deviceIdentifier: string }>, void>(deviceRef),
  'devices:rename': channel<z.ZodType<{ deviceIdentifier: string; name: string }>, void>(
    z.object({ deviceIdentifier, name: deviceName }).strict(),
  ),
  /** Removes a device and revokes its tokens (a local storage folder is left as it is). */
  'devices:remove': channel<z.ZodType<{ deviceIdentifier: string }>, void>(deviceRef),

  /**
   * A single-use pairing code (valid 5 minutes) as text and as a QR image, for the pairing panel;
   * a device that joins with it is announced by `pairing:joined` and gets nothing until answered.
   */
  'pairing:createQr': channel<typeof none, PairingQr>(none),
  /** The pairing panel closed: its codes verify nothing more. */
  'pairing:close': channel<typeof none, void>(none),
  /** The person's answer to `pairing:joined`: give the device the keys, or remove it. */
  'pairing:answer': channel<z.ZodType<{ deviceIdentifier: string; give: boolean }>, void>(
    z.object({ deviceIdentifier, give: z.boolean() }).strict(),
  ),
  /**
   * On a signed-out installation: joins the profile that showed the code, at the engine the code
   * names, as a new device; the data key follows once the other device shares it
   * (`vault:keyStatus` events).
   */
  'pairing:redeem': channel<z.ZodType<{ payload: string; deviceName: string }>, PairingResult>(
    z.object({ payload: z.string().min(1).max(4096), deviceName }).strict(),
  ),
  /** The image on the clipboard as a PNG data URL (to scan a pasted QR code), or null. */
  'pairing:clipboardImage': channel<typeof none, string | null>(none),

  'vault:keyStatus': channel<typeof none, KeyStatus>(none),
  /**
   * Signed in with the password but without the data key: asks the profile's other devices to
   * let this one in (they get `devices:pending`) and waits for the key.
   */
  'vault:requestAccess': channel<z.ZodType<{ deviceName?: string } | undefined>, KeyStatus>(
    z.object({ deviceName: deviceName.optional() }).strict().optional(),
  ),
  /**
   * In `compare-code`: the person says whether the code here is the one the other screen shows.
   * A match lets the keys in from that profile key; a mismatch withdraws the request.
   */
  'vault:confirmCode': channel<z.ZodType<{ matches: boolean }>, KeyStatus>(
    z.object({ matches: z.boolean() }).strict(),
  ),

  'storage:list': channel<typeof none, StorageOverview>(none),
  /**
   * Adds a folder on this computer as a storage device of the built-in engine; the native folder
   * picker opens when `dir` is absent. Null when the picker was cancelled.
   */
  'storage:addLocal': channel<
    z.ZodType<{ dir?: string; name?: string } | undefined>,
    StorageDeviceInfo | null
  >(z.object({ dir: absolutePath.optional(), name: deviceName.optional() }).strict().optional()),
  /**
   * Makes a storage device for another computer (a NAS, a server) and saves its configuration
   * (device token and the engine's TLS pin) where the native save dialog says; null when it was
   * cancelled. Only while other computers can reach the engine.
   */
  'storage:addRemote': channel<z.ZodType<{ name: string }>, RemoteStorageAdded | null>(
    z.object({ name: deviceName }).strict(),
  ),
  /** Copies every file the device lacks to it from the others. */
  'storage:sync': channel<z.ZodType<{ deviceIdentifier: string }>, StorageSyncResult>(deviceRef),
  /** The device stops being a storage device (a local folder is left as it is). */
  'storage:remove': channel<z.ZodType<{ deviceIdentifier: string }>, void>(deviceRef),

  /** "Let my other computers connect": where the built-in engine answers. */
  'reach:get': channel<typeof none, ReachStatus>(none),
  /**
   * Opens the built-in engine to the local network (TLS, fixed port) or closes it to this
   * computer again. The engine restarts; a signed-in session carries on. Refused while
   * transfers run, and with a remote engine.
   */
  'reach:setOpen': channel<z.ZodType<{ open: boolean }>, ReachStatus>(
    z.object({ open: z.boolean() }).strict(),
  ),

  'account:get': channel<typeof none, AccountInfo>(none),
  'account:changePassword': channel<
    z.ZodType<{ currentPassword: string; newPassword: string }>,
    void
  >(
    z
      .object({
        currentPassword: typedSecretSchema,
        newPassword: newPasswordSchema,
      })
      .strict(),
  ),
  /** Signs out every other session of the account (computers, phones); this one stays. */
  'account:signOutEverywhere': channel<typeof none, { revoked: number }>(none),
  /** Writes the recovery kit; the native save dialog opens when `target` is absent. The path, or null when cancelled. */
  'account:exportRecoveryKit': channel<
    z.ZodType<{ passphrase: string; target?: string }>,
    string | null
  >(z.object({ passphrase, target: absolutePath.optional() }).strict()),
  /** Restores the keys from a recovery kit; the native open dialog opens when `path` is absent. Null when cancelled. */
  'account:importRecoveryKit': channel<
    z.ZodType<{ passphrase: string; path?: string }>,
    KeyStatus | null
  >(z.object({ passphrase: typedSecretSchema, path: absolutePath.optional() }).strict()),

  /** This computer as an authenticator: its ballots and their history. */
  'approvals:get': channel<typeof none, ApprovalsState>(none),
  /** Votes on a ballot addressed to this computer; votes are final. */
  'approvals:vote': channel<z.ZodType<{ ballotId: string; vote: 'yes' | 'no' }>, ApprovalsState>(
    z.object({ ballotId: id, vote: z.enum(['yes', 'no']) }).strict(),
  ),
  /**
   * Makes this computer an authenticator: it asks for a device of its own, approves it (which a
   * device policy may hold for a vote), registers it and keeps its token in the keychain.
   */
  'approvals:enable': channel<z.ZodType<{ deviceName: string }>, ApprovalsState>(
    z.object({ deviceName }).strict(),
  ),
  /** This computer stops voting: its authenticator device is removed and its token forgotten. */
  'approvals:disable': channel<typeof none, ApprovalsState>(none),

  /** Authenticators, the defaults and the named voting configurations. */
  'voting:get': channel<typeof none, VotingOverview>(none),
  'voting:addAuthenticator': channel<z.ZodType<{ deviceIdentifier: string }>, void>(deviceRef),
  'voting:removeAuthenticator': channel<z.ZodType<{ deviceIdentifier: string }>, void>(deviceRef),
  /** Changes the given defaults; `percentageRequired` goes with minimum_percentage. */
  'voting:setDefaults': channel<
    z.ZodType<{
      strategy?: VotingDefaultsInfo['strategy'];
      percentageRequired?: number;
      quorumSize?: number;
      timeLimit?: number;
      maxAttempts?: number;
    }>,
    VotingDefaultsInfo
  >(
    z
      .object({
        strategy: strategy.optional(),
        percentageRequired: percentage.optional(),
        quorumSize: z.number().int().min(1).max(LIMITS.quorumMax).optional(),
        timeLimit: timeLimit.optional(),
        maxAttempts: z.number().int().min(1).max(LIMITS.maxAttemptsMax).optional(),
      })
      .strict(),
  ),
  /** Adds a voting configuration, or changes one when the id is given. */
  'voting:saveConfiguration': channel<
    z.ZodType<{
      votingConfigurationId?: string;
      name: string;
      strategy: VotingDefaultsInfo['strategy'];
      percentageRequired?: number;
      timeLimit: number;
      deviceIdentifiers: string[];
    }>,
    void
  >(
    z
      .object({
        votingConfigurationId: id.optional(),
        name: governanceName,
        strategy,
        percentageRequired: percentage.optional(),
        timeLimit,
        deviceIdentifiers: z.array(deviceIdentifier).max(100),
      })
      .strict(),
  ),
  'voting:deleteConfiguration': channel<z.ZodType<{ votingConfigurationId: string }>, void>(
    z.object({ votingConfigurationId: id }).strict(),
  ),

  /** The policy templates in words, the policies, and the configurations a policy may use. */
  'policies:get': channel<typeof none, PoliciesOverview>(none),
  /** A policy from a template; active at once unless `activate` is false. */
  'policies:create': channel<
    z.ZodType<{
      name?: string;
      policyTemplateId: string;
      applyingEventIds: string[];
      contextPrefix?: string;
      votingConfigurationId?: string;
      activate: boolean;
    }>,
    void
  >(
    z
      .object({
        name: governanceName.optional(),
        policyTemplateId: governanceName,
        applyingEventIds: z.array(governanceName).min(1).max(20),
        contextPrefix: context.optional(),
        votingConfigurationId: id.optional(),
        activate: z.boolean(),
      })
      .strict(),
  ),
  'policies:setActive': channel<z.ZodType<{ policyId: string; active: boolean }>, void>(
    z.object({ policyId: id, active: z.boolean() }).strict(),
  ),
  'policies:delete': channel<z.ZodType<{ policyId: string }>, void>(
    z.object({ policyId: id }).strict(),
  ),

  /** The organisations the profile belongs to and the invitations waiting for its answer. */
  'org:overview': channel<typeof none, OrgOverview>(none),
  /** Creates an organisation with the profile as its owner. */
  'org:create': channel<z.ZodType<{ name: string }>, OrgSummary>(
    z.object({ name: orgName }).strict(),
  ),
  /** Members (with counts for owners and admins), invitations and devices of one organisation. */
  'org:details': channel<z.ZodType<{ directoryId: string }>, OrgDetails>(orgRef),
  /**
   * Makes an account the organisation manages. The first password comes from the window (it
   * made it and shows it once); main keeps no copy.
   */
  'org:addPerson': channel<
    z.ZodType<{
      directoryId: string;
      username: string;
      password: string;
      role: 'admin' | 'member';
      displayName?: string;
    }>,
    { profileId: string }
  >(
    z
      .object({
        directoryId: identifier,
        username: z.string().min(3).max(254),
        password: z.string().min(10).max(1024),
        role: grantableRole,
        displayName: z.string().max(200).optional(),
      })
      .strict(),
  ),
  'org:invite': channel<
    z.ZodType<{ directoryId: string; username: string; role: 'admin' | 'member' }>,
    void
  >(
    z
      .object({
        directoryId: identifier,
        username: z.string().min(1).max(254),
        role: grantableRole,
      })
      .strict(),
  ),
  'org:setRole': channel<
    z.ZodType<{ directoryId: string; profileId: string; role: 'admin' | 'member' }>,
    void
  >(z.object({ directoryId: identifier, profileId: identifier, role: grantableRole }).strict()),
  /** A managed member's new password (made and shown by the window, like addPerson's). */
  'org:setPassword': channel<
    z.ZodType<{ directoryId: string; profileId: string; password: string }>,
    void
  >(
    z
      .object({
        directoryId: identifier,
        profileId: identifier,
        password: z.string().min(10).max(1024),
      })
      .strict(),
  ),
  /** The person's answer to an invitation; resolves with the overview as it then stands. */
  'org:answer': channel<z.ZodType<{ invitationId: string; accept: boolean }>, OrgOverview>(
    z.object({ invitationId: identifier, accept: z.boolean() }).strict(),
  ),
  /**
   * Sets up a device (or a storage device) for a member and writes its configuration file where
   * the native save dialog says; null when the dialog was cancelled (nothing is created then).
   * The file's token never crosses to the window.
   */
  'org:addDevice': channel<
    z.ZodType<{ directoryId: string; profileId: string; deviceName: string; storage: boolean }>,
    OrgDeviceAdded | null
  >(
    z
      .object({
        directoryId: identifier,
        profileId: identifier,
        deviceName,
        storage: z.boolean(),
      })
      .strict(),
  ),
  /** Replaces the organisation's details. */
  'org:saveDetails': channel<
    z.ZodType<{ directoryId: string; meta: Record<string, string> }>,
    void
  >(
    z
      .object({
        directoryId: identifier,
        meta: z
          .record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/), z.string().max(1024))
          .refine((meta) => Object.keys(meta).length <= 50, 'at most 50 fields')
          .refine((meta) => !('directoryId' in meta), 'directoryId is not a detail'),
      })
      .strict(),
  ),

  /**
   * Ask the team: ballots go to the authenticators of the chosen members (every member when
   * `profileIds` is absent), by the rules of one of this profile's voting configurations (its
   * defaults when absent). Resolves once the ballots are out; `org:poll` follows the result.
   */
  'org:ask': channel<
    z.ZodType<{
      directoryId: string;
      subject: string;
      context?: string;
      profileIds?: string[];
      votingConfigurationId?: string;
    }>,
    OrgPoll
  >(
    z
      .object({
        directoryId: identifier,
        subject: text(500).regex(/\S/, 'not blank'),
        context: z.string().max(1024).optional(),
        profileIds: z.array(identifier).min(1).max(1000).optional(),
        votingConfigurationId: identifier.optional(),
      })
      .strict(),
  ),
  /** A pool asked in an organisation, as it stands now. */
  'org:poll': channel<z.ZodType<{ directoryId: string; poolId: string }>, OrgPoll>(
    z.object({ directoryId: identifier, poolId: identifier }).strict(),
  ),
  /** The OAuth applications this profile registered, and the consents it gave. */
  'apps:list': channel<typeof none, ConnectedApps>(none),
  /** Registers an application; the credentials come back once (the secret is not kept). */
  'apps:register': channel<
    z.ZodType<{ name: string; redirectUri: string; scopes: string[] }>,
    NewAppCredentials
  >(
    z
      .object({
        name: text(200).regex(
          /^[^\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]+$/u,
          'no control characters',
        ),
        redirectUri: z.string().min(1).max(2048),
        scopes: z.array(oauthScope).min(1).max(OAUTH_SCOPES.length),
      })
      .strict(),
  ),
  /** Deletes a registered application: its codes and tokens stop working at once. */
  'apps:revoke': channel<z.ZodType<{ applicationId: string }>, void>(
    z.object({ applicationId: identifier }).strict(),
  ),
  /** Ends an application's access to this profile (every consent given to it). */
  'apps:revokeAccess': channel<z.ZodType<{ clientId: string }>, { revoked: number }>(
    z.object({ clientId: identifier }).strict(),
  ),

  /** Consent links opened on this computer and not answered yet, oldest first. */
  'consent:pending': channel<typeof none, ConsentPrompt[]>(none),
  /**
   * The person's answer to a consent prompt: allow gives the access and sends the browser to the
   * registered redirect URI with the request id; deny sends it there with error=access_denied.
   * A refused prompt only closes.
   */
  'consent:answer': channel<z.ZodType<{ id: string; allow: boolean }>, ConsentOutcome>(
    z.object({ id: z.string().min(1).max(100), allow: z.boolean() }).strict(),
  ),

  'app:state': channel<typeof none, AppState>(none),
  /** Queued transfers wait while paused; running ones finish. */
  'app:setTransfersPaused': channel<z.ZodType<{ paused: boolean }>, AppState>(
    z.object({ paused: z.boolean() }).strict(),
  ),
} as const;

export type Channel = keyof typeof channels;
export type ChannelInput<C extends Channel> = z.input<(typeof channels)[C]['input']>;
export type ChannelResult<C extends Channel> =
  (typeof channels)[C] extends ChannelSpec<z.ZodType, infer R> ? R : never;

/** Events main pushes to the renderer. */
export interface BridgeEvents {
  'transfer:progress': Transfer;
  'session:changed': SessionState;
  'engine:status': EngineStatus;
  /** A device asked to join the profile (not this computer's own request). */
  'devices:pending': PendingDevice;
  /** The device list changed (pending, paired, approved, rejected, renamed, removed, key shared): refresh it. */
  'devices:changed': DevicesChanged;
  'vault:keyStatus': KeyStatus;
  /** A device proved it joined with the code on this computer's pairing panel: ask the person. */
  'pairing:joined': PairingJoin;
  /** A device joined with a code of the vault this computer did not show: it got nothing. */
  'pairing:stranger': PairingStranger;
  'app:state': AppState;
  /** Show this screen (a notification was clicked). */
  'app:navigate': AppNavigation;
  /** The built-in engine opened to other computers or closed again. */
  'reach:changed': ReachStatus;
  /** The Approvals inbox changed (a ballot arrived, was voted on or closed). */
  'approvals:changed': ApprovalsState;
  /** An operation of this computer waits for a vote, or its vote moved on or ended. */
  'votes:held': HeldOperation;
  /** An invitation to an organisation arrived: look at the overview again. */
  'org:invitation': OrgInvitationHint;
  /** A pool this window asked ended (POOL-RESOLVED): its result. */
  'org:poll': OrgPoll;
  /** A consent link reached this computer: ask the person (or say why it cannot be answered). */
  'consent:requested': ConsentPrompt;
}
export type BridgeEvent = keyof BridgeEvents;
export const bridgeEvents: readonly BridgeEvent[] = [
  'transfer:progress',
  'session:changed',
  'engine:status',
  'devices:pending',
  'devices:changed',
  'vault:keyStatus',
  'pairing:joined',
  'pairing:stranger',
  'app:state',
  'app:navigate',
  'reach:changed',
  'approvals:changed',
  'votes:held',
  'org:invitation',
  'org:poll',
  'consent:requested',
];
