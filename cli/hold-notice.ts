// What the CLI says while a command waits for a vote (contract §11): one line per pool on stderr,
// so people know it is not stuck and scripts reading stdout are not disturbed.

import type { ProgressListener } from '../client/vault/transfer-progress.ts';
import type { CommandHold } from '../client/vault/vault-context.ts';
import type { CliContext } from './cli-context.ts';
import type { ProgressBar } from './progress-bar.ts';

export function holdNotice(ctx: CliContext, what: string): (hold: CommandHold) => void {
  return (hold) =>
    ctx.out.note(
      `${what}: awaiting approval by your authenticators (policy ${hold.policyId}, pool ${hold.poolId}); waiting for the vote…`,
    );
}

/** A transfer's progress for its bar, with the wait for a vote said in words. */
export function progressWithHolds(
  ctx: CliContext,
  what: string,
  bar: ProgressBar,
): ProgressListener {
  const held = holdNotice(ctx, what);
  return (progress) => {
    if (progress.phase === 'held') {
      if (progress.hold) held(progress.hold);
      return;
    }
    bar.update(progress.bytes, progress.total);
  };
}
