import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PrivicoreError } from '../../client/privicore-error.ts';
import { KeychainUnavailableError } from '../../client/secrets/keychain.ts';
import { describeError } from '../../cli/describe-error.ts';
import { EXIT_CODE_MEANINGS, exitCode } from '../../cli/exit-codes.ts';
import { Drawn, formatBytes, formatTable, formatTime, Output } from '../../cli/output.ts';
import { printable } from '../../bridge/printable.ts';
import { createProgressBar } from '../../cli/progress-bar.ts';
import { terminalStyle } from '../../cli/terminal-style.ts';

describe('CLI output', () => {
  it('formats sizes, tables and times', () => {
    expect(
      [0, 1023, 1024, 5000, 3 * 1024 * 1024, 100 * 1024 * 1024 + 12345, 2 ** 40].map(formatBytes),
    ).toEqual(['0 B', '1023 B', '1.00 KiB', '4.88 KiB', '3.00 MiB', '100 MiB', '1.00 TiB']);
    expect(
      formatTable(
        ['A', 'LONG HEADER'],
        [
          ['value', 'x'],
          ['v', 'y'],
        ],
      ),
    ).toEqual(['A      LONG HEADER', 'value  x', 'v      y']);
    expect(formatTime('2026-11-26T21:40:00+00:00')).toBe('2026-11-26 21:40');
  });

  it('lines up table columns by the columns a terminal draws, not by UTF-16 units', () => {
    // Wide CJK (2 columns a character), an NFD accent (the mark takes none), an emoji drawn as
    // a picture (2) and one with VS16 (2): the next column starts at the same place in each row.
    const names = ['plain.txt', '報告書.pdf', 'e\u0301te\u0301.txt', '\u{1F4C4}x', '\u2764\uFE0F'];
    const lines = formatTable(
      ['NAME', 'SIZE'],
      names.map((name) => [name, '1 B']),
    );
    const columns = {
      'plain.txt': 9,
      '報告書.pdf': 10,
      'e\u0301te\u0301.txt': 7,
      '\u{1F4C4}x': 3,
      '\u2764\uFE0F': 2,
    };
    names.forEach((name, row) => {
      const line = lines[row + 1]!;
      expect(line.startsWith(name)).toBe(true);
      // 10 columns wide (the widest name), then two spaces.
      expect(line.slice(name.length)).toBe(
        `${' '.repeat(10 - columns[name as keyof typeof columns])}  1 B`,
      );
    });
    expect(lines[0]).toBe(`NAME${' '.repeat(6)}  SIZE`);
    expect(formatTime(null)).toBe('-');
  });

  it('prints text, or exactly one JSON document', () => {
    const text = new PassThrough();
    new Output(false, text).result(['a', 'b'], { a: 1 });
    expect(text.read()?.toString()).toBe('a\nb\n');
    const json = new PassThrough();
    new Output(true, json).result(['a', 'b'], { a: 1 });
    expect(json.read()?.toString()).toBe('{"a":1}\n');
  });

  it('shows control and text-direction characters as escapes, and nothing else', () => {
    expect(printable('a\x1b[2Jb\x1b]0;title\x07c')).toBe('a\\e[2Jb\\e]0;title\\x07c');
    expect(printable('one\r\ntwo\tthree\x00\x7f\x9b')).toBe('one\\r\\ntwo\\tthree\\x00\\x7f\\x9b');
    expect(printable('photo\u202egnp.exe \u2066x\u2069 \u200f')).toBe(
      'photo\\u202egnp.exe \\u2066x\\u2069 \\u200f',
    );
    // Names people write stay as they are, backslashes and all.
    for (const name of ['ünïcødé 日本.txt', 'back\\slash', 'emoji 📄.pdf', 'quote"\'.txt', ''])
      expect(printable(name)).toBe(name);
  });

  it('prints human lines, notes and tokens printable; only its own drawing as it is', () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = new Output(false, stdout, stderr, { style: terminalStyle({ isTTY: true }, {}) });
    out.result(['NAME', 'x\x1b[1Ay', new Drawn('\x1b[47m▄▄\x1b[0m')], {}, [], { heading: true });
    out.note('careful\r\x1b[2K');
    expect(stdout.read()?.toString()).toBe('\x1b[1mNAME\x1b[22m\nx\\e[1Ay\n\x1b[47m▄▄\x1b[0m\n');
    expect(stderr.read()?.toString()).toBe('careful\\r\\e[2K\n');
    const quiet = new PassThrough();
    new Output(false, quiet, stderr, { quiet: true }).result([], {}, ['D-a\x1b[2J']);
    expect(quiet.read()?.toString()).toBe('D-a\\e[2J\n');
    // Columns line up with what is shown, not with the raw text.
    expect(formatTable(['A', 'B'], [['x\ny', '1']])).toEqual(['A     B', 'x\\ny  1']);
  });

  it('draws a progress bar only on a terminal', () => {
    const pipe = Object.assign(new PassThrough(), {
      isTTY: false,
    }) as unknown as NodeJS.WriteStream;
    createProgressBar('file.bin', pipe).update(50, 100);
    expect((pipe as unknown as PassThrough).read()).toBeNull();
    const tty = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.WriteStream;
    const bar = createProgressBar('file.bin', tty, { env: { TERM: 'xterm' } });
    bar.update(100, 100);
    bar.finish();
    const drawn = (tty as unknown as PassThrough).read()?.toString() ?? '';
    expect(drawn).toContain('file.bin [########################] 100% 100 B');
    expect(drawn.endsWith('\r\x1b[2K')).toBe(true);
    // Not with --quiet, and not on a terminal that cannot move the cursor.
    for (const options of [{ quiet: true, env: { TERM: 'xterm' } }, { env: { TERM: 'dumb' } }]) {
      const silent = Object.assign(new PassThrough(), { isTTY: true });
      createProgressBar('file.bin', silent as unknown as NodeJS.WriteStream, options).update(
        100,
        100,
      );
      expect(silent.read()).toBeNull();
    }
  });

  it('with --quiet prints only the tokens it is given, and no notes', () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const quiet = new Output(false, stdout, stderr, { quiet: true });
    quiet.result(['D-a  a.txt  1 B', 'D-b  b.txt  2 B'], { files: [] }, ['D-a', 'D-b']);
    quiet.result('Deleted D-a.', { deleted: true });
    quiet.note('a hint');
    expect(stdout.read()?.toString()).toBe('D-a\nD-b\n');
    expect(stderr.read()).toBeNull();
  });

  it('colours only a terminal that takes colour', () => {
    const tty = { isTTY: true };
    expect(terminalStyle(tty, { TERM: 'xterm' }).error('x')).toBe('\x1b[31mx\x1b[39m');
    expect(terminalStyle(tty, { TERM: 'xterm', NO_COLOR: '1' }).error('x')).toBe('x');
    // no-color.org: an empty NO_COLOR does not count.
    expect(terminalStyle(tty, { TERM: 'xterm', NO_COLOR: '' }).heading('x')).toBe(
      '\x1b[1mx\x1b[22m',
    );
    expect(terminalStyle(tty, { TERM: 'dumb' }).error('x')).toBe('x');
    expect(terminalStyle({ isTTY: false }, { TERM: 'xterm' }).error('x')).toBe('x');
  });

  it('describes failures in one line, with what to do', () => {
    expect(
      describeError(
        new PrivicoreError({ status: 401, reason: 'auth.invalid_credentials', message: 'x' }),
      ),
    ).toBe('Wrong username or password.');
    expect(
      describeError(
        new PrivicoreError({
          status: 422,
          reason: 'validation.failed',
          message: 'x',
          errors: { password: ['must be at least 10 characters'] },
        }),
      ),
    ).toBe('Invalid input: password must be at least 10 characters.');
    expect(describeError(PrivicoreError.rejected('c-1', 'storage.none_registered'))).toMatch(
      /storage add-local DIR/,
    );
    expect(
      describeError(
        new PrivicoreError({
          status: 409,
          reason: 'something.new',
          message: 'The engine said no.',
        }),
      ),
    ).toBe('The engine said no. (something.new)');
    expect(
      describeError(
        new PrivicoreError({
          status: 429,
          reason: 'auth.rate_limited',
          message: 'x',
          retryAfterSeconds: 290,
        }),
      ),
    ).toBe('Too many failed logins; try again in 5 min.');
    expect(describeError(Object.assign(new Error('nope'), { code: 'ENOENT', path: '/x/y' }))).toBe(
      '/x/y: no such file or directory.',
    );
    expect(describeError(new KeychainUnavailableError('no bus'))).toMatch(/keychain/i);
  });

  it('the README lists the exit codes --help lists', async () => {
    const readme = await readFile(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| (\d+)\s+\| (.+?)\s+\|$/gm)].map(([, code, meaning]) => [
      Number(code),
      meaning,
    ]);
    expect(rows).toEqual(
      EXIT_CODE_MEANINGS.map(([failure, meaning]) => [exitCode(failure), meaning]),
    );
  });
});
