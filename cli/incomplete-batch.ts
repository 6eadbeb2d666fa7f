import type { FailureClass } from './exit-codes.ts';

/**
 * A batch (`rm` or `get` of several tokens) in which some tokens failed on their own, each named
 * as it failed. The exit code is the first one's: 3 for an unknown token, 6 for data that failed
 * its check, and so on.
 */
export class IncompleteBatch extends Error {
  constructor(
    message: string,
    readonly failure: FailureClass,
  ) {
    super(message);
    this.name = 'IncompleteBatch';
  }
}
