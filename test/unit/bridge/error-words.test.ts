import { describe, expect, it } from 'vitest';
import { errorWords } from '../../../bridge/error-words.ts';
import { VaultError } from '../../../bridge/vault-api.ts';
import { describeClientError } from '../../../client/describe-client-error.ts';
import { PrivicoreError } from '../../../client/privicore-error.ts';
import { describeError as describeForCli } from '../../../cli/describe-error.ts';
import { describeError as describeForRenderer } from '../../../renderer/model/describe-error.ts';

const failure = (reason: string) =>
  new PrivicoreError({ status: 409, reason, message: `engine words for ${reason}` });

describe('one wording table for main, the renderer and the CLI', () => {
  it.each(['auth.invalid_credentials', 'storage.unavailable', 'device.not_found'])(
    '%s reads the same wherever it is shown',
    (reason) => {
      const app = errorWords(reason, 'app');
      const cli = errorWords(reason, 'cli');
      expect(app).toBeTruthy();
      expect(cli).toBeTruthy();
      // Main words the error; the renderer falls back to the same words when none came.
      expect(describeClientError(failure(reason)).message).toBe(app);
      expect(
        describeForRenderer(new VaultError({ message: '', reason, status: 409 })).message,
      ).toBe(app);
      expect(describeForCli(failure(reason))).toBe(cli);
    },
  );

  it('keeps the engine’s message where a surface has no words', () => {
    expect(errorWords('qr.invalid', 'app')).toBeUndefined();
    expect(describeClientError(failure('qr.invalid')).message).toBe('engine words for qr.invalid');
    expect(errorWords('client.integrity', 'cli')).toBeUndefined();
    expect(errorWords('toString', 'app')).toBeUndefined();
    expect(describeForCli(failure('no.such_reason'))).toBe(
      'engine words for no.such_reason (no.such_reason)',
    );
  });
});
