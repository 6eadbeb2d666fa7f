// apps [ls | register NAME --redirect-uri URI --scope S… | revoke ID | allowed | disallow CLIENT_ID]
// authorize CLIENT_ID --nonce N --scope S… [--yes]
//
// OAuth applications (contract §5): the ones this profile registered, and consent from the
// terminal. `authorize` shows what the engine registered under the client id, never what the
// caller typed about it, and asks before it gives anything.

import {
  isOAuthScope,
  listApplications,
  listConsents,
  OAUTH_SCOPES,
  registerApplication,
  retrieveApplicationConfiguration,
  revokeApplication,
  revokeConsent,
  type OAuthScope,
} from '../../client/endpoints/oauth.ts';
import { PrivicoreError } from '../../client/privicore-error.ts';
import { giveConsent, reviewConsent } from '../../client/oauth-consent.ts';
import { expectArgs, stringOption, type CommandSpec, type OptionValues } from '../command-spec.ts';
import { formatTable, formatTime } from '../output.ts';
import { promptLine } from '../prompt.ts';
import { UsageError } from '../usage-error.ts';

const SCOPE_LIST = OAUTH_SCOPES.join(', ');

/** `--scope a --scope b,c` → [a, b, c], each a known scope. */
function scopesOption(values: OptionValues, command: string): OAuthScope[] {
  const given = values['scope'];
  const items = (Array.isArray(given) ? given : typeof given === 'string' ? [given] : []).flatMap(
    (value) => value.split(/[\s,]+/).filter((part) => part !== ''),
  );
  if (items.length === 0)
    throw new UsageError(`${command}: give at least one --scope (${SCOPE_LIST}).`, command);
  const unknown = items.filter((item) => !isOAuthScope(item));
  if (unknown.length > 0)
    throw new UsageError(
      `${command}: unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}; use ${SCOPE_LIST}.`,
      command,
    );
  return [...new Set(items)] as OAuthScope[];
}

export const appsCommand: CommandSpec = {
  name: 'apps',
  synopsis: [
    'apps [ls]',
    'apps register NAME --redirect-uri URI --scope S [--scope S…]',
    'apps revoke ID',
    'apps allowed',
    'apps disallow CLIENT_ID',
  ],
  summary:
    'OAuth applications: list the ones you registered, register one (its client secret is printed once), revoke one; list and withdraw the access you gave.',
  details: [
    `Scopes: ${SCOPE_LIST}.`,
    'register prints the client id and secret once: the engine keeps only a digest of the secret.',
    'allowed lists the consents you gave; disallow ends an application’s access to your vault.',
  ],
  options: {
    'redirect-uri': { type: 'string' },
    scope: { type: 'string', multiple: true },
  },
  async run(ctx, { positionals, values }) {
    const [action = 'ls', ...rest] = positionals;
    if (!['ls', 'list', 'register', 'revoke', 'allowed', 'disallow'].includes(action)) {
      throw new UsageError(
        `apps: unknown action "${action}"; use ls, register, revoke, allowed or disallow.`,
        'apps',
      );
    }
    if (action !== 'register' && (values['redirect-uri'] !== undefined || values['scope']))
      throw new UsageError('apps: --redirect-uri and --scope go with register only.', 'apps');
    switch (action) {
      case 'ls':
      case 'list': {
        expectArgs(rest, 0, 0, 'apps', '');
        const session = await ctx.session();
        const { items } = await listApplications(session.http);
        ctx.out.result(
          items.length === 0
            ? 'No applications registered.'
            : formatTable(
                ['ID', 'NAME', 'REDIRECT URI', 'SCOPES', 'CREATED'],
                items.map((app) => [
                  app.applicationId,
                  app.name,
                  app.redirectUri,
                  app.scopes.join(' '),
                  formatTime(app.createdAt),
                ]),
              ),
          { applications: items },
          items.map((app) => app.applicationId),
        );
        return;
      }
      case 'register': {
        expectArgs(rest, 1, 1, 'apps', 'the application name');
        const name = rest[0]!;
        const redirectUri = stringOption(values, 'redirect-uri');
        if (!redirectUri)
          throw new UsageError('apps register: --redirect-uri is required.', 'apps');
        const scopes = scopesOption(values, 'apps');
        const session = await ctx.session();
        const { applicationId } = await session.run(() =>
          registerApplication(session.http, { name, redirectUri, scopes }),
        );
        const config = await retrieveApplicationConfiguration(session.http, { applicationId });
        ctx.out.result(
          [
            `Registered ${name}.`,
            `application id  ${config.applicationId}`,
            `client id       ${config.clientId}`,
            `client secret   ${config.clientSecret}`,
            'Keep the client secret now: it is shown only this once.',
          ],
          config,
          [config.clientId, config.clientSecret],
        );
        return;
      }
      case 'revoke': {
        expectArgs(rest, 1, 1, 'apps', 'the application ID');
        const applicationId = rest[0]!;
        const session = await ctx.session();
        await session.run(() => revokeApplication(session.http, { applicationId }));
        ctx.out.result(`Revoked ${applicationId}: its codes and tokens no longer work.`, {
          applicationId,
          revoked: true,
        });
        return;
      }
      case 'allowed': {
        expectArgs(rest, 0, 0, 'apps', '');
        const session = await ctx.session();
        const { items } = await listConsents(session.http);
        ctx.out.result(
          items.length === 0
            ? 'You have not allowed any application.'
            : formatTable(
                ['CLIENT ID', 'NAME', 'SCOPES', 'ALLOWED', 'STATE'],
                items.map((consent) => [
                  consent.clientId,
                  consent.name,
                  consent.scopes.join(' '),
                  formatTime(consent.consentedAt),
                  consent.state,
                ]),
              ),
          { consents: items },
          [...new Set(items.map((consent) => consent.clientId))],
        );
        return;
      }
      case 'disallow': {
        expectArgs(rest, 1, 1, 'apps', 'the client ID');
        const clientId = rest[0]!;
        const session = await ctx.session();
        const { revoked } = await revokeConsent(session.http, { clientId });
        ctx.out.result(
          revoked === 0
            ? `${clientId} had no access to end.`
            : `Ended ${clientId}'s access to your vault.`,
          { clientId, revoked },
        );
        return;
      }
    }
  },
};

export const authorizeCommand: CommandSpec = {
  name: 'authorize',
  synopsis: 'authorize CLIENT_ID --nonce N --scope S [--scope S…] [--yes]',
  summary:
    'Give an OAuth application access to your vault: shows its registered name and what it gets, asks, prints the request id.',
  details: [
    'The name, redirect URI and scopes shown are the engine’s record of CLIENT_ID.',
    'Without --yes it asks (a line on standard input: y or yes); the application then collects the code with the request id and nonce.',
  ],
  options: {
    nonce: { type: 'string' },
    scope: { type: 'string', multiple: true },
    yes: { type: 'boolean' },
  },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 1, 1, 'authorize', 'the client ID');
    const clientId = positionals[0]!.toLowerCase();
    const nonce = stringOption(values, 'nonce');
    if (!nonce || nonce.length < 8 || nonce.length > 255)
      throw new UsageError('authorize: --nonce must be 8–255 characters.', 'authorize');
    const scopes = scopesOption(values, 'authorize');
    const session = await ctx.session();
    const review = await reviewConsent(
      session,
      { clientId, nonce, scopes },
      { opensRedirect: false },
    );
    if (review.state !== 'ready') {
      throw new PrivicoreError({
        status: 0,
        reason: 'oauth.consent_refused',
        message: review.message,
      });
    }
    const { application } = review;
    ctx.out.note(
      `“${application.name}” (client ${application.clientId}) asks for access to your vault:`,
    );
    for (const { scope, words } of review.scopes) ctx.out.note(`  - ${words} [${scope}]`);
    ctx.out.note(`It will collect the code at ${application.redirectUri}.`);
    if (values['yes'] !== true) {
      // Typed at a terminal or piped by a script, like the codes `devices approve` compares.
      const answer = await promptLine(`Give “${application.name}” this access? [y/N] `, ctx.signal);
      if (answer === null || !/^y(es)?$/i.test(answer.trim())) {
        throw new PrivicoreError({
          status: 0,
          reason: 'client.declined',
          message: `Nothing was given to “${application.name}”.`,
        });
      }
    }
    const requestId = await giveConsent(session, review.link);
    ctx.out.result(
      [`Gave “${application.name}” access.`, `request id  ${requestId}`],
      {
        requestId,
        nonce,
        clientId: application.clientId,
        name: application.name,
        redirectUri: application.redirectUri,
        scopes: review.scopes.map((s) => s.scope),
      },
      [requestId],
    );
  },
};
