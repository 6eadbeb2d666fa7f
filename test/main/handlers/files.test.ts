// The Files screen's main side through main's real handlers over the built-in engine: folders
// listed with their subfolders but never a sibling sharing the prefix, a batch that uploads what
// it can and reports the rest, folder uploads keeping their tree, duplicate names kept apart,
// rename and move refused onto a taken name, folder rename and delete, bulk download into a
// folder (a hostile name stays inside it), show-in-folder, and uploads cut off by sign-out,
// quit or crash offered again after the next start, with Retry.

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transfer } from '../../../bridge/types.ts';
import { inProcessEngineHandle } from '../../../main/engine-handle.ts';
import { startDesktop, shared, type Desktop } from '../../support/desktop.ts';
import { PASSWORD, uniqueName } from '../../support/profiles.ts';
import { startVaultEngine } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let a: Desktop;
const opened: Desktop[] = [];
const username = uniqueName('files');

async function desktop(): Promise<Desktop> {
  const machine = await startDesktop({ engine: shared(inProcessEngineHandle(engine)) });
  opened.push(machine);
  return machine;
}

async function file(name: string, bytes = 2000, dir = a.dir): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, randomBytes(bytes));
  return path;
}

/** Uploads and waits until every transfer of the batch has ended. */
async function upload(machine: Desktop, paths: string[], context: string): Promise<Transfer[]> {
  const started = await machine.call('files:upload', { paths, context });
  return Promise.all(started.transfers.map((t) => machine.transferEnded(t.id)));
}

async function names(machine: Desktop, folder: string): Promise<string[]> {
  const page = await machine.call('files:list', {
    folder,
    page: 1,
    perPage: 500,
    sort: 'fileName',
    order: 'asc',
  });
  return page.items.map(
    (item) => `${item.context}:${item.fileName}${item.extension ? `.${item.extension}` : ''}`,
  );
}

beforeAll(async () => {
  engine = await startVaultEngine();
  a = await desktop();
  await a.call('session:signUp', { username, password: PASSWORD });
});

afterAll(async () => {
  for (const machine of opened) await machine.close().catch(() => undefined);
  await engine.close();
});

describe('files', () => {
  it('lists a folder with its subfolders, never a sibling that shares its prefix', async () => {
    await upload(a, [await file('t1.txt')], '/tax');
    await upload(a, [await file('t2.txt')], '/tax/2026');
    await upload(a, [await file('t3.txt')], '/taxes');
    expect(await names(a, '/tax')).toEqual(['/tax:t1.txt', '/tax/2026:t2.txt']);
    const page = await a.call('files:list', {
      folder: '/tax',
      page: 2,
      perPage: 1,
      sort: 'fileName',
      order: 'asc',
    });
    expect(page.count).toBe(2);
    expect(page.items.map((item) => item.fileName)).toEqual(['t2']);
  });

  it('uploads every file of a batch it can, and lists a missing one as failed at once', async () => {
    const one = await file('batch/one.txt');
    const two = await file('batch/two.txt');
    const gone = join(a.dir, 'batch', 'gone.txt');
    const started = await a.call('files:upload', { paths: [one, gone, two], context: '/batch' });
    const failed = started.transfers.find((t) => t.name === 'gone.txt')!;
    expect(failed).toMatchObject({ state: 'failed', retryable: true });
    expect(failed.error).toBe(`${gone} is not there any more. It may have been moved or deleted.`);
    const ended = await Promise.all(started.transfers.map((t) => a.transferEnded(t.id)));
    expect(ended.map((t) => [t.name, t.state])).toEqual([
      ['one.txt', 'done'],
      ['two.txt', 'done'],
      ['gone.txt', 'failed'],
    ]);
    expect(await names(a, '/batch')).toEqual(['/batch:one.txt', '/batch:two.txt']);
  });

  it('uploads a folder as a folder of the same name, keeping its tree', async () => {
    const album = join(a.dir, 'album');
    await file('album/cover.png');
    await file('album/disc 2/track 10.mp3');
    await file('album/disc 2/track 2.mp3');
    await file('album/.DS_Store', 10);
    // A link back to an ancestor is not followed, so the walk ends.
    await symlink(album, join(album, 'disc 2', 'loop'));
    const ended = await upload(a, [album], '/music');
    expect(ended.every((t) => t.state === 'done')).toBe(true);
    expect(await names(a, '/music')).toEqual([
      '/music/album:cover.png',
      '/music/album/disc 2:track 2.mp3',
      '/music/album/disc 2:track 10.mp3',
    ]);
  });

  it('keeps a second file of the same name as "name (2)" and says so; even two at once', async () => {
    const report = await file('dupes/report.pdf');
    await upload(a, [report], '/dupes');
    const [second] = await upload(a, [report], '/dupes');
    expect(second).toMatchObject({ name: 'report (2).pdf', renamedFrom: 'report.pdf' });
    // Two batches started together do not both take "report (3)".
    const [x, y] = await Promise.all([
      a.call('files:upload', { paths: [report], context: '/dupes' }),
      a.call('files:upload', { paths: [report], context: '/dupes' }),
    ]);
    expect(new Set([x.transfers[0]!.name, y.transfers[0]!.name])).toEqual(
      new Set(['report (3).pdf', 'report (4).pdf']),
    );
    await a.transferEnded(x.transfers[0]!.id);
    await a.transferEnded(y.transfers[0]!.id);
    // Names compare as people read them: case and Unicode composition aside.
    const [upper] = await upload(a, [await file('dupes2/REPORT.PDF')], '/dupes');
    expect(upper!.name).toBe('REPORT (5).PDF');
    expect(await names(a, '/dupes')).toHaveLength(5);
  });

  it('refuses a rename or a move onto a name the folder holds', async () => {
    const [kept] = await upload(a, [await file('same/keep.txt')], '/same');
    const [other] = await upload(a, [await file('same/other.txt')], '/same');
    await expect(
      a.call('files:rename', { token: other!.token!, fileName: 'KEEP' }),
    ).rejects.toMatchObject({
      reason: 'data_token.name_taken',
      message: 'There is already a file named “KEEP.txt” in /same. Choose another name.',
    });
    await a.call('files:rename', { token: other!.token!, fileName: 'renamed' });
    const [elsewhere] = await upload(a, [await file('same2/keep.txt')], '/same-elsewhere');
    await expect(
      a.call('files:move', { token: elsewhere!.token!, context: '/same' }),
    ).rejects.toMatchObject({ reason: 'data_token.name_taken' });
    expect(await names(a, '/same')).toEqual(['/same:keep.txt', '/same:renamed.txt']);
    expect(kept!.state).toBe('done');
  });

  it('renames and deletes a folder with its subfolders, saying how many files went', async () => {
    await upload(a, [await file('f/a.txt'), await file('f/b.txt')], '/project');
    await upload(a, [await file('f/c.txt')], '/project/old');
    await upload(a, [await file('f/d.txt')], '/projects');
    await expect(
      a.call('files:renameFolder', { from: '/project', to: '/project/inside' }),
    ).rejects.toMatchObject({ reason: 'data_token.folder_inside' });
    await expect(
      a.call('files:renameFolder', { from: '/project', to: '/projects' }),
    ).rejects.toMatchObject({ reason: 'data_token.folder_taken' });
    expect(await a.call('files:renameFolder', { from: '/project', to: '/work' })).toEqual({
      files: 3,
    });
    expect(await names(a, '/work')).toEqual(['/work:a.txt', '/work:b.txt', '/work/old:c.txt']);
    expect(await names(a, '/project')).toEqual([]);
    expect(await a.call('files:deleteFolder', { folder: '/work' })).toEqual({ files: 3 });
    expect(await names(a, '/work')).toEqual([]);
    expect(await names(a, '/projects')).toEqual(['/projects:d.txt']);
  });

  it('downloads several files into a chosen folder, never over a file there, never outside it', async () => {
    const [one] = await upload(a, [await file('many/x.txt', 3000)], '/many');
    const [two] = await upload(a, [await file('many2/x.txt', 4000)], '/many/sub');
    const [three] = await upload(a, [await file('many3/evil.txt', 5000)], '/many');
    // A name an engine could send: it must not climb out of the chosen folder.
    await a.call('files:rename', { token: three!.token!, fileName: '../../escape' });
    const folder = join(a.dir, 'downloads');
    await mkdir(folder);
    await writeFile(join(folder, 'x.txt'), 'already here');
    a.platform.nextDownloadFolder = folder;
    const started = await a.call('files:downloadMany', {
      files: [
        { token: one!.token!, fileName: 'x.txt' },
        { token: two!.token!, fileName: 'x.txt' },
        { token: three!.token!, fileName: '../../escape.txt' },
      ],
    });
    const ended = await Promise.all(started!.transfers.map((t) => a.transferEnded(t.id)));
    expect(ended.map((t) => t.state)).toEqual(['done', 'done', 'done']);
    expect((await readdir(folder)).sort()).toEqual([
      '.._.._escape.txt',
      'x (2).txt',
      'x (3).txt',
      'x.txt',
    ]);
    expect(await readFile(join(folder, 'x.txt'), 'utf8')).toBe('already here');
    expect((await readFile(join(folder, 'x (2).txt'))).length).toBe(3000);
    // Show in folder opens main's own record of where it went.
    await a.call('files:showInFolder', { transferId: ended[1]!.id });
    expect(a.platform.shownInFolder.at(-1)).toBe(join(folder, 'x (3).txt'));
    await expect(a.call('files:showInFolder', { transferId: one!.id })).rejects.toMatchObject({
      reason: 'client.not_downloaded',
    });
    a.platform.nextDownloadFolder = null;
    expect(
      await a.call('files:downloadMany', { files: [{ token: one!.token!, fileName: 'x' }] }),
    ).toBe(null);
  });

  it('says a download target folder is gone, and retries the download once it is back', async () => {
    const [stored] = await upload(a, [await file('dl/y.txt', 1500)], '/dl');
    const folder = join(a.dir, 'not-yet');
    // Chosen in the save dialog, then the folder went away before the download began.
    a.platform.nextSaveTarget = join(folder, 'y.txt');
    const transfer = await a.call('files:download', { token: stored!.token!, fileName: 'y.txt' });
    const failed = await a.transferEnded(transfer!.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toBe(
      `The folder ${folder} is not there any more. Choose another place to save the file.`,
    );
    await mkdir(folder);
    const again = await a.call('files:retry', { transferId: failed.id });
    expect((await a.transferEnded(again.transfers[0]!.id)).state).toBe('done');
    expect((await readFile(join(folder, 'y.txt'))).length).toBe(1500);
  });
});

describe('transfers cut off by sign-out, quit or crash', () => {
  let b: Desktop;
  const who = uniqueName('interrupted');

  beforeAll(async () => {
    b = await desktop();
    await b.call('session:signUp', { username: who, password: PASSWORD });
  });

  it('asks before quitting with transfers running, and not otherwise', async () => {
    expect(await b.app.confirmQuit()).toBe(true);
    expect(b.platform.quitQuestions).toEqual([]);
    b.app.transfers.queue.setPaused(true);
    const started = await b.call('files:upload', {
      paths: [await file('quit/q.bin', 1000, b.dir)],
      context: '/quit',
    });
    b.platform.quitAnswer = false;
    expect(await b.app.confirmQuit()).toBe(false);
    expect(b.platform.quitQuestions).toEqual([1]);
    b.app.transfers.queue.setPaused(false);
    await b.transferEnded(started.transfers[0]!.id);
  });

  it('keeps an upload stopped by sign-out and offers it after signing in again, in the next run', async () => {
    const big = await file('big/movie.bin', 24 * 1024 * 1024, b.dir);
    const started = await b.call('files:upload', { paths: [big], context: '/movies' });
    const id = started.transfers[0]!.id;
    await b.event('transfer:progress', (t) => t.id === id && t.state === 'running');
    await b.call('session:signOut');
    expect((await b.transferEnded(id)).state).toBe('interrupted');
    expect(await b.call('files:transfers')).toEqual([]);
    const journal = await readFile(join(b.dir, 'uploads.json'), 'utf8');
    expect(journal).toContain(big);
    // No data, temporary, transfer or authorization token: "D-…" and friends, or the word.
    expect(journal).not.toMatch(/"[DPTU]-[A-Za-z0-9_-]{20,}|token/i);

    b = await b.restart();
    opened.push(b);
    await b.call('session:signIn', { username: who, password: PASSWORD });
    await expect
      .poll(() => b.call('files:transfers'))
      .toEqual([
        expect.objectContaining({ id, name: 'movie.bin', state: 'interrupted', retryable: true }),
      ]);
    const again = await b.call('files:retry', { transferId: id });
    expect((await b.transferEnded(again.transfers[0]!.id)).state).toBe('done');
    expect(await names(b, '/movies')).toEqual(['/movies:movie.bin']);
    expect((await b.call('files:transfers')).map((t) => t.id)).not.toContain(id);
    // The journal is written behind the transfers; it ends empty.
    await expect
      .poll(async () => JSON.parse(await readFile(join(b.dir, 'uploads.json'), 'utf8')))
      .toEqual({ version: 1, uploads: [] });
  });

  it('offers an upload cut off by a crash, and says so when its file is gone', async () => {
    const path = join(b.dir, 'crash', 'lost.txt');
    const journalFile = join(b.dir, 'uploads.json');
    const profile = b.app.account().profileId;
    await b.call('session:signOut');
    await b.app.shutdown();
    await writeFile(
      journalFile,
      JSON.stringify({
        version: 1,
        uploads: [
          {
            id: 'crashed-1',
            batchId: 'batch-1',
            profileId: profile,
            path,
            name: 'lost.txt',
            context: '/crash',
            total: 10,
            state: 'running',
            renamedFrom: null,
          },
        ],
      }),
    );
    const next = await startDesktop({
      engine: shared(inProcessEngineHandle(engine)),
      reuse: { dir: b.dir, secrets: b.secrets },
    });
    opened.push(next);
    await next.call('session:signIn', { username: who, password: PASSWORD });
    await expect
      .poll(() => next.call('files:transfers'))
      .toEqual([expect.objectContaining({ id: 'crashed-1', state: 'interrupted' })]);
    await expect(next.call('files:retry', { transferId: 'crashed-1' })).rejects.toMatchObject({
      reason: 'client.file_missing',
      message: `${path} is not there any more. It may have been moved or deleted.`,
    });
    await next.call('files:forget', { transferIds: ['crashed-1'] });
    expect(await next.call('files:transfers')).toEqual([]);
    await next.app.shutdown();
    expect(JSON.parse(await readFile(journalFile, 'utf8')).uploads).toEqual([]);
    await rm(path, { force: true });
  });
});

describe('sign-in attempts', () => {
  it('warns before the last tries, then says how long the lockout lasts', async () => {
    const c = await desktop();
    const name = uniqueName('locked');
    await c.call('session:signUp', { username: name, password: PASSWORD });
    await c.call('session:signOut');
    const messages: string[] = [];
    for (let i = 0; i < 11; i++) {
      const error = await c
        .call('session:signIn', { username: name, password: 'not the password' })
        .catch((e: Error) => e);
      messages.push((error as Error).message);
    }
    expect(messages[0]).toBe("That username and password don't match. Check them and try again.");
    expect(messages[6]).toMatch(/3 more wrong tries lock sign-in for this username for 15 minutes/);
    expect(messages[8]).toMatch(/One more wrong try locks sign-in/);
    expect(messages[10]).toMatch(
      /^Too many failed sign-ins for this username\. Try again in (14|15) minutes/,
    );
  });
});
