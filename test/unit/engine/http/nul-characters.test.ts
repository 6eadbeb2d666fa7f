import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fieldWithNul } from '../../../../engine/http/nul-characters.ts';

describe('fieldWithNul', () => {
  it('names the first field holding a NUL, in keys and strings at any depth', () => {
    expect(fieldWithNul({ username: 'a\u0000b' })).toBe('username');
    expect(fieldWithNul({ a: { b: ['ok', 'x\u0000'] } })).toBe('a.b[1]');
    expect(fieldWithNul({ ['bad\u0000key']: 1 })).toBe('bad\\0key');
    expect(fieldWithNul('\u0000')).toBe('body');
    const fromQuery = Object.assign(Object.create(null) as Record<string, unknown>, {
      q: '\u0000',
    });
    expect(fieldWithNul(fromQuery)).toBe('q');
    expect(
      fieldWithNul({ name: 'fine', list: [1, true, null], nested: { deep: 'also fine' } }),
    ).toBeUndefined();
  });

  it('does not walk what is not parsed input: an upload body is the request stream itself', async () => {
    // The request reaches its socket, the server and every connection: walking it never ended.
    const server = createServer((request, response) => {
      response.end(String(fieldWithNul(request) ?? 'none'));
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'a\u0000b' });
      expect(await answer.text()).toBe('none');
    } finally {
      server.close();
    }
    expect(fieldWithNul(Buffer.from('a\u0000b'))).toBeUndefined();
    expect(fieldWithNul(new PassThrough())).toBeUndefined();
  });
});
