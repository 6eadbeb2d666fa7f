import {
  decodeDeviceFrame,
  decodeDeviceParts,
  encodeFrame,
  frameParts,
  parseFrameHeader,
  type Decoded,
  type DeviceFrame,
  type EngineFrame,
} from './bus-frames.ts';

/*
 * bus-frames.ts frames as AMQP messages. The header rides in the `x-frame` message property and
 * the payload is the body, so a mebibyte chunk goes to the broker as it is rather than copied
 * into a frame first. A header too large for a property (a device's list of every item it
 * holds) makes the whole frame the body instead, without the property.
 */

export const FRAME_PROPERTY = 'x-frame';
/** amqplib encodes properties into a 64 KiB buffer; headers stay well below it. */
const MAX_PROPERTY_BYTES = 16 * 1024;

export interface FrameMessage {
  content: Buffer;
  headers?: Record<string, string>;
}

export function frameMessage(header: EngineFrame | DeviceFrame, payload?: Buffer): FrameMessage {
  return messageOf(JSON.stringify(header), payload, () => encodeFrame(header, payload));
}

/** The same for a frame a runtime encoded already (the device side). */
export function frameMessageOf(frame: Buffer): FrameMessage {
  const { headerText, payload } = frameParts(frame);
  return messageOf(headerText, payload, () => frame);
}

function messageOf(headerText: string, payload: Buffer | undefined, whole: () => Buffer) {
  if (Buffer.byteLength(headerText, 'utf8') > MAX_PROPERTY_BYTES) return { content: whole() };
  return {
    content: payload ?? Buffer.alloc(0),
    headers: { [FRAME_PROPERTY]: headerText },
  };
}

/** The frame header text a message carries as a property, if it does. */
export function frameProperty(headers: Record<string, unknown> | undefined): string | undefined {
  const text = headers?.[FRAME_PROPERTY];
  return typeof text === 'string'
    ? text
    : Buffer.isBuffer(text)
      ? text.toString('utf8')
      : undefined;
}

/** A device's message as a frame, checked like one from the embedded bus (FrameError). */
export function decodeDeviceMessage(
  content: Buffer,
  headers: Record<string, unknown> | undefined,
): Decoded<DeviceFrame> {
  const text = frameProperty(headers);
  return text === undefined
    ? decodeDeviceFrame(content, true)
    : decodeDeviceParts(parseFrameHeader(text), content);
}

/** An engine message as the whole frame a device runtime reads. */
export function wholeFrame(content: Buffer, headers: Record<string, unknown> | undefined): Buffer {
  const text = frameProperty(headers);
  if (text === undefined) return content;
  const header = Buffer.from(text, 'utf8');
  const frame = Buffer.allocUnsafe(4 + header.length + content.length);
  frame.writeUInt32BE(header.length, 0);
  header.copy(frame, 4);
  content.copy(frame, 4 + header.length);
  return frame;
}
