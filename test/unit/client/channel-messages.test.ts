import { describe, expect, it } from 'vitest';
import {
  joinReplyOf,
  messageData,
  parseFrame,
  parseServerMessage,
} from '../../../client/channel-messages.ts';

const API = 'https://engine.example';
const parse = (data: Record<string, unknown>) => parseServerMessage(data, API);

describe('channel messages (contract §2)', () => {
  it('reads frames that are JSON objects and nothing else', () => {
    expect(parseFrame('{"data":{"type":"X"}}')).toEqual({ data: { type: 'X' } });
    for (const text of ['not json', '[1,2]', '"text"', 'null', '42'])
      expect(parseFrame(text)).toBeUndefined();
    expect(messageData({ data: { type: 'X-DPT-CAB-ID', id: 'c' } })).toEqual({
      type: 'X-DPT-CAB-ID',
      id: 'c',
    });
    expect(messageData({ correlationId: 'c-1', status: 200, data: { channelId: 'x' } })).toBe(
      undefined,
    );
  });

  it('reads command outcomes, and a status 1 only when it names a voting pool', () => {
    expect(parse({ type: 'X-DPT-CAB-ID', id: 'c', command_status: 2, body: { a: 1 } })).toEqual({
      kind: 'command',
      id: 'c',
      outcome: { status: 2, body: { a: 1 }, via: 'message' },
    });
    expect(parse({ type: 'X-DPT-CAB-ID', id: 'c', command_status: '3', body: 'x.y' })).toEqual({
      kind: 'command',
      id: 'c',
      outcome: { status: 3, reason: 'x.y' },
    });
    expect(parse({ type: 'X-DPT-CAB-ID', id: 'c', command_status: 3, body: {} })).toMatchObject({
      outcome: { status: 3, reason: 'server.error' },
    });
    expect(parse({ type: 'X-DPT-CAB-ID', id: 'c', command_status: 1, body: 'working' })).toBe(
      undefined,
    );
    expect(
      parse({ type: 'X-DPT-CAB-ID', id: 'c', command_status: 1, body: { poolId: 'p' } }),
    ).toEqual({
      kind: 'event',
      event: 'vote-pending',
      payload: { commandId: 'c', poolId: 'p', policyId: '' },
    });
  });

  it('reads request messages into download sources, and a bad one into a rejection', () => {
    expect(
      parse({
        type: 'X-DPT-CAB-REQUEST-ID',
        id: 'r',
        command_status: 2,
        output_type: 1,
        body: 'U-1',
      }),
    ).toEqual({
      kind: 'request',
      id: 'r',
      outcome: { status: 2, source: { kind: 'url', url: `${API}/downstream/?auth=U-1` } },
    });
    expect(
      parse({
        type: 'X-DPT-CAB-REQUEST-ID',
        id: 'r',
        command_status: 2,
        output_type: 9,
        body: 'x',
      }),
    ).toEqual({ kind: 'request', id: 'r', outcome: { status: 3, reason: 'client.protocol' } });
    expect(parse({ type: 'STREAM-READY', requestId: 'r', streamUrl: `${API}/s` })).toEqual({
      kind: 'stream-ready',
      requestId: 'r',
      url: `${API}/s`,
    });
  });

  it('reads device and voting events, missing fields as empty', () => {
    expect(parse({ type: 'DEVICE-PENDING', id: 'd', body: { deviceName: 'Phone' } })).toEqual({
      kind: 'event',
      event: 'device-pending',
      payload: { deviceIdentifier: 'd', deviceName: 'Phone', requestedAt: '' },
    });
    expect(
      parse({ type: 'POOL-RESOLVED', id: 'p', body: { status: 'approved', subject: 's' } }),
    ).toMatchObject({ event: 'pool-resolved', payload: { poolId: 'p', status: 'approved' } });
  });

  it('ignores unknown types and messages without an id or with a body of the wrong kind', () => {
    for (const data of [
      { type: 'SOMETHING-NEW', id: 'x', body: {} },
      { type: 'X-DPT-CAB-ID', command_status: 2, body: 'succeeded' },
      { type: 'X-DPT-CAB-ID', id: '', command_status: 2, body: 'succeeded' },
      { type: 'X-DPT-CAB-ID', id: 'c', command_status: 7, body: 'succeeded' },
      { type: 'DEVICE-PENDING', id: 'd', body: 'not an object' },
      { type: 'BALLOT', body: {} },
      { type: 'STREAM-READY', streamUrl: 'https://x' },
      { type: 'STREAM-READY', id: 'r', streamUrl: 42 },
    ])
      expect(parse(data), JSON.stringify(data)).toBeUndefined();
  });

  it('reads the join reply, and a reply without data as a refusal without reason', () => {
    expect(
      joinReplyOf({ correlationId: 'j', status: 200, data: { channelId: 'ch', message: 'ok' } }),
    ).toEqual({ status: 200, channelId: 'ch', reason: undefined, message: 'ok' });
    expect(joinReplyOf({ correlationId: 'j', status: 'x', data: 'nothing' })).toEqual({
      status: 0,
      channelId: undefined,
      reason: undefined,
      message: undefined,
    });
  });
});
