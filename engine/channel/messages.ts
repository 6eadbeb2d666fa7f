/** Server messages of the WebSocket channel (contract §2), envelope `{"data":{…}}`. */
export interface CommandMessage {
  type: 'X-DPT-CAB-ID';
  id: string;
  command_status: 1 | 2 | 3;
  body: unknown;
}

export interface RequestMessage {
  type: 'X-DPT-CAB-REQUEST-ID';
  id: string;
  command_status: 2 | 3;
  output_type: 0 | 1;
  body: string;
  data_context: string | null;
}

export interface DeviceEventMessage {
  type: 'DEVICE-PENDING' | 'DEVICE-PAIRED';
  id: string;
  body: Record<string, string>;
}

/** Contract §2 extension: a ballot for one authenticator device. */
export interface BallotMessage {
  type: 'BALLOT';
  id: string;
  body: { poolId: string; subject: string; expiresAt: string };
}

/** Contract §2 extension: a voting pool ended, for the pool's profile. */
export interface PoolResolvedMessage {
  type: 'POOL-RESOLVED';
  id: string;
  body: { status: string; subject: string; resolvedAt: string };
}

/**
 * This engine's extension: an invitation to a directory arrived for the profile. It carries no
 * decision; the client lists the invitation (list-invites) and a person accepts or declines.
 */
export interface InvitationMessage {
  type: 'DIRECTORY-INVITATION';
  id: string;
  body: { directoryId: string; directoryName: string; role: string; invitedAt: string };
}

export type ServerMessage =
  | CommandMessage
  | RequestMessage
  | DeviceEventMessage
  | BallotMessage
  | PoolResolvedMessage
  | InvitationMessage;

/**
 * Who a message is for: every socket of a profile, or the sockets of one device. A message about
 * a command an OAuth grant sent names the grant too: an application's sockets hear only those.
 */
export type Recipient = { profileId: string; grantId?: string | null } | { deviceId: string };
