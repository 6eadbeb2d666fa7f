// signup, login, logout, whoami.

import { logIn, logOut, signUp, type SignedIn } from '../../client/account.ts';
import {
  authorizationTokenExpiry,
  revokeOtherAuthorizationTokens,
} from '../../client/endpoints/profile.ts';
import { loadProfileSecrets } from '../../client/secrets/profile-secrets.ts';
import type { LocalStorageDevice } from '../../engine/host.ts';
import type { CliContext } from '../cli-context.ts';
import { expectArgs, type CommandSpec } from '../command-spec.ts';
import { formatTime } from '../output.ts';
import { readSecret } from '../prompt.ts';

export const signupCommand: CommandSpec = {
  name: 'signup',
  synopsis: 'signup <username> [--password-stdin]',
  summary: 'Create a profile with its keys (kept in the OS keychain) and sign in.',
  options: { 'password-stdin': { type: 'boolean' } },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 1, 1, 'signup', 'the username');
    const username = positionals[0]!;
    // Before the profile exists: keys that cannot be kept must not be made.
    await ctx.secrets.probe();
    const password = await readSecret({
      what: 'password',
      fromStdin: values['password-stdin'] === true,
      confirm: true,
    });
    const engine = await ctx.engine();
    const signed = await signUp({
      apiUrl: engine.apiUrl,
      wsUrl: engine.wsUrl,
      ...(engine.tlsPin ? { tlsPin: engine.tlsPin } : {}),
      username,
      password,
      secrets: ctx.secrets,
    });
    await finishSignIn(ctx, signed, 'Signed up');
    ctx.out.note(
      'Keep a recovery kit somewhere safe: privicore-vault recovery export FILE (losing the data key loses the data).',
    );
  },
};

export const loginCommand: CommandSpec = {
  name: 'login',
  synopsis: 'login <username> [--password-stdin]',
  summary: 'Sign in; the session token goes to the OS keychain.',
  options: { 'password-stdin': { type: 'boolean' } },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 1, 1, 'login', 'the username');
    const username = positionals[0]!;
    await ctx.secrets.probe();
    const password = await readSecret({
      what: 'password',
      fromStdin: values['password-stdin'] === true,
      confirm: false,
    });
    const engine = await ctx.engine();
    const signed = await logIn({
      apiUrl: engine.apiUrl,
      wsUrl: engine.wsUrl,
      ...(engine.tlsPin ? { tlsPin: engine.tlsPin } : {}),
      username,
      password,
      secrets: ctx.secrets,
    });
    await finishSignIn(ctx, signed, 'Logged in');
    if (signed.missing.includes('data-key')) {
      ctx.out.note(
        'This machine has no data key for the profile: import it with privicore-vault recovery import FILE before put or get.',
      );
    }
  },
};

export const logoutCommand: CommandSpec = {
  name: 'logout',
  synopsis: ['logout', 'logout --others'],
  summary:
    'Revoke the session token and remove it from the keychain (the keys stay); --others signs out every other session of the account instead and keeps this one.',
  options: { others: { type: 'boolean' } },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 0, 0, 'logout', '');
    if (values['others'] === true) {
      const session = await ctx.session();
      const { revoked } = await revokeOtherAuthorizationTokens(session.http);
      ctx.out.result(
        `Signed out ${revoked} other session${revoked === 1 ? '' : 's'}; this one stays signed in.`,
        { revoked },
      );
      return;
    }
    const profileId = ctx.config.profileId;
    const secrets = profileId ? await loadProfileSecrets(ctx.secrets, profileId) : {};
    if (!profileId || !secrets.authorizationToken) {
      ctx.out.result('Not logged in.', { loggedOut: true, wasLoggedIn: false });
      return;
    }
    const session = await ctx.session();
    await logOut(session, ctx.secrets, profileId);
    ctx.out.result(`Logged out${ctx.config.username ? ` ${ctx.config.username}` : ''}.`, {
      loggedOut: true,
      wasLoggedIn: true,
    });
  },
};

export const whoamiCommand: CommandSpec = {
  name: 'whoami',
  synopsis: 'whoami',
  summary: 'Show the signed-in profile, its engine and session.',
  async run(ctx, { positionals }) {
    expectArgs(positionals, 0, 0, 'whoami', '');
    const profileId = ctx.requireProfileId();
    const session = await ctx.session();
    const { expiresAt } = await authorizationTokenExpiry(session.http);
    const secrets = await loadProfileSecrets(ctx.secrets, profileId);
    const engineUrl = ctx.configuredEngineUrl;
    const engine = engineUrl ?? `embedded (${ctx.paths.engineDir})`;
    const data = {
      username: ctx.config.username ?? null,
      profileId,
      deviceIdentifier: ctx.config.deviceIdentifier ?? null,
      engine: engineUrl ?? 'embedded',
      sessionExpiresAt: expiresAt,
      privateKey: secrets.privateKey !== undefined,
      dataKey: secrets.dataKey !== undefined,
    };
    const has = (present: boolean) => (present ? 'in keychain' : 'missing');
    ctx.out.result(
      [
        `username     ${data.username ?? '(paired device)'}`,
        `profile      ${profileId}`,
        ...(data.deviceIdentifier ? [`device       ${data.deviceIdentifier}`] : []),
        `engine       ${engine}`,
        `session      valid until ${formatTime(expiresAt)} UTC`,
        `private key  ${has(data.privateKey)}`,
        `data key     ${has(data.dataKey)}`,
      ],
      data,
    );
  },
};

/** Saves the settings, starts local storage on the embedded engine, and reports. */
async function finishSignIn(ctx: CliContext, signed: SignedIn, verb: string): Promise<void> {
  ctx.adoptSession(signed.session);
  const engineUrl = ctx.configuredEngineUrl;
  await ctx.saveConfig({
    engineUrl,
    wsUrl: engineUrl === undefined ? undefined : (ctx.flags.ws ?? ctx.config.wsUrl),
    username: signed.username,
    profileId: signed.profileId,
    deviceIdentifier: undefined,
  });
  const engine = await ctx.engine();
  let storage: LocalStorageDevice[] = [];
  if (engine.embedded)
    storage = await engine.embedded.ensureLocalStorage(signed.session.authorizationToken);
  const lines = [`${verb} as ${signed.username} (profile ${signed.profileId}).`];
  if (engine.embedded)
    lines.push(
      `Embedded engine in ${ctx.paths.engineDir} with ${storage.length} local storage device${storage.length === 1 ? '' : 's'}.`,
    );
  ctx.out.result(lines, {
    username: signed.username,
    profileId: signed.profileId,
    sessionExpiresAt: signed.expiresAt,
    engine: engineUrl ?? 'embedded',
    missing: signed.missing,
    storageDevices: storage.map(({ deviceIdentifier, name, dir, state }) => ({
      deviceIdentifier,
      name,
      dir,
      state,
    })),
  });
}
