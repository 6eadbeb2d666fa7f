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
  CommandMessage | RequestMessage | DeviceEventMessage | InvitationMessage;

/** Who a message is for: every socket of a profile, or the sockets of one device. */
export type Recipient = { profileId: string } | { deviceId: string };
