import { z } from 'zod';
import type { EngineStatus, FileDetails, FilePage, SessionState, Transfer, UploadStarted } from './types.ts';

/**
 * The renderer<->main contract: the only list of IPC channels. Preload builds `window.vault`
 * by walking it, main registers its handlers through it (validating every input with the
 * channel's schema), and the e2e harness uses it with an in-process transport. Names are
 * `area:verb`; a renamed channel is a compile error everywhere.
 */

declare const resultType: unique symbol;
export interface ChannelSpec<I extends z.ZodType, R> {
  input: I;
  readonly [resultType]?: R;
}

function channel<I extends z.ZodType, R>(input: I): ChannelSpec<I, R> {
  return { input };
}

const none = z.undefined().or(z.object({}).strict()).optional();
const token = z.string().min(3).max(200);
const text = (max: number) => z.string().min(1).max(max);
const context = z.string().min(1).max(1024).startsWith('/');

export const channels = {
  'engine:status': channel<typeof none, EngineStatus>(none),

  'session:get': channel<typeof none, SessionState>(none),
  'session:useEngine': channel<z.ZodType<{ mode: 'embedded' } | { mode: 'remote'; apiUrl: string }>, SessionState>(
    z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('embedded') }).strict(),
      z.object({ mode: z.literal('remote'), apiUrl: z.url({ protocol: /^https?$/ }).max(2048) }).strict(),
    ]),
  ),
  'session:signUp': channel<z.ZodType<{ username: string; password: string }>, SessionState>(
    z.object({ username: z.string().min(3).max(254), password: z.string().min(10).max(1024) }).strict(),
  ),
  'session:signIn': channel<z.ZodType<{ username: string; password: string }>, SessionState>(
    z.object({ username: z.string().min(1).max(254), password: z.string().min(1).max(1024) }).strict(),
  ),
  'session:signOut': channel<typeof none, SessionState>(none),

  'files:list': channel<
    z.ZodType<{ context?: string; q?: string; page: number; perPage: number; sort: 'createdAt' | 'fileName' | 'size'; order: 'asc' | 'desc' }>,
    FilePage
  >(
    z
      .object({
        context: context.optional(),
        q: z.string().max(255).optional(),
        page: z.number().int().min(1).max(1_000_000),
        perPage: z.number().int().min(1).max(500),
        sort: z.enum(['createdAt', 'fileName', 'size']),
        order: z.enum(['asc', 'desc']),
      })
      .strict(),
  ),
  'files:contexts': channel<typeof none, string[]>(none),
  'files:details': channel<z.ZodType<{ token: string }>, FileDetails>(z.object({ token }).strict()),
  /** Opens the native file chooser; resolves with the chosen paths (empty when cancelled). */
  'files:choose': channel<typeof none, string[]>(none),
  'files:upload': channel<z.ZodType<{ paths: string[]; context: string }>, UploadStarted>(
    z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(1000), context }).strict(),
  ),
  /** Opens the native save dialog unless a target is given; resolves with the transfer. */
  'files:download': channel<z.ZodType<{ token: string; fileName: string; target?: string }>, Transfer | null>(
    z.object({ token, fileName: text(255), target: z.string().min(1).max(4096).optional() }).strict(),
  ),
  'files:cancel': channel<z.ZodType<{ transferId: string }>, boolean>(z.object({ transferId: z.string().min(1).max(100) }).strict()),
  'files:transfers': channel<typeof none, Transfer[]>(none),
  'files:rename': channel<z.ZodType<{ token: string; fileName: string; extension?: string | null }>, void>(
    z.object({ token, fileName: text(255), extension: z.string().max(32).regex(/^[^.]*$/, 'no dot').nullable().optional() }).strict(),
  ),
  'files:move': channel<z.ZodType<{ token: string; context: string }>, void>(z.object({ token, context }).strict()),
  'files:classify': channel<z.ZodType<{ token: string; fields: Record<string, string> }>, void>(
    z
      .object({
        token,
        fields: z
          .record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/), z.string().max(1024))
          .refine((fields) => Object.keys(fields).length <= 49, 'at most 49 fields'),
      })
      .strict(),
  ),
  'files:delete': channel<z.ZodType<{ token: string }>, void>(z.object({ token }).strict()),
} as const;

export type Channel = keyof typeof channels;
export type ChannelInput<C extends Channel> = z.input<(typeof channels)[C]['input']>;
export type ChannelResult<C extends Channel> = (typeof channels)[C] extends ChannelSpec<z.ZodType, infer R> ? R : never;

/** Events main pushes to the renderer. */
export interface BridgeEvents {
  'transfer:progress': Transfer;
  'session:changed': SessionState;
  'engine:status': EngineStatus;
}
export type BridgeEvent = keyof BridgeEvents;
export const bridgeEvents: readonly BridgeEvent[] = ['transfer:progress', 'session:changed', 'engine:status'];
