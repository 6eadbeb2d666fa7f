// What the CLI says while a command waits for a vote (contract §11): one line per pool on stderr,
// so people know it is not stuck and scripts reading stdout are not disturbed.

import type { CommandHold } from '../client/vault/vault-context.ts';
import type { CliContext } from './cli-context.ts';

export function holdNotice(ctx: CliContext, what: string): (hold: CommandHold) => void {
  return (hold) =>
    ctx.out.note(
      `${what}: awaiting approval by your authenticators (policy ${hold.policyId}, pool ${hold.poolId}); waiting for the vote…`,
    );
}
