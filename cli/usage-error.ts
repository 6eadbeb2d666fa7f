/** A command line the CLI cannot run as typed: exit code 2 and a hint at --help. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to point at, if known. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
