import type { BallotFrame } from './bus/bus-frames.ts';
import type { DeviceBus } from './bus/device-bus.ts';
import type { EngineHub } from './channel/channel-hub.ts';
import type { Clock } from './clock.ts';
import type { NodeIdentity } from './cluster/node-run.ts';
import type { CommandRunner } from './commands/command-runner.ts';
import type { DeviceBundle } from './devices/device-bundle.ts';
import type { EngineSecrets } from './crypto/engine-secrets.ts';
import type { Logger } from './log.ts';
import type { Store } from './store/store.ts';
import type { TransferServices } from './transfer/transfer-services.ts';

/**
 * The device bus as the engine uses it: the DeviceBus seam plus dropping a removed device or a
 * revoked token's connection, and ballots for authenticators in the device runtime.
 */
export interface EngineBus extends DeviceBus {
  closeDevice(deviceId: string): void;
  closeToken(tokenHash: string): void;
  /** False when the device is not connected over the bus. */
  deliverBallot(deviceId: string, ballot: Omit<BallotFrame, 'op'>): boolean;
  /**
   * The `bus` of a device's configuration bundle (contract §9); on RabbitMQ this grants the
   * device its own broker user and queue first.
   */
  bundleBus(deviceId: string): Promise<DeviceBundle['bus']>;
}

/** Everything a route or domain verb may use; built once per engine in server.ts. */
export interface EngineContext {
  readonly store: Store;
  readonly hub: EngineHub;
  readonly commands: CommandRunner;
  readonly secrets: EngineSecrets;
  readonly log: Logger;
  /**
   * Public URLs the engine hands out (contract §1.1), and the pin of its own self-signed
   * certificate: configuration bundles carry it. A real certificate's pin is not handed out,
   * since its key may change on renewal (clients check such a certificate as usual).
   */
  readonly urls: { apiUrl: string; wsUrl: string; tlsPin?: string };
  readonly now: () => number;
  /** The same time as `now`, with timers: voting deadlines (contract §10) are armed on it. */
  readonly clock: Clock;
  /** Storage devices (contract §9). */
  readonly bus: EngineBus;
  readonly transfer: TransferServices;
  /** This engine node's run (cluster/node-run.ts): whose commands and uploads are whose. */
  readonly node: NodeIdentity;
}
