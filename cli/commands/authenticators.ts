// authenticators [ls | add ID | add --this-machine [--name N] | rm ID], votes, vote yes|no ID

import { hostname } from 'node:os';
import { AuthenticatorInbox } from '../../client/authenticator-inbox.ts';
import { describeBallot, parseBallotSubject } from '../../client/ballot-subject.ts';
import { removeDevice } from '../../client/endpoints/device.ts';
import {
  listAuthenticators,
  registerAuthenticator,
  removeAuthenticator,
} from '../../client/endpoints/verified-authenticator.ts';
import { castVote } from '../../client/endpoints/voting.ts';
import { HttpClient } from '../../client/http.ts';
import { PrivicoreError } from '../../client/privicore-error.ts';
import {
  deleteProfileSecret,
  loadProfileSecrets,
  saveProfileSecrets,
} from '../../client/secrets/profile-secrets.ts';
import { becomeAuthenticator } from '../../client/this-authenticator.ts';
import type { CliContext } from '../cli-context.ts';
import { expectArgs, stringOption, type CommandSpec } from '../command-spec.ts';
import { holdNotice } from '../hold-notice.ts';
import { formatTable, formatTime } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const authenticatorsCommand: CommandSpec = {
  name: 'authenticators',
  synopsis: [
    'authenticators [ls]',
    'authenticators add DEVICE_ID',
    'authenticators add --this-machine [--name N]',
    'authenticators rm DEVICE_ID',
  ],
  summary:
    'List the devices that vote on gated operations, make a device (or this machine) one, remove one.',
  options: { 'this-machine': { type: 'boolean' }, name: { type: 'string' } },
  async run(ctx, { positionals, values }) {
    const [action = 'ls', ...rest] = positionals;
    if (!['ls', 'add', 'rm'].includes(action))
      throw new UsageError(
        `authenticators: unknown action "${action}"; use ls, add or rm.`,
        'authenticators',
      );
    const thisMachine = values['this-machine'] === true;
    const name = stringOption(values, 'name');
    if ((thisMachine || name !== undefined) && action !== 'add')
      throw new UsageError(
        'authenticators: --this-machine and --name go with add only.',
        'authenticators',
      );
    if (name !== undefined && !thisMachine)
      throw new UsageError(
        'authenticators add: --name goes with --this-machine.',
        'authenticators',
      );
    if (name !== undefined && (name === '' || name.length > 255))
      throw new UsageError(
        'authenticators add: --name must be 1–255 characters.',
        'authenticators',
      );
    const session = await ctx.session();
    switch (action) {
      case 'ls': {
        expectArgs(rest, 0, 0, 'authenticators', '');
        const list = await listAuthenticators(session.http);
        const mine = ctx.config.authenticatorDeviceId;
        ctx.out.result(
          list.length === 0
            ? 'No authenticators. Add one with `privicore-vault authenticators add --this-machine`.'
            : formatTable(
                ['ID', 'NAME', 'STATE', 'LAST SEEN', 'SINCE'],
                list.map((a) => [
                  a.deviceIdentifier,
                  a.deviceIdentifier === mine ? `${a.name} (this machine)` : a.name,
                  a.online ? 'online' : 'offline',
                  formatTime(a.lastSeenAt),
                  formatTime(a.registeredAt),
                ]),
              ),
          {
            authenticators: list.map((a) => ({ ...a, thisMachine: a.deviceIdentifier === mine })),
          },
        );
        return;
      }
      case 'add': {
        if (thisMachine) {
          expectArgs(rest, 0, 0, 'authenticators add --this-machine', '');
          if (ctx.config.authenticatorDeviceId)
            throw new UsageError(
              `authenticators add: this machine already votes as ${ctx.config.authenticatorDeviceId}; remove it first.`,
              'authenticators',
            );
          const profileId = ctx.requireProfileId();
          const made = await becomeAuthenticator(session, {
            deviceName: name ?? `${hostname()} (command line)`,
            onHold: holdNotice(ctx, 'Approving this machine'),
            signal: ctx.signal,
          });
          await saveProfileSecrets(ctx.secrets, profileId, {
            authenticatorToken: made.deviceToken,
          });
          await ctx.saveConfig({ authenticatorDeviceId: made.deviceIdentifier });
          ctx.out.result(
            `This machine now votes as authenticator ${made.deviceIdentifier}. See open ballots with \`privicore-vault votes\`.`,
            { deviceIdentifier: made.deviceIdentifier, thisMachine: true },
          );
          return;
        }
        expectArgs(rest, 1, 1, 'authenticators add', 'the device ID (or --this-machine)');
        const deviceIdentifier = rest[0]!;
        await session.run(() => registerAuthenticator(session.http, { deviceIdentifier }));
        ctx.out.result(`${deviceIdentifier} is now an authenticator.`, {
          deviceIdentifier,
          thisMachine: false,
        });
        return;
      }
      case 'rm': {
        expectArgs(rest, 1, 1, 'authenticators rm', 'the device ID');
        const deviceIdentifier = rest[0]!;
        if (deviceIdentifier === ctx.config.authenticatorDeviceId) {
          // This machine's own authenticator device goes entirely, and its token with it.
          await session.run(() => removeDevice(session.http, { deviceIdentifier }));
          await deleteProfileSecret(ctx.secrets, ctx.requireProfileId(), 'authenticator-token');
          await ctx.saveConfig({ authenticatorDeviceId: undefined });
        } else {
          await session.run(() => removeAuthenticator(session.http, { deviceIdentifier }));
        }
        ctx.out.result(`${deviceIdentifier} no longer votes.`, { deviceIdentifier, removed: true });
        return;
      }
    }
  },
};

/** This machine's authenticator token, or a clear error. */
async function authenticatorToken(ctx: CliContext): Promise<string> {
  const profileId = ctx.requireProfileId();
  const { authenticatorToken: token } = await loadProfileSecrets(ctx.secrets, profileId);
  if (!token || !ctx.config.authenticatorDeviceId) {
    throw new PrivicoreError({
      status: 0,
      reason: 'client.not_authenticator',
      message:
        'This machine is not an authenticator: run `privicore-vault authenticators add --this-machine` first.',
    });
  }
  return token;
}

export const votesCommand: CommandSpec = {
  name: 'votes',
  synopsis: 'votes',
  summary: "List the open ballots of this machine's authenticator.",
  async run(ctx, { positionals }) {
    expectArgs(positionals, 0, 0, 'votes', '');
    const token = await authenticatorToken(ctx);
    const engine = await ctx.engine();
    const inbox = new AuthenticatorInbox({
      apiUrl: engine.apiUrl,
      wsUrl: engine.wsUrl,
      ...(engine.tlsPin ? { tlsPin: engine.tlsPin } : {}),
      deviceToken: () => token,
    });
    try {
      // The engine re-sends every open ballot before it answers the join.
      await inbox.connect();
      const ballots = inbox.ballots().map((ballot) => {
        const subject = parseBallotSubject(ballot.subject);
        const described = describeBallot(subject);
        return {
          ...ballot,
          eventId: subject.eventId,
          title: described.title,
          facts: described.facts,
        };
      });
      ctx.out.result(
        ballots.length === 0
          ? 'No open ballots.'
          : ballots.flatMap((ballot) => [
              `${ballot.ballotId}  ${ballot.title}`,
              ...ballot.facts.map((fact) => `    ${fact.label}: ${fact.value}`),
              `    Closes: ${formatTime(ballot.expiresAt)} UTC   Vote: privicore-vault vote yes|no ${ballot.ballotId}`,
            ]),
        { ballots },
      );
    } finally {
      inbox.close();
    }
  },
};

export const voteCommand: CommandSpec = {
  name: 'vote',
  synopsis: 'vote yes|no BALLOT_ID',
  summary: "Vote on a ballot as this machine's authenticator; votes are final.",
  async run(ctx, { positionals }) {
    expectArgs(positionals, 2, 2, 'vote', 'yes or no and the ballot ID');
    const [choice, ballotId] = positionals as [string, string];
    if (choice !== 'yes' && choice !== 'no')
      throw new UsageError(`vote: say yes or no, got "${choice}".`, 'vote');
    const token = await authenticatorToken(ctx);
    const engine = await ctx.engine();
    const http = new HttpClient({
      apiUrl: engine.apiUrl,
      token: () => token,
      ...(engine.tlsPin ? { tlsPin: engine.tlsPin } : {}),
    });
    try {
      await castVote(http, { ballotId, vote: choice });
    } finally {
      http.close();
    }
    ctx.out.result(`Voted ${choice} on ${ballotId}.`, { ballotId, vote: choice, accepted: true });
  },
};
