import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UploadJournal, type UploadRecord } from '../../../main/upload-journal.ts';

const record = (id: string, change: Partial<UploadRecord> = {}): UploadRecord => ({
  id,
  batchId: 'b1',
  profileId: 'p1',
  path: `/home/me/${id}.bin`,
  name: `${id}.bin`,
  context: '/',
  total: 10,
  state: 'queued',
  renamedFrom: null,
  ...change,
});

describe('UploadJournal', () => {
  it('keeps unfinished uploads on disk, and a crash leaves them to be offered as interrupted', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'privicore-journal-')), 'uploads.json');
    const journal = await UploadJournal.open(file);
    journal.put(record('a'));
    journal.put(record('b', { profileId: 'p2' }));
    journal.put(record('c'));
    journal.mark('a', 'running');
    journal.remove('c');
    await journal.flush();
    // What the next start finds after a crash: "running" is read as interrupted, per profile.
    const next = await UploadJournal.open(file);
    expect(next.interrupted('p1')).toEqual([record('a', { state: 'interrupted' })]);
    expect(next.interrupted('p2').map((r) => r.id)).toEqual(['b']);
    expect(await readFile(file, 'utf8')).not.toMatch(/token|key/i);
  });

  it('starts empty on a damaged journal', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'privicore-journal-')), 'uploads.json');
    await writeFile(file, '{"version":1,"uploads":[{"id":1}]');
    expect((await UploadJournal.open(file)).interrupted('p1')).toEqual([]);
  });
});
