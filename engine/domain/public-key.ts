import type { CommandSpec } from '../commands/command-runner.ts';
import type { EngineContext } from '../context.ts';
import { checkSignedPublicKey } from '../crypto/signed-key.ts';
import type { Caller } from './authorization.ts';
import { DomainError, invalid } from './domain-error.ts';

export const registerPublicKeyCommand: CommandSpec<{ publicKey: string }> = {
  kind: 'public-key.register-public-key',
  restart: 'rerun',
  async commit(tx, { profileId, payload }) {
    await tx.profiles.setPublicKey(profileId!, payload.publicKey);
    return { ok: true };
  },
};

/** Contract §1.7: length, hex, tag and digest are checked; stored lowercase. */
export function validSignedKey(value: string, field = 'publicKey'): string {
  const problem = checkSignedPublicKey(value);
  if (problem) throw invalid(field, problem);
  return value.toLowerCase();
}

export async function registerPublicKey(
  ctx: EngineContext,
  caller: Caller,
  publicKey: string,
): Promise<string> {
  const key = validSignedKey(publicKey);
  return ctx.commands.accept(registerPublicKeyCommand, caller.profile.id, { publicKey: key });
}

export function retrievePublicKey(caller: Caller): { publicKey: string } {
  if (caller.profile.publicKey === null) {
    throw new DomainError(
      403,
      'profile.public_key_required',
      'Register the profile public key first.',
    );
  }
  return { publicKey: caller.profile.publicKey };
}
