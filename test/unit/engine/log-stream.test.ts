import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogStream } from '../../../engine/log-stream.ts';
import { tempDir } from '../../support/engine.ts';

describe('LogStream', () => {
  it('writes every line, in order, and its flush waits for them', async () => {
    const file = join(tempDir(), 'log');
    const fd = openSync(file, 'w');
    const stream = new LogStream(fd);
    const lines = Array.from({ length: 2000 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(100)}"}\n`);
    for (const line of lines) stream.write(line);
    await stream.flush(60_000);
    stream.close();
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
  });

  it('gives up once its reader has gone (EPIPE), and its flush then waits for nothing', async () => {
    const fifo = join(tempDir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    closeSync(reader);
    const stream = new LogStream(fd);
    stream.write('lost\n');
    // Far past the test's own timeout: only giving up lets this resolve in time.
    await stream.flush(10 * 60_000);
    expect(stream.gaveUp).toBe(true);
    stream.write('also lost\n');
    await stream.flush(10 * 60_000);
    stream.close();
    closeSync(fd);
  });
});
