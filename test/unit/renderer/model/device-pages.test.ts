import { describe, expect, it } from 'vitest';
import {
  describeCountdown,
  formatCountdown,
  secondsUntil,
} from '../../../../renderer/model/countdown.ts';
import { dataUrlToBlob } from '../../../../renderer/model/data-url.ts';
import {
  checkDeviceName,
  deviceRoleLabel,
  keyShareState,
  suggestDeviceName,
} from '../../../../renderer/model/device-words.ts';
import { describeLastSeen } from '../../../../renderer/model/relative-time.ts';
import { checkPassphrase, checkPasswordChange } from '../../../../renderer/model/secret-rules.ts';

describe('countdown', () => {
  const now = Date.parse('2026-03-01T10:00:00.000Z');
  it('counts whole seconds to the expiry and stops at zero', () => {
    expect(secondsUntil('2026-03-01T10:05:00.000Z', now)).toBe(300);
    expect(secondsUntil('2026-03-01T10:00:00.400Z', now)).toBe(1);
    expect(secondsUntil('2026-03-01T09:59:00.000Z', now)).toBe(0);
    expect(secondsUntil('not a date', now)).toBe(0);
  });
  it('reads as m:ss and in words', () => {
    expect(formatCountdown(300)).toBe('5:00');
    expect(formatCountdown(65)).toBe('1:05');
    expect(formatCountdown(-3)).toBe('0:00');
    expect(describeCountdown(61)).toBe('Expires in 1 minute 1 second');
    expect(describeCountdown(120)).toBe('Expires in 2 minutes');
    expect(describeCountdown(0)).toBe('Expired');
  });
});

describe('last seen', () => {
  const now = Date.parse('2026-03-01T10:00:00.000Z');
  it('says how long ago in words, then the date', () => {
    expect(describeLastSeen(null, now)).toBe('Never');
    expect(describeLastSeen('2026-03-01T10:00:05.000Z', now)).toBe('Just now');
    expect(describeLastSeen('2026-03-01T09:59:00.000Z', now)).toBe('1 minute ago');
    expect(describeLastSeen('2026-03-01T09:15:00.000Z', now)).toBe('45 minutes ago');
    expect(describeLastSeen('2026-03-01T07:00:00.000Z', now)).toBe('3 hours ago');
    expect(describeLastSeen('2026-02-01T07:00:00.000Z', now, 'en-GB')).toMatch(/^1 Feb 2026/);
    expect(describeLastSeen('garbage', now)).toBe('—');
  });
});

describe('device words', () => {
  it('names roles and the key state; storage devices need no key', () => {
    expect(deviceRoleLabel('storage')).toBe('Storage device');
    expect(deviceRoleLabel(null)).toBe('Computer');
    expect(keyShareState({ role: null, keyShared: true })).toBe('shared');
    expect(keyShareState({ role: null, keyShared: false })).toBe('not-shared');
    expect(keyShareState({ role: 'storage', keyShared: false })).toBe('not-needed');
  });
  it('checks device names as the bridge does', () => {
    expect(checkDeviceName('  ')).toMatch(/Enter a name/);
    expect(checkDeviceName('x'.repeat(256))).toMatch(/255/);
    expect(checkDeviceName('bad\u0007name')).toMatch(/letters/);
    expect(checkDeviceName('Laptop B')).toBeNull();
    expect(suggestDeviceName('MacIntel')).toBe('Mac');
    expect(suggestDeviceName('Linux x86_64')).toBe('Linux computer');
    expect(suggestDeviceName('')).toBe('New computer');
  });
});

describe('secret rules', () => {
  it('checks a password change field by field', () => {
    expect(checkPasswordChange('', '', '')).toEqual({
      current: expect.any(String),
      next: expect.any(String),
    });
    expect(checkPasswordChange('old password!', 'short', 'short').next).toMatch(
      /at least 10 characters\. You have 5/,
    );
    expect(checkPasswordChange('same password', 'same password', 'same password').next).toMatch(
      /same as the current/,
    );
    expect(checkPasswordChange('old password!', 'a new password', 'a new passw0rd')).toEqual({
      confirm: expect.stringMatching(/don't match/),
    });
    expect(checkPasswordChange('old password!', 'a new password', 'a new password')).toEqual({});
  });
  it('asks for 15 characters and a match only when exporting', () => {
    expect(checkPassphrase('short', 'short').passphrase).toMatch(/at least 15/);
    expect(checkPassphrase('fourteen chars', 'fourteen chars').passphrase).toMatch(/at least 15/);
    expect(checkPassphrase('long enough, truly', 'long enough, trulY').confirm).toMatch(
      /don't match/,
    );
    expect(checkPassphrase('long enough, truly', 'long enough, truly')).toEqual({});
    // Importing: the kit decides whether the passphrase is right, whatever its length.
    expect(checkPassphrase('short')).toEqual({});
    expect(checkPassphrase('').passphrase).toMatch(/Enter/);
  });
});

describe('data URLs', () => {
  it('turns a base64 data URL into its bytes and type', async () => {
    const blob = dataUrlToBlob('data:image/png;base64,iVBORw0K');
    expect(blob?.type).toBe('image/png');
    expect([...new Uint8Array(await blob!.arrayBuffer())]).toEqual([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a,
    ]);
    expect(dataUrlToBlob('data:text/plain,hello')).toBeNull();
    expect(dataUrlToBlob('https://example.com/a.png')).toBeNull();
    expect(dataUrlToBlob('data:image/png;base64,***')).toBeNull();
  });
});
