import { describe, expect, it } from 'vitest';
import { bridgeEvents, channels, type Channel } from '../../../bridge/channels.ts';
import {
  buildVaultApi,
  dispatch,
  VaultError,
  type BridgeReply,
  type BridgeTransport,
  type HandlerTable,
} from '../../../bridge/vault-api.ts';

function recordingTransport(
  reply: (channel: string, input: unknown) => BridgeReply = () => ({ ok: true, value: 'fine' }),
) {
  const calls: [string, unknown][] = [];
  const subscriptions: string[] = [];
  const transport: BridgeTransport = {
    invoke: async (channel, input) => {
      calls.push([channel, input]);
      return reply(channel, input);
    },
    subscribe: (event) => {
      subscriptions.push(event);
      return () => undefined;
    },
    pathForFile: (file) => (file === 'dropped' ? '/tmp/dropped' : null),
  };
  return { transport, calls, subscriptions };
}

describe('channel table', () => {
  it('names every channel area:verb', () => {
    for (const name of Object.keys(channels)) expect(name).toMatch(/^[a-z]+:[a-zA-Z]+$/);
  });

  it('validates inputs with each channel’s schema', () => {
    const upload = channels['files:upload'].input;
    expect(upload.safeParse({ paths: ['/tmp/a'], context: '/docs' }).success).toBe(true);
    expect(upload.safeParse({ paths: [], context: '/docs' }).success).toBe(false);
    expect(upload.safeParse({ paths: ['/tmp/a'], context: 'no-leading-slash' }).success).toBe(
      false,
    );
    expect(upload.safeParse({ paths: ['/tmp/a'], context: '/docs', extra: true }).success).toBe(
      false,
    );
    const list = channels['files:list'].input;
    expect(list.safeParse({ page: 1, perPage: 50, sort: 'size', order: 'asc' }).success).toBe(true);
    expect(list.safeParse({ page: 0, perPage: 50, sort: 'size', order: 'asc' }).success).toBe(
      false,
    );
    expect(list.safeParse({ page: 1, perPage: 501, sort: 'size', order: 'asc' }).success).toBe(
      false,
    );
    expect(list.safeParse({ page: 1, perPage: 5, sort: 'owner', order: 'asc' }).success).toBe(
      false,
    );
    const engine = channels['session:useEngine'].input;
    expect(engine.safeParse({ mode: 'remote', apiUrl: 'http://127.0.0.1:9009' }).success).toBe(
      true,
    );
    expect(engine.safeParse({ mode: 'remote', apiUrl: 'file:///etc/passwd' }).success).toBe(false);
    expect(engine.safeParse({ mode: 'remote' }).success).toBe(false);
    const classify = channels['files:classify'].input;
    expect(
      classify.safeParse({ token: 'D-abc', fields: { classification: 'confidential' } }).success,
    ).toBe(true);
    expect(classify.safeParse({ token: 'D-abc', fields: { 'bad key!': 'x' } }).success).toBe(false);
    expect(
      channels['session:signUp'].input.safeParse({ username: 'someone', password: 'short' })
        .success,
    ).toBe(false);
  });
});

describe('buildVaultApi (what the preload exposes)', () => {
  it('exposes exactly the table’s channels, grouped by area, plus on and pathForFile', () => {
    const { transport } = recordingTransport();
    const vault = buildVaultApi(transport) as unknown as Record<string, Record<string, unknown>>;
    const exposed = Object.entries(vault)
      .filter(([, value]) => typeof value === 'object')
      .flatMap(([area, verbs]) => Object.keys(verbs).map((verb) => `${area}:${verb}`))
      .sort();
    expect(exposed).toEqual(Object.keys(channels).sort());
    expect(
      Object.keys(vault)
        .filter((key) => typeof vault[key] === 'function')
        .sort(),
    ).toEqual(['on', 'pathForFile']);
    expect(Object.isFrozen(vault)).toBe(true);
  });

  it('sends each call on its own channel with the input unchanged', async () => {
    const { transport, calls } = recordingTransport();
    const vault = buildVaultApi(transport);
    await vault.files.rename({ token: 'D-x', fileName: 'new.txt' });
    await vault.session.get();
    expect(calls).toEqual([
      ['files:rename', { token: 'D-x', fileName: 'new.txt' }],
      ['session:get', undefined],
    ]);
  });

  it('turns an error reply into a VaultError with its words intact', async () => {
    const { transport } = recordingTransport(() => ({
      ok: false,
      error: { message: 'That username is taken.', reason: 'profile.username_taken', status: null },
    }));
    const vault = buildVaultApi(transport);
    const error = await vault.session
      .signUp({ username: 'someone', password: 'long enough pw' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultError);
    expect(error).toMatchObject({
      message: 'That username is taken.',
      reason: 'profile.username_taken',
    });
  });

  it('subscribes only to known events and passes dropped-file paths through', () => {
    const { transport, subscriptions } = recordingTransport();
    const vault = buildVaultApi(transport);
    for (const event of bridgeEvents) vault.on(event, () => undefined);
    expect(subscriptions).toEqual([...bridgeEvents]);
    expect(() => vault.on('made:up' as never, () => undefined)).toThrow();
    expect(vault.pathForFile('dropped')).toBe('/tmp/dropped');
    expect(vault.pathForFile('other')).toBeNull();
  });
});

describe('dispatch (main’s side)', () => {
  const handlers = Object.fromEntries(
    (Object.keys(channels) as Channel[]).map((name) => [
      name,
      async (input: unknown) => {
        if (name === 'files:delete') throw new Error('boom');
        return { handled: name, input };
      },
    ]),
  ) as unknown as HandlerTable;
  const describeError = (error: unknown) => ({
    message: `described: ${(error as Error).message}`,
    reason: 'test',
    status: null,
  });

  it('runs the handler with validated input', async () => {
    expect(
      await dispatch(handlers, 'files:move', { token: 'D-x', context: '/a' }, describeError),
    ).toEqual({
      ok: true,
      value: { handled: 'files:move', input: { token: 'D-x', context: '/a' } },
    });
  });

  it('refuses unknown channels and invalid input without calling the handler', async () => {
    expect(await dispatch(handlers, 'files:format', {}, describeError)).toMatchObject({
      ok: false,
      error: { reason: 'bridge.unknown_channel' },
    });
    expect(await dispatch(handlers, '__proto__', {}, describeError)).toMatchObject({
      ok: false,
      error: { reason: 'bridge.unknown_channel' },
    });
    const invalid = await dispatch(
      handlers,
      'files:move',
      { token: 'D-x', context: 'relative' },
      describeError,
    );
    expect(invalid).toMatchObject({
      ok: false,
      error: { reason: 'bridge.invalid_input', fields: { context: [expect.any(String)] } },
    });
  });

  it('describes handler errors instead of throwing', async () => {
    expect(await dispatch(handlers, 'files:delete', { token: 'D-x' }, describeError)).toEqual({
      ok: false,
      error: { message: 'described: boom', reason: 'test', status: null },
    });
  });
});

describe('buildVaultApi for the preload (plainErrors)', () => {
  it('rejects with a plain object that keeps reason, status and fields across contextBridge', async () => {
    const info = {
      message: 'Please correct: password too short.',
      reason: 'validation.failed',
      status: 422,
      fields: { password: ['too short'] },
    };
    const { transport } = recordingTransport(() => ({ ok: false, error: info }));
    const vault = buildVaultApi(transport, { plainErrors: true });
    const rejection = await vault.session
      .signIn({ username: 'someone', password: 'x' })
      .catch((e: unknown) => e);
    expect(rejection).not.toBeInstanceOf(Error);
    expect(rejection).toEqual({ name: 'VaultError', ...info });
    expect(structuredClone(rejection)).toEqual(rejection);
  });
});
