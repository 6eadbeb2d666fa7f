// completion bash|zsh|fish: prints a shell's completion script for the command table.

import type { ParseArgsConfig } from 'node:util';
import { completionScript, SHELLS, type Shell } from '../completion-script.ts';
import { expectArgs, type CommandSpec } from '../command-spec.ts';
import { UsageError } from '../usage-error.ts';

/** The table is read when the command runs, so it may include this command itself. */
export function completionCommand(
  program: string,
  commands: () => readonly CommandSpec[],
  globalOptions: NonNullable<ParseArgsConfig['options']>,
): CommandSpec {
  return {
    name: 'completion',
    synopsis: SHELLS.map((shell) => `completion ${shell}`),
    summary: 'Print the shell completion script for bash, zsh or fish.',
    details: [
      `bash:  source <(${program} completion bash)      (in ~/.bashrc)`,
      `zsh:   source <(${program} completion zsh)       (in ~/.zshrc, after compinit)`,
      `fish:  ${program} completion fish | source       (in ~/.config/fish/config.fish)`,
      'Each script also says where to save it to load it in every shell.',
    ],
    async run(ctx, { positionals }) {
      expectArgs(positionals, 1, 1, 'completion', 'the shell (bash, zsh or fish)');
      const shell = positionals[0]!;
      if (!(SHELLS as readonly string[]).includes(shell))
        throw new UsageError(
          `completion: no script for "${shell}"; use bash, zsh or fish.`,
          'completion',
        );
      if (ctx.out.json)
        throw new UsageError('completion: the script is shell code, not JSON.', 'completion');
      process.stdout.write(completionScript(shell as Shell, program, commands(), globalOptions));
    },
  };
}
