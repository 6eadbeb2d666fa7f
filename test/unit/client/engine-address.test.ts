import { describe, expect, it } from 'vitest';
import { isAllowedEngineUrl, isLoopbackHost } from '../../../client/engine-address.ts';

describe('engine addresses', () => {
  it('takes https anywhere and http only on loopback', () => {
    for (const url of [
      'https://engine.example:9009',
      'https://192.168.1.10',
      'http://127.0.0.1:9009',
      'http://127.1.2.3',
      'http://localhost:1',
      'http://app.localhost',
      'http://[::1]:9009',
    ])
      expect(isAllowedEngineUrl(url), url).toBe(true);
    for (const url of [
      'http://engine.example:9009',
      'http://192.168.1.10',
      'http://127.0.0.1.example.com',
      'http://128.0.0.1',
      'http://[::2]',
      'ftp://127.0.0.1',
      'not a url',
    ])
      expect(isAllowedEngineUrl(url), url).toBe(false);
  });

  it('lets an explicit opt-in use plain http on a LAN', () => {
    expect(isAllowedEngineUrl('http://192.168.1.10:9009', { allowInsecureHttp: true })).toBe(true);
    expect(isAllowedEngineUrl('ftp://192.168.1.10', { allowInsecureHttp: true })).toBe(false);
  });

  it('knows loopback host names', () => {
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('127.0.0.256')).toBe(false);
    expect(isLoopbackHost('example.com')).toBe(false);
  });
});
