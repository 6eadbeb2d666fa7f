import type { PolicyInfo, PolicyTemplateInfo, VotingStrategy } from '../../bridge/types.ts';

export const STRATEGY_CHOICES: { value: VotingStrategy; label: string }[] = [
  { value: 'consensus', label: 'More yes than no' },
  { value: 'unanimous', label: 'Every vote must be yes' },
  { value: 'affirmative', label: 'One yes is enough' },
  { value: 'minimum_percentage', label: 'A share of the votes must be yes' },
];

/** A strategy (contract §10) as a person reads it. */
export function strategyWords(strategy: VotingStrategy, percentage: number | null): string {
  switch (strategy) {
    case 'consensus':
      return 'More yes than no';
    case 'unanimous':
      return 'Every vote must be yes';
    case 'affirmative':
      return 'One yes is enough';
    case 'minimum_percentage':
      return `At least ${percentage ?? '?'}% of the votes yes`;
  }
}

/** "5 minutes", "90 seconds", "1 hour" for a time limit in seconds. */
export function durationWords(seconds: number): string {
  if (seconds % 3600 === 0) {
    const hours = seconds / 3600;
    return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  }
  if (seconds % 60 === 0) {
    const minutes = seconds / 60;
    return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
  }
  return `${seconds} seconds`;
}

/**
 * What a policy holds, in one sentence: "Data upload and Data deletion under /finance wait for
 * a vote, decided by “board-approval”".
 */
export function policySentence(
  policy: PolicyInfo,
  template: PolicyTemplateInfo | undefined,
  configurationName: string | null,
): string {
  const labels = policy.eventIds.map(
    (eventId) => template?.events.find((event) => event.id === eventId)?.label ?? eventId,
  );
  const what =
    labels.length <= 1
      ? (labels[0] ?? 'Nothing')
      : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
  const where = policy.contextPrefix ? ` under ${policy.contextPrefix}` : '';
  const verb = labels.length === 1 ? 'waits' : 'wait';
  const how = configurationName ? `“${configurationName}”` : 'the voting defaults';
  return `${what}${where} ${verb} for a vote, decided by ${how}`;
}
