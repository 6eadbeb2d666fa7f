import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childContext, planUploads } from '../../../../client/vault/upload-plan.ts';

async function tree(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'privicore-plan-'));
  await mkdir(join(root, 'Album', 'disc 2'), { recursive: true });
  await writeFile(join(root, 'Album', 'cover.png'), 'c');
  await writeFile(join(root, 'Album', 'disc 2', 'track 10.mp3'), 'tt');
  await writeFile(join(root, 'Album', 'disc 2', 'track 2.mp3'), 't');
  await writeFile(join(root, 'Album', '.DS_Store'), 'x');
  await symlink(join(root, 'Album'), join(root, 'Album', 'disc 2', 'loop'));
  await symlink(join(root, 'Album', 'cover.png'), join(root, 'Album', 'cover-link.png'));
  await symlink(join(root, 'nowhere'), join(root, 'Album', 'broken'));
  await writeFile(join(root, 'loose.txt'), 'loose');
  return root;
}

describe('planUploads', () => {
  it('keeps a folder as a folder of the same name, files in order, links to folders not followed', async () => {
    const root = await tree();
    const plan = await planUploads([join(root, 'Album'), join(root, 'loose.txt')], '/music');
    expect(plan.files.map((f) => `${f.context}:${f.name}:${f.size}`)).toEqual([
      '/music/Album:cover-link.png:1',
      '/music/Album:cover.png:1',
      '/music/Album/disc 2:track 2.mp3:1',
      '/music/Album/disc 2:track 10.mp3:2',
      '/music:loose.txt:5',
    ]);
    expect(plan.problems.map((p) => [p.name, p.error.reason])).toEqual([
      ['broken', 'client.file_missing'],
    ]);
  });

  it('reports a missing path on its own and goes on with the rest', async () => {
    const root = await tree();
    const plan = await planUploads([join(root, 'gone.txt'), join(root, 'loose.txt')], '/');
    expect(plan.files.map((f) => f.context + f.name)).toEqual(['/loose.txt']);
    expect(plan.problems).toHaveLength(1);
    expect(plan.problems[0]).toMatchObject({
      name: 'gone.txt',
      context: '/',
      error: { reason: 'client.file_missing', details: { path: join(root, 'gone.txt') } },
    });
  });

  it('joins contexts without doubling the slash', () => {
    expect(childContext('/', 'a')).toBe('/a');
    expect(childContext('/a', 'b')).toBe('/a/b');
    expect(childContext('/a/', 'b')).toBe('/a/b');
  });
});
