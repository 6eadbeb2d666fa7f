// Every CLI command, in the order --help lists them. Loaded only once a command (or the help that
// lists them) is asked for: the commands pull in the client library.

import type { CommandSpec } from './command-spec.ts';
import { loginCommand, logoutCommand, signupCommand, whoamiCommand } from './commands/account.ts';
import { appsCommand, authorizeCommand } from './commands/apps.ts';
import { authenticatorsCommand, voteCommand, votesCommand } from './commands/authenticators.ts';
import { completionCommand } from './commands/completion.ts';
import { devicesCommand } from './commands/devices.ts';
import { findCommand, lsCommand } from './commands/file-list.ts';
import { classifyCommand, mvCommand, putCommand, rmCommand } from './commands/files.ts';
import { catCommand, getCommand } from './commands/get.ts';
import { orgCommand } from './commands/org.ts';
import { pairCommand, qrCommand } from './commands/pairing.ts';
import { policiesCommand } from './commands/policies.ts';
import { recoveryCommand } from './commands/recovery.ts';
import { storageCommand } from './commands/storage.ts';
import { votingCommand } from './commands/voting.ts';
import { GLOBAL_OPTIONS, PROGRAM } from './global-options.ts';

export const COMMANDS: readonly CommandSpec[] = [
  signupCommand,
  loginCommand,
  logoutCommand,
  whoamiCommand,
  putCommand,
  getCommand,
  catCommand,
  lsCommand,
  findCommand,
  mvCommand,
  classifyCommand,
  rmCommand,
  devicesCommand,
  storageCommand,
  qrCommand,
  pairCommand,
  recoveryCommand,
  appsCommand,
  authorizeCommand,
  authenticatorsCommand,
  votingCommand,
  policiesCommand,
  votesCommand,
  voteCommand,
  orgCommand,
  completionCommand(PROGRAM, () => COMMANDS, GLOBAL_OPTIONS),
];
