import type { z } from 'zod';
import {
  bridgeEvents,
  channels,
  type BridgeEvent,
  type BridgeEvents,
  type Channel,
  type ChannelInput,
  type ChannelResult,
} from './channels.ts';

/** How a call crosses the bridge: errors travel as data, so their words survive IPC intact. */
export type BridgeReply = { ok: true; value: unknown } | { ok: false; error: BridgeErrorInfo };

export interface BridgeErrorInfo {
  message: string;
  /** The engine's reason key (e.g. auth.invalid_credentials) or a bridge reason. */
  reason: string | null;
  status: number | null;
  fields?: Record<string, string[]>;
  /** Facts the window may show or act on (a certificate fingerprint to confirm); never secret. */
  details?: Record<string, string>;
}

export class VaultError extends Error {
  readonly reason: string | null;
  readonly status: number | null;
  readonly fields: Record<string, string[]> | undefined;
  readonly details: Record<string, string> | undefined;

  constructor(info: BridgeErrorInfo) {
    super(info.message);
    this.name = 'VaultError';
    this.reason = info.reason;
    this.status = info.status;
    this.fields = info.fields;
    this.details = info.details;
  }
}

export interface BridgeTransport {
  invoke(channel: Channel, input: unknown): Promise<BridgeReply>;
  subscribe(event: BridgeEvent, listener: (payload: unknown) => void): () => void;
  /** The local path of a file dropped on the window (Electron's webUtils in the preload). */
  pathForFile(file: unknown): string | null;
}

type Area = Channel extends `${infer A}:${string}` ? A : never;
type Call<C extends Channel> =
  undefined extends ChannelInput<C>
    ? (input?: ChannelInput<C>) => Promise<ChannelResult<C>>
    : (input: ChannelInput<C>) => Promise<ChannelResult<C>>;

export type VaultApi = {
  readonly [A in Area]: {
    readonly [C in Channel as C extends `${A}:${infer V}` ? V : never]: Call<C>;
  };
} & {
  on<E extends BridgeEvent>(event: E, listener: (payload: BridgeEvents[E]) => void): () => void;
  /** The local path of a dropped `File`, or null when it has none (e.g. dragged from a browser). */
  pathForFile(file: unknown): string | null;
};

/**
 * Builds `window.vault` by walking the channel table; nothing else is exposed. Failed calls
 * reject with a VaultError; `plainErrors` rejects with a plain `{name, message, reason,
 * status, fields}` object instead, for the preload: Electron's contextBridge copies only the
 * message of an Error, but copies a plain object whole.
 */
export function buildVaultApi(
  transport: BridgeTransport,
  options: { plainErrors?: boolean } = {},
): VaultApi {
  const api: Record<string, Record<string, unknown>> = {};
  for (const name of Object.keys(channels) as Channel[]) {
    const [area, verb] = name.split(':') as [string, string];
    api[area] ??= {};
    api[area][verb] = async (input?: unknown) => {
      const reply = await transport.invoke(name, input);
      if (reply.ok) return reply.value;
      // A plain object survives contextBridge whole (see above).
      if (options.plainErrors) throw { name: 'VaultError', ...reply.error };
      throw new VaultError(reply.error);
    };
  }
  const on = (event: BridgeEvent, listener: (payload: unknown) => void) => {
    if (!bridgeEvents.includes(event)) throw new Error(`unknown event ${String(event)}`);
    return transport.subscribe(event, listener);
  };
  const pathForFile = (file: unknown) => transport.pathForFile(file);
  return Object.freeze({
    ...Object.fromEntries(Object.entries(api).map(([k, v]) => [k, Object.freeze(v)])),
    on,
    pathForFile,
  }) as unknown as VaultApi;
}

/** Main's side: one handler per channel, receiving validated input. */
export type HandlerTable = {
  [C in Channel]: (input: z.output<(typeof channels)[C]['input']>) => Promise<ChannelResult<C>>;
};

/** Turns any thrown error into words a person can act on; handlers throw these shapes. */
export type ErrorDescriber = (error: unknown) => BridgeErrorInfo;

/**
 * Validates `input` against the channel's schema, runs the handler and wraps the outcome.
 * Main's IPC registration and the e2e harness both dispatch through this.
 */
export async function dispatch(
  handlers: HandlerTable,
  name: string,
  input: unknown,
  describe: ErrorDescriber,
): Promise<BridgeReply> {
  if (!Object.hasOwn(channels, name)) {
    return {
      ok: false,
      error: {
        message: `Unknown channel ${name.slice(0, 64)}.`,
        reason: 'bridge.unknown_channel',
        status: null,
      },
    };
  }
  const channel = name as Channel;
  const parsed = channels[channel].input.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string[]> = {};
    for (const issue of parsed.error.issues)
      (fields[issue.path.join('.') || 'input'] ??= []).push(issue.message);
    return {
      ok: false,
      error: {
        message: 'The request had invalid fields.',
        reason: 'bridge.invalid_input',
        status: null,
        fields,
      },
    };
  }
  try {
    const handler = handlers[channel] as (value: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}
