/**
 * Contract §11 policy templates, in the contract's order. `events` maps each event id to its
 * label; the wire shape (policy.list-policy-templates) nests it once more, as the contract's
 * example does.
 */
export interface PolicyTemplate {
  id: string;
  name: string;
  description: string;
  events: Record<string, string>;
  /** `configuration` keys that take effect. */
  configuration: string[];
  votingAttributes: string[];
}

export const POLICY_TEMPLATES: readonly PolicyTemplate[] = [
  {
    id: 'profile-governance',
    name: 'Profile governance',
    description: 'Vote on password changes and new OAuth applications.',
    events: {
      'profile.password_changed': 'Password change',
      'oauth.application_registered': 'OAuth application registration',
    },
    configuration: [],
    votingAttributes: ['username', 'applicationName'],
  },
  {
    id: 'device-governance',
    name: 'Device governance',
    description: 'Vote on approving new devices and on registering storage devices.',
    events: {
      'device.approval_requested': 'Device approval',
      'storage.registered': 'Storage device registration',
    },
    configuration: [],
    votingAttributes: ['deviceIdentifier', 'deviceName'],
  },
  {
    id: 'data-token-governance',
    name: 'Data token governance',
    description: 'Vote on storing, requesting and deleting data, optionally under one context.',
    events: {
      'data_token.exchanged': 'Data upload',
      'data_token.requested': 'Data download request',
      'data_token.deleted': 'Data deletion',
    },
    configuration: ['contextPrefix'],
    votingAttributes: ['context', 'fileName', 'size'],
  },
];

export function policyTemplate(id: string): PolicyTemplate | undefined {
  return POLICY_TEMPLATES.find((template) => template.id === id);
}

/** The template an event belongs to. */
export function templateOfEvent(eventId: string): PolicyTemplate | undefined {
  return POLICY_TEMPLATES.find((template) => eventId in template.events);
}
