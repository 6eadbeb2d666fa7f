// recovery export FILE / recovery import FILE: the profile's data key and private key in a
// passphrase-protected file (client/crypto/recovery-kit.ts: scrypt + AES-256-GCM).

import { openRecoveryKit } from '../../client/crypto/recovery-kit.ts';
import { exportRecoveryKit, readKitFile } from '../../client/recovery-kit-file.ts';
import { PrivicoreError } from '../../client/privicore-error.ts';
import { loadProfileSecrets, saveProfileSecrets } from '../../client/secrets/profile-secrets.ts';
import { expectArgs, type CommandSpec } from '../command-spec.ts';
import { readSecret } from '../prompt.ts';
import { UsageError } from '../usage-error.ts';

export const recoveryCommand: CommandSpec = {
  name: 'recovery',
  synopsis: [
    'recovery export FILE [--passphrase-stdin] [--force]',
    'recovery import FILE [--passphrase-stdin]',
  ],
  summary: "Save the profile's keys to a passphrase-protected file, or restore them from one.",
  options: { 'passphrase-stdin': { type: 'boolean' }, force: { type: 'boolean' } },
  async run(ctx, { positionals, values }) {
    const [action, ...rest] = positionals;
    if (action !== 'export' && action !== 'import')
      throw new UsageError(
        'recovery: use `recovery export FILE` or `recovery import FILE`.',
        'recovery',
      );
    expectArgs(rest, 1, 1, `recovery ${action}`, 'the file');
    const file = rest[0]!;
    const fromStdin = values['passphrase-stdin'] === true;

    if (action === 'export') {
      const profileId = ctx.requireProfileId();
      const secrets = await loadProfileSecrets(ctx.secrets, profileId);
      if (!secrets.dataKey || !secrets.privateKey) {
        throw new PrivicoreError({
          status: 0,
          reason: 'client.no_data_key',
          message: `This machine does not hold the profile's ${!secrets.dataKey ? 'data key' : 'private key'}, so there is nothing complete to export.`,
        });
      }
      const passphrase = await readSecret({ what: 'passphrase', fromStdin, confirm: true });
      // Written beside FILE and moved into place: a failure (a full disk) never leaves half a
      // kit, nor destroys the one --force would have replaced.
      await exportRecoveryKit(
        ctx.secrets,
        { profileId, username: ctx.config.username ?? null },
        passphrase,
        file,
        { replace: values['force'] === true },
      );
      ctx.out.result(
        `Wrote the recovery kit for ${ctx.config.username ?? profileId} to ${file}. Keep it and its passphrase apart.`,
        { file, profileId },
      );
      return;
    }

    const text = await readKitFile(file);
    const passphrase = await readSecret({ what: 'passphrase', fromStdin, confirm: false });
    const kit = await openRecoveryKit(text, passphrase);
    if (ctx.config.profileId && ctx.config.profileId !== kit.profileId) {
      throw new Error(
        `This kit is for ${kit.username} (profile ${kit.profileId}), but this machine is set up for profile ${ctx.config.profileId}; log in as ${kit.username} first.`,
      );
    }
    await saveProfileSecrets(ctx.secrets, kit.profileId, {
      dataKey: kit.dataKey,
      privateKey: kit.privateKey,
    });
    if (!ctx.config.profileId)
      await ctx.saveConfig({ profileId: kit.profileId, username: kit.username });
    ctx.out.result(
      `Restored the keys of ${kit.username} (profile ${kit.profileId}) into the OS keychain.`,
      { profileId: kit.profileId, username: kit.username },
    );
  },
};
