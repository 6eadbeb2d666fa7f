import { describe, expect, it } from 'vitest';
import { errorWords } from '../../../bridge/error-words.ts';
import { describeClientError, describeWait } from '../../../client/describe-client-error.ts';
import { PrivicoreError } from '../../../client/privicore-error.ts';

const error = (
  init: Partial<ConstructorParameters<typeof PrivicoreError>[0]> & { reason: string },
) => new PrivicoreError({ status: 0, message: 'raw words', ...init });

describe('describeClientError', () => {
  it('words a download cut short as the download, not the engine', () => {
    const words = describeClientError(
      error({ reason: 'client.download_interrupted' }),
      'http://127.0.0.1:9',
    ).message;
    expect(words).toBe('The download stopped before it finished, so nothing was saved. Try again.');
    expect(words).not.toMatch(/reach the engine/);
  });

  it('still names the engine when it cannot be reached', () => {
    expect(
      describeClientError(error({ reason: 'client.network' }), 'http://127.0.0.1:9').message,
    ).toBe(
      "Can't reach the engine at http://127.0.0.1:9. Check the address and that it is running.",
    );
    expect(describeClientError(error({ reason: 'client.network' })).message).toBe(
      "Can't reach the engine. Check the address and that it is running.",
    );
  });

  it('says how long a lockout lasts when the engine sent Retry-After', () => {
    expect(
      describeClientError(
        error({ status: 429, reason: 'auth.rate_limited', retryAfterSeconds: 661 }),
      ).message,
    ).toMatch(/^Too many failed sign-ins for this username\. Try again in 12 minutes,/);
    expect(describeClientError(error({ status: 429, reason: 'auth.rate_limited' })).message).toBe(
      errorWords('auth.rate_limited', 'app'),
    );
  });

  it('warns before the last sign-in attempts', () => {
    expect(
      describeClientError(
        error({ reason: 'auth.invalid_credentials', details: { attemptsLeft: '1' } }),
      ).message,
    ).toMatch(/One more wrong try locks sign-in for this username for 15 minutes\.$/);
    expect(
      describeClientError(
        error({ reason: 'auth.invalid_credentials', details: { attemptsLeft: '3' } }),
      ).message,
    ).toMatch(/3 more wrong tries lock sign-in/);
  });

  it('keeps the error’s own words when its sentence lacks a detail', () => {
    expect(describeClientError(error({ reason: 'client.target_folder_missing' })).message).toBe(
      'raw words',
    );
  });

  it('words file-system errors by their code', () => {
    const missing = Object.assign(new Error('ENOENT: no such file'), {
      code: 'ENOENT',
      path: '/tmp/x.txt',
    });
    expect(describeClientError(missing)).toMatchObject({
      reason: 'client.file_missing',
      message: '/tmp/x.txt is not there any more. It may have been moved or deleted.',
    });
  });
});

describe('describeWait', () => {
  it('rounds up to seconds or minutes', () => {
    expect(describeWait(1)).toBe('1 second');
    expect(describeWait(59.2)).toBe('60 seconds');
    expect(describeWait(60)).toBe('1 minute');
    expect(describeWait(61)).toBe('2 minutes');
  });
});
