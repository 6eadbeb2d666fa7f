/**
 * A rule violation with the contract's status and reason key (§1.5). Domain modules throw
 * these; engine/http/errors.ts alone turns them into the error shape.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly errors?: Record<string, string[]>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function invalid(field: string, message: string): DomainError {
  return new DomainError(422, 'validation.failed', 'The request has invalid fields.', {
    [field]: [message],
  });
}

export const notFound = {
  dataToken: () => new DomainError(404, 'data_token.not_found', 'The data token was not found.'),
  device: () => new DomainError(404, 'device.not_found', 'The device was not found.'),
  command: () => new DomainError(404, 'command.not_found', 'The command was not found.'),
  directory: () => new DomainError(404, 'directory.not_found', 'The directory was not found.'),
  member: () =>
    new DomainError(
      404,
      'directory.member_not_found',
      'That profile is not a member of the directory.',
    ),
  invitation: () =>
    new DomainError(404, 'directory.invitation_not_found', 'The invitation was not found.'),
  votingConfiguration: () =>
    new DomainError(
      404,
      'voting_configuration.not_found',
      'The voting configuration was not found.',
    ),
  policy: () => new DomainError(404, 'policy.not_found', 'The policy was not found.'),
  pool: () => new DomainError(404, 'voting.pool_not_found', 'The voting pool was not found.'),
  ballot: () => new DomainError(404, 'voting.ballot_not_found', 'The ballot was not found.'),
};

/** Contract §13: a member of the directory without the role the endpoint needs. */
export function directoryForbidden(message: string): DomainError {
  return new DomainError(403, 'directory.forbidden', message);
}
