import type { RawData } from 'ws';
import { isId } from '../ids.ts';

/*
 * The private wire format of the embedded device bus (contract §9 leaves it to the engine and
 * its device runtime). Every message is one binary WebSocket frame:
 *   bytes 0–3      header length N, unsigned 32-bit big-endian
 *   bytes 4–4+N    header: UTF-8 JSON object with an `op`
 *   bytes 4+N–end  payload: the chunk bytes of `put` and `data`, empty for every other op
 *
 * engine → device  {op:'put', id, itemId, index, defer?} + chunk, {op:'get', id, itemId, index},
 *                  {op:'flush', id, itemId}, {op:'delete', id, itemId}, {op:'list', id},
 *                  {op:'welcome', deviceIdentifier},
 *                  {op:'challenge', nonce, enginePublicKey} (slot-proof.ts)
 * device → engine  {op:'hello', deviceToken, flush?} (first frame), {op:'proof', proof},
 *                  {op:'ok', id},
 *                  {op:'data', id} + chunk, {op:'missing', id}, {op:'items', id, itemIds},
 *                  {op:'error', id, message}
 *
 * Authenticators in the device runtime vote over the bus (contract §2, §12):
 * engine → device  {op:'ballot', ballotId, poolId, subject, expiresAt} (no reply),
 *                  {op:'voted', ref, reason?} (answers a vote; no reason means accepted)
 * device → engine  {op:'vote', ref, ballotId, vote: 'yes'|'no'}
 *
 * `id` is a positive integer the engine picks per request; replies carry it back. A vote's `ref`
 * is the device's own counter, carried back the same way. Unknown header
 * fields are ignored; anything else that does not fit is a FrameError, and the receiver closes
 * the connection with 1008.
 *
 * Durability: a plain put is answered once the chunk is durable. A device that says hello with
 * `flush: true` also takes `defer: true` puts, answered once the chunk is in place but perhaps
 * not yet on disk, and `flush`, answered once every chunk it holds of the item is durable. The
 * engine sends `defer` and `flush` only to devices that announced them, and an older device
 * ignores the unknown hello field of a newer one, so either side may be the older.
 */

/** Largest frame either side accepts (ws maxPayload); a chunk must fit with its header. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;
const MAX_TOKEN_LENGTH = 1024;
const MAX_MESSAGE_LENGTH = 1024;
/** A ballot subject: event id and attributes, a context of up to 1024 characters among them. */
const MAX_SUBJECT_LENGTH = 4096;

/** Close codes of the bus. 4401 and 4409 mirror the channel's (socket-hub.ts) meaning. */
export const CLOSE_GOING_AWAY = 1001;
/** WebSocket's code for a connection that ended without a close; the bus's own sockets use it too. */
export const CLOSE_ABNORMAL = 1006;
export const CLOSE_MALFORMED = 1008;
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_REPLACED = 4409;

export type EngineRequest =
  | { op: 'put'; id: number; itemId: string; index: number; defer?: true }
  | { op: 'get'; id: number; itemId: string; index: number }
  | { op: 'flush'; id: number; itemId: string }
  | { op: 'delete'; id: number; itemId: string }
  | { op: 'list'; id: number };
export interface BallotFrame {
  op: 'ballot';
  ballotId: string;
  poolId: string;
  subject: string;
  expiresAt: string;
}
export type EngineFrame =
  | EngineRequest
  | { op: 'welcome'; deviceIdentifier: string }
  | { op: 'challenge'; nonce: string; enginePublicKey: string }
  | BallotFrame
  | { op: 'voted'; ref: number; reason?: string };

export type DeviceReply =
  | { op: 'ok'; id: number }
  | { op: 'data'; id: number }
  | { op: 'missing'; id: number }
  | { op: 'items'; id: number; itemIds: string[] }
  | { op: 'error'; id: number; message: string };
/** Whether a reply of this op answers a request of that op; an `error` reply is the callers' to handle first. */
export function answersRequest(request: EngineRequest['op'], reply: DeviceReply['op']): boolean {
  switch (request) {
    case 'put':
    case 'flush':
    case 'delete':
      return reply === 'ok';
    case 'get':
      return reply === 'data' || reply === 'missing';
    case 'list':
      return reply === 'items';
  }
}

export interface VoteFrame {
  op: 'vote';
  ref: number;
  ballotId: string;
  vote: 'yes' | 'no';
}
export type DeviceFrame =
  | { op: 'hello'; deviceToken: string; flush?: true }
  | { op: 'proof'; proof: string }
  | DeviceReply
  | VoteFrame;

export interface Decoded<H> {
  header: H;
  payload: Buffer;
}

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

export function encodeFrame(header: EngineFrame | DeviceFrame, payload?: Buffer): Buffer {
  const json = JSON.stringify(header);
  const headerLength = Buffer.byteLength(json, 'utf8');
  // One allocation and one copy of the payload: frames carry chunks of a mebibyte and more.
  const frame = Buffer.allocUnsafe(4 + headerLength + (payload?.length ?? 0));
  frame.writeUInt32BE(headerLength, 0);
  frame.write(json, 4, 'utf8');
  if (payload) payload.copy(frame, 4 + headerLength);
  return frame;
}

/** Bytes a frame needs around its payload, so senders can refuse a chunk that cannot fit. */
export function frameOverhead(header: EngineFrame | DeviceFrame): number {
  return 4 + Buffer.byteLength(JSON.stringify(header), 'utf8');
}

export function decodeEngineFrame(raw: RawData, isBinary: boolean): Decoded<EngineFrame> {
  const { header, payload } = split(raw, isBinary);
  const op = header.op;
  switch (op) {
    case 'put':
      return withPayload(
        {
          op,
          id: requestId(header),
          itemId: itemId(header.itemId),
          index: chunkIndex(header.index),
          ...(header.defer === true ? { defer: true as const } : {}),
        },
        payload,
        true,
      );
    case 'get':
      return withPayload(
        {
          op,
          id: requestId(header),
          itemId: itemId(header.itemId),
          index: chunkIndex(header.index),
        },
        payload,
        false,
      );
    case 'flush':
    case 'delete':
      return withPayload(
        { op, id: requestId(header), itemId: itemId(header.itemId) },
        payload,
        false,
      );
    case 'list':
      return withPayload({ op, id: requestId(header) }, payload, false);
    case 'welcome':
      return withPayload(
        { op, deviceIdentifier: itemId(header.deviceIdentifier, 'deviceIdentifier') },
        payload,
        false,
      );
    case 'challenge':
      return withPayload(
        {
          op,
          nonce: shortText(header.nonce, 'nonce', 128),
          enginePublicKey: shortText(header.enginePublicKey, 'enginePublicKey', 200),
        },
        payload,
        false,
      );
    case 'ballot':
      return withPayload(
        {
          op,
          ballotId: itemId(header.ballotId, 'ballotId'),
          poolId: itemId(header.poolId, 'poolId'),
          subject: boundedText(header.subject, 'subject', MAX_SUBJECT_LENGTH),
          expiresAt: boundedText(header.expiresAt, 'expiresAt', 64),
        },
        payload,
        false,
      );
    case 'voted': {
      const reason = header.reason;
      return withPayload(
        {
          op,
          ref: positiveInteger(header.ref, 'voted', 'ref'),
          ...(reason === undefined ? {} : { reason: boundedText(reason, 'reason', 128) }),
        },
        payload,
        false,
      );
    }
    default:
      throw new FrameError(`unknown engine op ${describe(op)}`);
  }
}

export function decodeDeviceFrame(raw: RawData, isBinary: boolean): Decoded<DeviceFrame> {
  const { header, payload } = split(raw, isBinary);
  return decodeDeviceParts(header, payload);
}

/**
 * A device frame whose header and payload travel apart (the amqp bus carries the header as a
 * message property and the payload as the body, so a chunk is never copied into a frame).
 */
export function decodeDeviceParts(
  header: Record<string, unknown>,
  payload: Buffer,
): Decoded<DeviceFrame> {
  const op = header.op;
  switch (op) {
    case 'hello': {
      const token = header.deviceToken;
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        throw new FrameError(`hello needs a deviceToken of 1–${MAX_TOKEN_LENGTH} characters`);
      }
      return withPayload(
        { op, deviceToken: token, ...(header.flush === true ? { flush: true as const } : {}) },
        payload,
        false,
      );
    }
    case 'proof': {
      // Empty when the device has no private key to prove with.
      const proof = header.proof;
      if (typeof proof !== 'string' || proof.length > 128)
        throw new FrameError('proof needs a proof of at most 128 characters');
      return withPayload({ op, proof }, payload, false);
    }
    case 'ok':
    case 'missing':
      return withPayload({ op, id: requestId(header) }, payload, false);
    case 'data':
      return withPayload({ op, id: requestId(header) }, payload, true);
    case 'items': {
      if (!Array.isArray(header.itemIds)) throw new FrameError('items needs an itemIds array');
      const itemIds = header.itemIds.map((value) => itemId(value));
      return withPayload({ op, id: requestId(header), itemIds }, payload, false);
    }
    case 'error': {
      const message = header.message;
      if (typeof message !== 'string' || message.length > MAX_MESSAGE_LENGTH) {
        throw new FrameError(`error needs a message of at most ${MAX_MESSAGE_LENGTH} characters`);
      }
      return withPayload({ op, id: requestId(header), message }, payload, false);
    }
    case 'vote': {
      const vote = header.vote;
      if (vote !== 'yes' && vote !== 'no') throw new FrameError('vote must be "yes" or "no"');
      return withPayload(
        {
          op,
          ref: positiveInteger(header.ref, 'vote', 'ref'),
          ballotId: itemId(header.ballotId, 'ballotId'),
          vote,
        },
        payload,
        false,
      );
    }
    default:
      throw new FrameError(`unknown device op ${describe(op)}`);
  }
}

/** A WebSocket close reason is at most 123 bytes of UTF-8. */
export function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason, 'utf8') > 123) reason = reason.slice(0, -1);
  return reason;
}

/** A frame header's JSON text as an object; FrameError when it is not one. */
export function parseFrameHeader(text: string): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    throw new FrameError('header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new FrameError('header is not a JSON object');
  }
  return header as Record<string, unknown>;
}

/** A frame's header text and payload, without copying the payload. */
export function frameParts(frame: Buffer): { headerText: string; payload: Buffer } {
  const { header, payload } = split(frame, true);
  return { headerText: JSON.stringify(header), payload };
}

function split(
  raw: RawData,
  isBinary: boolean,
): { header: Record<string, unknown>; payload: Buffer } {
  if (!isBinary) throw new FrameError('text frame; the bus speaks binary frames only');
  const bytes = Array.isArray(raw)
    ? Buffer.concat(raw)
    : Buffer.isBuffer(raw)
      ? raw
      : Buffer.from(raw);
  if (bytes.length < 4)
    throw new FrameError(`frame of ${bytes.length} bytes is shorter than its length prefix`);
  const headerLength = bytes.readUInt32BE(0);
  if (headerLength < 2 || headerLength > bytes.length - 4) {
    throw new FrameError(
      `header length ${headerLength} does not fit a frame of ${bytes.length} bytes`,
    );
  }
  let header: unknown;
  try {
    // fatal: a header with invalid UTF-8 is malformed rather than silently repaired.
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(4, 4 + headerLength)),
    );
  } catch {
    throw new FrameError('header is not UTF-8 JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new FrameError('header is not a JSON object');
  }
  return { header: header as Record<string, unknown>, payload: bytes.subarray(4 + headerLength) };
}

function withPayload<H>(header: H, payload: Buffer, allowed: boolean): Decoded<H> {
  if (!allowed && payload.length > 0) {
    throw new FrameError(
      `${(header as { op: string }).op} carries no payload, got ${payload.length} bytes`,
    );
  }
  return { header, payload };
}

function requestId(header: Record<string, unknown>): number {
  const id = header.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
    throw new FrameError(`${String(header.op)} needs an id that is a positive integer`);
  }
  return id;
}

function positiveInteger(value: unknown, op: string, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw new FrameError(`${op} needs a ${name} that is a positive integer`);
  return value;
}

/** A string of at most `max` characters (may be empty). */
function boundedText(value: unknown, name: string, max: number): string {
  if (typeof value !== 'string' || value.length > max)
    throw new FrameError(`${name} must be a string of at most ${max} characters`);
  return value;
}

function itemId(value: unknown, name = 'itemId'): string {
  if (!isId(value))
    throw new FrameError(`${name} must be a lowercase UUID, got ${describe(value)}`);
  return value;
}

function shortText(value: unknown, name: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max)
    throw new FrameError(`${name} must be 1–${max} characters`);
  return value;
}

function chunkIndex(value: unknown): number {
  // 2^31 keeps file names short and far beyond any real chunk count.
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** 31) {
    throw new FrameError(`index must be a non-negative integer below 2^31, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 48 ? `${text.slice(0, 48)}…` : text;
}
