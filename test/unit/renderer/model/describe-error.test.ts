import { describe, expect, it } from 'vitest';
import { VaultError } from '../../../../bridge/vault-api.ts';
import { describeError } from '../../../../renderer/model/describe-error.ts';

describe('describeError', () => {
  it("keeps main's words, which already say what to do next", () => {
    const words = "That username and password don't match. Check them and try again.";
    const error = new VaultError({
      message: words,
      reason: 'auth.invalid_credentials',
      status: 401,
    });
    expect(describeError(error)).toMatchObject({
      message: words,
      reason: 'auth.invalid_credentials',
    });
  });

  it('words a known reason when main sent no message', () => {
    const error = new VaultError({ message: '', reason: 'auth.invalid_credentials', status: 401 });
    expect(describeError(error).message).toBe(
      "That username and password don't match. Check them and try again.",
    );
  });

  it('names the engine address it could not reach', () => {
    const error = new VaultError({
      message: "Can't reach the engine. Check the address and that it is running.",
      reason: 'client.network',
      status: null,
    });
    expect(describeError(error, { engineUrl: 'https://vault.example:9009' }).message).toBe(
      "Can't reach the engine at https://vault.example:9009. Check the address and that it is running.",
    );
  });

  it('recognises an unreachable engine from the message alone (context bridge drops `reason`)', () => {
    const error = new Error('connect ECONNREFUSED 127.0.0.1:9009');
    expect(describeError(error, { engineUrl: 'http://127.0.0.1:9009' }).message).toMatch(
      /^Can't reach the engine at/,
    );
  });

  it('falls back to a plain sentence for anything without words', () => {
    expect(describeError(new Error('The file is locked by another app.')).message).toBe(
      'The file is locked by another app.',
    );
    expect(describeError('boom').message).toBe('Something went wrong. Try again.');
    expect(describeError(null).message).toBe('Something went wrong. Try again.');
  });

  it('turns schema field notes into plain ones', () => {
    const error = new VaultError({
      message: 'The request had invalid fields.',
      reason: 'bridge.invalid_input',
      status: null,
      fields: { password: ['Too small: expected string to have >=10 characters'], other: ['Odd.'] },
    });
    expect(describeError(error)).toMatchObject({
      message: 'Some fields need a second look.',
      fields: { password: 'Use at least 10 characters.', other: 'Odd.' },
    });
  });
});
