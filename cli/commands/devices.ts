// devices [list | approve ID | reject ID | rename ID NAME | remove ID]
// Approving follows client/approval-review.ts: the device shows a code, and the keys go to it
// only when the person types the same code here (--code for a script that read it elsewhere).

import { approveReviewed, reviewJoinRequest } from '../../client/approval-review.ts';
import {
  configureMeta,
  rejectDevice,
  removeDevice,
  retrieveProfileDevices,
} from '../../client/endpoints/device.ts';
import { PrivicoreError } from '../../client/privicore-error.ts';
import { expectArgs, integerOption, stringOption, type CommandSpec } from '../command-spec.ts';
import { formatTable, formatTime } from '../output.ts';
import { promptLine, sameCode } from '../prompt.ts';
import { UsageError } from '../usage-error.ts';

export const devicesCommand: CommandSpec = {
  name: 'devices',
  synopsis: [
    'devices [list]',
    'devices approve ID [--code CODE] [--wait SECONDS]',
    'devices reject ID',
    'devices rename ID NAME',
    'devices remove ID',
  ],
  summary:
    "List the profile's devices, approve (comparing the code the device shows) or reject new ones, rename or remove them.",
  options: { code: { type: 'string' }, wait: { type: 'string' } },
  async run(ctx, { positionals, values }) {
    const [action = 'list', ...rest] = positionals;
    const session = await (async () => {
      if (!['list', 'approve', 'reject', 'rename', 'remove'].includes(action)) {
        throw new UsageError(
          `devices: unknown action "${action}"; use list, approve, reject, rename or remove.`,
          'devices',
        );
      }
      return ctx.session();
    })();
    switch (action) {
      case 'list': {
        expectArgs(rest, 0, 0, 'devices', '');
        const devices = await retrieveProfileDevices(session.http);
        const rows = devices.map((device) => [
          device.deviceIdentifier,
          device.name,
          device.status,
          device.role ?? '-',
          formatTime(device.createdAt),
        ]);
        ctx.out.result(
          devices.length === 0
            ? 'No devices.'
            : formatTable(['ID', 'NAME', 'STATUS', 'ROLE', 'CREATED'], rows),
          { devices },
        );
        return;
      }
      case 'approve': {
        expectArgs(rest, 1, 1, 'devices', 'the device ID');
        const deviceIdentifier = rest[0]!;
        const given = stringOption(values, 'code');
        const waitSeconds = integerOption(values, 'wait', 'devices', 1, 3600) ?? 300;
        ctx.out.note('Waiting for the device to show its verification code…');
        const outcome = await reviewJoinRequest(session, deviceIdentifier, {
          signal: ctx.signal,
          timeoutMs: waitSeconds * 1000,
        });
        if (outcome.state !== 'ready') throw reviewFailure(outcome.state);
        const { review } = outcome;
        const typed =
          given ??
          (await promptLine(
            `${review.deviceName} asked to join. Type the code it shows to approve it: `,
            ctx.signal,
          ));
        if (typed === null || !sameCode(typed, review.code)) {
          throw new PrivicoreError({
            status: 0,
            reason: 'approval.code_mismatch',
            message: `The codes differ, so nothing was approved. If you mistyped, run approve again; if ${review.deviceName} shows another code, reject it.`,
          });
        }
        await approveReviewed(session, review);
        ctx.out.result(`Approved ${deviceIdentifier} and shared the data key with it.`, {
          deviceIdentifier,
          approved: true,
          dataKeyShared: true,
        });
        return;
      }
      case 'reject': {
        expectArgs(rest, 1, 1, 'devices', 'the device ID');
        const deviceIdentifier = rest[0]!;
        await session.run(() => rejectDevice(session.http, { deviceIdentifier }));
        ctx.out.result(`Rejected ${deviceIdentifier}.`, { deviceIdentifier, rejected: true });
        return;
      }
      case 'rename': {
        expectArgs(rest, 2, 2, 'devices', 'the device ID and the new name');
        const [deviceIdentifier, name] = rest as [string, string];
        if (name === '' || name.length > 255)
          throw new UsageError('devices rename: the name must be 1–255 characters.', 'devices');
        await session.run(() => configureMeta(session.http, { deviceIdentifier, name }));
        ctx.out.result(`Renamed ${deviceIdentifier} to ${name}.`, { deviceIdentifier, name });
        return;
      }
      case 'remove': {
        expectArgs(rest, 1, 1, 'devices', 'the device ID');
        const deviceIdentifier = rest[0]!;
        await session.run(() => removeDevice(session.http, { deviceIdentifier }));
        const engine = await ctx.engine();
        await engine.embedded?.forgetLocalStorage(deviceIdentifier);
        ctx.out.result(`Removed ${deviceIdentifier}.`, { deviceIdentifier, removed: true });
        return;
      }
    }
  },
};

/** Why there is no code to compare, in words that say what to do. */
function reviewFailure(state: string): PrivicoreError {
  const words: Record<string, [string, string]> = {
    'no-verification': [
      'approval.no_verification',
      "That device sent no verification key (an older app?), so it can't be checked or given the keys. Reject it, and ask again from an up-to-date app.",
    ],
    'answered-elsewhere': [
      'approval.answered_elsewhere',
      'Another device is answering that request. Ask the new device to ask again if that was not you.',
    ],
    tampered: [
      'approval.tampered',
      "The device's verification values changed during the exchange. Reject it, and ask again from the new device.",
    ],
    'not-pending': ['device.not_pending', 'That device is not waiting for approval.'],
    'device-gone': ['device.not_found', 'That device no longer exists.'],
    'timed-out': [
      'client.timeout',
      'The device did not show a code in time. Keep its app open on the request and run approve again.',
    ],
    cancelled: ['client.cancelled', 'Cancelled.'],
  };
  const [reason, message] = words[state] ?? ['client.error', `Approval failed (${state}).`];
  return new PrivicoreError({ status: 0, reason, message });
}
