import { WebSocket, type ClientOptions, type RawData } from 'ws';
import { AmqpBusSocket } from './amqp-bus-socket.ts';
import type { DeviceBundle } from './device-bundle.ts';

/**
 * What a device runtime needs of its bus connection: the part of a ws WebSocket it uses, which
 * the embedded bus's WebSocket is, amqp-bus-socket.ts imitates on RabbitMQ and port-socket.ts
 * on a MessagePort.
 */
export interface BusSocket {
  readonly readyState: number;
  on(event: 'open' | 'ping', listener: () => void): this;
  on(event: 'message', listener: (raw: RawData, isBinary: boolean) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  once(event: 'close', listener: () => void): this;
  send(data: Buffer): void;
  /**
   * The runtime is done with a received frame and every view of it; a transport that reuses
   * buffers (port-socket.ts) may take it back. Absent on WebSocket and RabbitMQ.
   */
  release?(frame: Buffer): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

/** Opens the bus the bundle names (contract §9): the engine's WebSocket, or RabbitMQ. */
export function openBusSocket(bundle: DeviceBundle, wsOptions: ClientOptions): BusSocket {
  if (bundle.bus.kind === 'amqp') {
    return new AmqpBusSocket(bundle.bus, decodeURIComponent(new URL(bundle.bus.url).username));
  }
  return new WebSocket(bundle.bus.url, wsOptions) as unknown as BusSocket;
}

/** WebSocket's readyState values, which BusSocket shares. */
export const BUS_OPEN = WebSocket.OPEN;
export const BUS_CLOSED = WebSocket.CLOSED;
