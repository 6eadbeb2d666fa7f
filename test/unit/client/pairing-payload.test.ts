import { describe, expect, it } from 'vitest';
import {
  PairingPayloadError,
  parsePairingPayload,
  type PairingPayloadProblem,
} from '../../../client/pairing-payload.ts';

const TOKEN = 'Q-9fHs2LkQ3vXb1nYt7RcWq0eZ5uJm8aDpK4sGhL2oI6';
const ENGINE = 'https://engine.example:9009';
const SECRET = 'AAECAwQFBgcICQoLDA0ODw';
const FP = 'e6ssbF5Oe5d3mYis-IuteQ';
const EXTRA = `&secret=${SECRET}&fp=${FP}`;
const good = (token = TOKEN, engine = encodeURIComponent(ENGINE)) =>
  `privicore://authorize?token=${token}&engine=${engine}${EXTRA}`;

function problemOf(payload: string): PairingPayloadProblem | 'accepted' {
  try {
    parsePairingPayload(payload);
    return 'accepted';
  } catch (error) {
    if (error instanceof PairingPayloadError) return error.problem;
    throw error;
  }
}

describe('parsePairingPayload', () => {
  it('reads the payload generate-token-qr hands out', () => {
    expect(parsePairingPayload(good())).toEqual({
      qrToken: TOKEN,
      engineUrl: ENGINE,
      secret: SECRET,
      fingerprint: FP,
    });
    expect(parsePairingPayload(good(TOKEN, encodeURIComponent('http://127.0.0.1:54321')))).toEqual({
      qrToken: TOKEN,
      engineUrl: 'http://127.0.0.1:54321',
      secret: SECRET,
      fingerprint: FP,
    });
  });

  it('tolerates what scanners and pastes add: whitespace, a trailing slash, an unencoded engine URL, the parameters swapped', () => {
    expect(parsePairingPayload(`  ${good()}\n`).qrToken).toBe(TOKEN);
    expect(
      parsePairingPayload(`privicore://authorize/?token=${TOKEN}&engine=${ENGINE}/${EXTRA}`),
    ).toEqual({ qrToken: TOKEN, engineUrl: ENGINE, secret: SECRET, fingerprint: FP });
    expect(
      parsePairingPayload(
        `privicore://authorize?fp=${FP}&engine=${encodeURIComponent(ENGINE)}&secret=${SECRET}&token=${TOKEN}`,
      ).engineUrl,
    ).toBe(ENGINE);
    expect(
      parsePairingPayload(good(TOKEN, encodeURIComponent('https://host.example/privicore/')))
        .engineUrl,
    ).toBe('https://host.example/privicore');
    expect(parsePairingPayload(good().replace('authorize', 'AUTHORIZE')).qrToken).toBe(TOKEN);
  });

  it('refuses what is not a pairing code at all', () => {
    for (const payload of [
      '',
      '   ',
      'hello',
      TOKEN,
      ENGINE,
      'https://authorize?token=Q-abc&engine=https%3A%2F%2Fx',
      'privicore-vault://authorize?token=Q-abc&engine=x',
      'x'.repeat(5000),
    ]) {
      expect(problemOf(payload), payload).toBe('not-a-pairing-code');
    }
  });

  it('refuses foreign hosts, paths and extras on the privicore scheme', () => {
    for (const payload of [
      good().replace('authorize', 'evil.example'),
      good().replace('authorize', 'authorize.evil.example'),
      good().replace('authorize?', 'authorize/extra?'),
      good().replace('privicore://', 'privicore://user:pass@'),
      good().replace('authorize', 'authorize:8080'),
      `${good()}#fragment`,
    ]) {
      expect(problemOf(payload), payload).toBe('not-a-pairing-code');
    }
  });

  it('refuses a missing token, and tokens that are not QR tokens', () => {
    expect(problemOf(`privicore://authorize?engine=${encodeURIComponent(ENGINE)}`)).toBe(
      'missing-token',
    );
    expect(problemOf(`privicore://authorize?token=&engine=${encodeURIComponent(ENGINE)}`)).toBe(
      'missing-token',
    );
    for (const token of [
      'T-4mZqv8Jc',
      'D-abc',
      'q-lowercase',
      'Q-',
      'Q-has space',
      'Q-slash/inside',
      `Q-${'a'.repeat(201)}`,
    ]) {
      expect(problemOf(good(encodeURIComponent(token))), token).toBe('bad-token');
    }
    expect(problemOf(`${good()}&token=${TOKEN}`)).toBe('bad-token');
  });

  it('refuses a missing engine, and engines that are not plain http(s) addresses', () => {
    expect(problemOf(`privicore://authorize?token=${TOKEN}`)).toBe('missing-engine');
    expect(problemOf(`privicore://authorize?token=${TOKEN}&engine=`)).toBe('missing-engine');
    for (const engine of [
      'not a url',
      'ftp://engine.example',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'wss://engine.example/ws',
      'https://user:pw@engine.example',
      'https://engine.example/?x=1',
      'https://engine.example/#x',
    ]) {
      expect(problemOf(good(TOKEN, encodeURIComponent(engine))), engine).toBe('bad-engine');
    }
    expect(problemOf(`${good()}&engine=${encodeURIComponent('https://other.example')}`)).toBe(
      'bad-engine',
    );
  });

  it('refuses a code without its one-time secret and fingerprint, or with malformed ones', () => {
    const bare = `privicore://authorize?token=${TOKEN}&engine=${encodeURIComponent(ENGINE)}`;
    for (const payload of [
      bare,
      `${bare}&secret=${SECRET}`,
      `${bare}&fp=${FP}`,
      `${bare}&secret=short&fp=${FP}`,
      `${bare}&secret=${SECRET}&fp=${FP}x`,
      `${bare}&secret=${SECRET}&secret=${SECRET}&fp=${FP}`,
    ]) {
      expect(problemOf(payload), payload).toBe('missing-secret');
    }
  });

  it('refuses a remote engine over plain http; loopback may use it', () => {
    for (const engine of [
      'http://engine.example:9009',
      'http://192.168.1.10:9009',
      'http://[::2]:1',
    ]) {
      expect(problemOf(good(TOKEN, encodeURIComponent(engine))), engine).toBe('insecure-engine');
    }
    for (const engine of ['http://localhost:9009', 'http://127.0.0.1:9009', 'http://[::1]:9009']) {
      expect(problemOf(good(TOKEN, encodeURIComponent(engine))), engine).toBe('accepted');
    }
  });

  it('says what is wrong in plain words', () => {
    expect(() => parsePairingPayload('hello')).toThrow(
      "That isn't a Privicore pairing code (those start with privicore://authorize).",
    );
    expect(() => parsePairingPayload(good('T-abc'))).toThrow(
      /token is not a pairing token \(those start with Q-\)\. Show a new pairing code/,
    );
    expect(() => parsePairingPayload(`privicore://authorize?token=${TOKEN}`)).toThrow(
      /doesn't say which engine to join/,
    );
  });
});
