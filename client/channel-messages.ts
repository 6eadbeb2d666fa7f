// What the engine sends on the session channel (contract §2), parsed with zod into the few
// shapes the channel acts on. Anything else — unknown types, frames that are not JSON objects —
// parses to undefined and is ignored, as the contract asks. Fields a message lacks are read as
// empty rather than refused, so an engine that omits an optional field still gets its event out.

// zod/mini, not zod: the same checks, and a fraction of the code for every CLI run to load.
import * as z from 'zod/mini';
import { downloadSourceOf, type DownloadSource } from './download-source.ts';
import type { PrivicoreError } from './privicore-error.ts';

export type CommandOutcome =
  | { status: 2; body: unknown; via: 'message' }
  /** Learned from /request-status after a reconnect: the result body was lost with the message. */
  | { status: 2; via: 'status' }
  | { status: 3; reason: string };

export type RequestOutcome =
  | { status: 2; source: DownloadSource }
  /** The request succeeded but its download message was lost; ask again. */
  | { status: 2; source: undefined }
  | { status: 3; reason: string };

export interface ChannelEventPayloads {
  'device-pending': { deviceIdentifier: string; deviceName: string; requestedAt: string };
  'device-paired': { deviceIdentifier: string; deviceName: string; pairedAt: string };
  ballot: { ballotId: string; poolId: string; subject: string; expiresAt: string };
  'pool-resolved': { poolId: string; status: string; subject: string; resolvedAt: string };
  /** This engine's extension: an invitation to a directory arrived (a hint to list invitations). */
  'directory-invitation': { invitationId: string; directoryId: string; directoryName: string };
  /** A command waits for a voting pool (status 1 with `{poolId, policyId}`). */
  'vote-pending': { commandId: string; poolId: string; policyId: string };
}

/** One server message as the channel acts on it. */
export type ServerMessage =
  | { kind: 'command'; id: string; outcome: CommandOutcome }
  | { kind: 'request'; id: string; outcome: RequestOutcome }
  /** STREAM-READY: a download URL for a request still waiting for one. */
  | { kind: 'stream-ready'; requestId: string; url: string }
  | {
      [E in keyof ChannelEventPayloads]: {
        kind: 'event';
        event: E;
        payload: ChannelEventPayloads[E];
      };
    }[keyof ChannelEventPayloads];

/** The envelope of every frame: a reply (`correlationId`, `status`) or a message (`data.type`). */
const Frame = z.looseObject({
  correlationId: z.optional(z.unknown()),
  status: z.optional(z.unknown()),
  data: z.optional(z.unknown()),
});
export type Frame = z.infer<typeof Frame>;

const Data = z.looseObject({ type: z.string() });
const Id = z.string().check(z.minLength(1));
/** A text field that may be missing; read through text() (see the header). */
const Text = z.optional(z.unknown());
const text = (value: unknown): string =>
  value === undefined || value === null ? '' : String(value);
const Status = z.pipe(
  z.unknown(),
  z.transform((value) => Number(value)),
);

const CommandMessage = z.looseObject({ id: Id, command_status: Status, body: z.unknown() });
const RequestMessage = z.looseObject({
  id: Id,
  command_status: Status,
  output_type: z.optional(z.unknown()),
  body: z.unknown(),
});
const StreamReady = z.looseObject({
  id: z.optional(Id),
  requestId: z.optional(Id),
  streamUrl: z.string(),
});
const EventMessage = <B extends z.ZodMiniType>(body: B) => z.looseObject({ id: Id, body });

const DevicePending = EventMessage(z.looseObject({ deviceName: Text, requestedAt: Text }));
const DevicePaired = EventMessage(z.looseObject({ deviceName: Text, pairedAt: Text }));
const Ballot = EventMessage(z.looseObject({ poolId: Text, subject: Text, expiresAt: Text }));
const PoolResolved = EventMessage(z.looseObject({ status: Text, subject: Text, resolvedAt: Text }));
const DirectoryInvitation = EventMessage(z.looseObject({ directoryId: Text, directoryName: Text }));
const VotePending = z.looseObject({ poolId: z.string(), policyId: Text });

/** A frame's JSON, or undefined when it is not a JSON object. */
export function parseFrame(text: string): Frame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const frame = Frame.safeParse(value);
  return frame.success ? frame.data : undefined;
}

/** The `data` of a server message (it has a `type`), or undefined for replies and noise. */
export function messageData(frame: Frame): Record<string, unknown> | undefined {
  const data = Data.safeParse(frame.data);
  return data.success ? data.data : undefined;
}

/** What a message means to the channel; undefined for what it ignores. */
export function parseServerMessage(
  data: Record<string, unknown>,
  apiUrl: string,
): ServerMessage | undefined {
  switch (data['type']) {
    case 'X-DPT-CAB-ID': {
      const message = CommandMessage.safeParse(data);
      if (!message.success) return undefined;
      const { id, command_status: status, body } = message.data;
      if (status === 1) {
        const pending = VotePending.safeParse(body);
        return pending.success
          ? {
              kind: 'event',
              event: 'vote-pending',
              payload: {
                commandId: id,
                poolId: pending.data.poolId,
                policyId: text(pending.data.policyId),
              },
            }
          : undefined;
      }
      if (status === 2)
        return { kind: 'command', id, outcome: { status: 2, body, via: 'message' } };
      if (status === 3)
        return { kind: 'command', id, outcome: { status: 3, reason: reasonOf(body) } };
      return undefined;
    }
    case 'X-DPT-CAB-REQUEST-ID': {
      const message = RequestMessage.safeParse(data);
      if (!message.success) return undefined;
      const { id, command_status: status, body } = message.data;
      if (status === 2) {
        let outcome: RequestOutcome;
        try {
          outcome = { status: 2, source: downloadSourceOf(message.data, apiUrl) };
        } catch (error) {
          outcome = { status: 3, reason: (error as PrivicoreError).reason ?? 'client.protocol' };
        }
        return { kind: 'request', id, outcome };
      }
      if (status === 3)
        return { kind: 'request', id, outcome: { status: 3, reason: reasonOf(body) } };
      return undefined;
    }
    case 'STREAM-READY': {
      const message = StreamReady.safeParse(data);
      if (!message.success) return undefined;
      const requestId = message.data.id ?? message.data.requestId;
      return requestId
        ? { kind: 'stream-ready', requestId, url: message.data.streamUrl }
        : undefined;
    }
    case 'DEVICE-PENDING': {
      const message = DevicePending.safeParse(data);
      if (!message.success) return undefined;
      const { id, body } = message.data;
      return {
        kind: 'event',
        event: 'device-pending',
        payload: {
          deviceIdentifier: id,
          deviceName: text(body.deviceName),
          requestedAt: text(body.requestedAt),
        },
      };
    }
    case 'DEVICE-PAIRED': {
      const message = DevicePaired.safeParse(data);
      if (!message.success) return undefined;
      const { id, body } = message.data;
      return {
        kind: 'event',
        event: 'device-paired',
        payload: {
          deviceIdentifier: id,
          deviceName: text(body.deviceName),
          pairedAt: text(body.pairedAt),
        },
      };
    }
    case 'BALLOT': {
      const message = Ballot.safeParse(data);
      if (!message.success) return undefined;
      const { id, body } = message.data;
      return {
        kind: 'event',
        event: 'ballot',
        payload: {
          ballotId: id,
          poolId: text(body.poolId),
          subject: text(body.subject),
          expiresAt: text(body.expiresAt),
        },
      };
    }
    case 'POOL-RESOLVED': {
      const message = PoolResolved.safeParse(data);
      if (!message.success) return undefined;
      const { id, body } = message.data;
      return {
        kind: 'event',
        event: 'pool-resolved',
        payload: {
          poolId: id,
          status: text(body.status),
          subject: text(body.subject),
          resolvedAt: text(body.resolvedAt),
        },
      };
    }
    case 'DIRECTORY-INVITATION': {
      const message = DirectoryInvitation.safeParse(data);
      if (!message.success) return undefined;
      const { id, body } = message.data;
      return {
        kind: 'event',
        event: 'directory-invitation',
        payload: {
          invitationId: id,
          directoryId: text(body.directoryId),
          directoryName: text(body.directoryName),
        },
      };
    }
    default:
      // Contract §2: unknown types are ignored.
      return undefined;
  }
}

/** The status-3 body is the reason key. */
function reasonOf(body: unknown): string {
  return typeof body === 'string' ? body : 'server.error';
}

/** The join reply's fields (contract §2 joinChannel). */
export function joinReplyOf(frame: Frame): {
  status: number;
  channelId: string | undefined;
  reason: string | undefined;
  message: string | undefined;
} {
  const data = z
    .catch(
      z.looseObject({
        channelId: z.catch(z.optional(z.string()), undefined),
        reason: z.catch(z.optional(z.string()), undefined),
        message: z.catch(z.optional(z.string()), undefined),
      }),
      {},
    )
    .parse(frame.data);
  return {
    status: typeof frame.status === 'number' ? frame.status : 0,
    channelId: data.channelId,
    reason: data.reason,
    message: data.message,
  };
}
