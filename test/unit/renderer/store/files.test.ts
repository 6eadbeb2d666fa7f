import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FilePage } from '../../../../bridge/types.ts';
import { createAppStore, filesSelectors } from '../../../../renderer/store/index.ts';
import { fileItem, installVaultStandIn, settle, StandInError } from './vault-stand-in.ts';

afterEach(() => vi.unstubAllGlobals());

const page = (count: number, pageNumber = 1, perPage = 50): FilePage => ({
  items: Array.from(
    { length: Math.max(0, Math.min(perPage, count - (pageNumber - 1) * perPage)) },
    (_, i) => fileItem((pageNumber - 1) * perPage + i),
  ),
  count,
  page: pageNumber,
  perPage,
});

describe('files slice', () => {
  it('lists the open folder with one page of 50, search and sort, within the bridge schema', async () => {
    const vault = installVaultStandIn({ 'files:list': async (q) => page(120, q.page) });
    const store = createAppStore();
    store.getState().openFolder('/finance');
    await settle();
    store.getState().setSearch('  tax ');
    await settle();
    store.getState().sortBy('fileName');
    await settle();
    store.getState().sortBy('fileName');
    await settle();
    store.getState().goToPage(3);
    await settle();
    expect(vault.callsTo('files:list')).toEqual([
      { folder: '/finance', page: 1, perPage: 50, sort: 'createdAt', order: 'desc' },
      { folder: '/finance', q: 'tax', page: 1, perPage: 50, sort: 'createdAt', order: 'desc' },
      { folder: '/finance', q: 'tax', page: 1, perPage: 50, sort: 'fileName', order: 'asc' },
      { folder: '/finance', q: 'tax', page: 1, perPage: 50, sort: 'fileName', order: 'desc' },
      { folder: '/finance', q: 'tax', page: 3, perPage: 50, sort: 'fileName', order: 'desc' },
    ]);
    const s = store.getState();
    expect(filesSelectors.items(s)).toHaveLength(20);
    expect(filesSelectors.pageCount(s)).toBe(3);
    expect(filesSelectors.ariaSort('fileName')(s)).toBe('descending');
    expect(filesSelectors.ariaSort('size')(s)).toBe('none');
  });

  it('keeps only the newest answer when requests overlap', async () => {
    const answers: ((value: FilePage) => void)[] = [];
    installVaultStandIn({ 'files:list': () => new Promise((resolve) => answers.push(resolve)) });
    const store = createAppStore();
    store.getState().setSearch('a');
    store.getState().setSearch('ab');
    await settle();
    answers[1]!({ ...page(1), items: [fileItem(1, { fileName: 'ab.txt' })] });
    await settle();
    answers[0]!({ ...page(1), items: [fileItem(2, { fileName: 'a.txt' })] });
    await settle();
    expect(filesSelectors.items(store.getState()).map((f) => f.fileName)).toEqual(['ab.txt']);
  });

  it('shows a plain error and recovers on retry', async () => {
    let fail = true;
    installVaultStandIn({
      'files:list': async () => {
        if (fail)
          throw new StandInError({
            message: 'connect ECONNREFUSED',
            reason: 'client.network',
            status: null,
          });
        return page(2);
      },
    });
    const store = createAppStore();
    await store.getState().loadFiles();
    expect(filesSelectors.status(store.getState())).toBe('error');
    expect(filesSelectors.error(store.getState())?.message).toMatch(/^Can't reach the engine/);
    fail = false;
    await store.getState().loadFiles();
    expect(filesSelectors.status(store.getState())).toBe('ready');
    expect(filesSelectors.count(store.getState())).toBe(2);
  });

  it('steps back a page when a delete empties the last one', async () => {
    let count = 51;
    const vault = installVaultStandIn({
      'files:list': async (q) => page(count, q.page),
      'files:delete': async () => {
        count -= 1;
      },
      'files:contexts': async () => [],
    });
    const store = createAppStore();
    await store.getState().loadFiles();
    store.getState().goToPage(2);
    await settle();
    store.getState().selectFile('tok-50');
    expect(await store.getState().deleteFile('tok-50')).toBeNull();
    await settle();
    expect(filesSelectors.page(store.getState())).toBe(1);
    expect(vault.callsTo('files:list').at(-1)).toMatchObject({ page: 1 });
    expect(filesSelectors.selectedToken(store.getState())).toBeNull();
  });

  it('moves the selection with the arrow keys, clamped to the page', async () => {
    installVaultStandIn({ 'files:list': async () => page(3) });
    const store = createAppStore();
    await store.getState().loadFiles();
    const { moveSelection } = store.getState();
    moveSelection(1);
    expect(store.getState().selectedToken).toBe('tok-0');
    moveSelection(1);
    moveSelection(1);
    moveSelection(1);
    expect(store.getState().selectedToken).toBe('tok-2');
    moveSelection('first');
    expect(store.getState().selectedToken).toBe('tok-0');
    moveSelection(-1);
    expect(store.getState().selectedToken).toBe('tok-0');
    expect(filesSelectors.selectedFile(store.getState())?.fileName).toBe('file-0.txt');
  });

  it('uploads chosen files into the open folder and drops nothing silently', async () => {
    let batch = 0;
    const vault = installVaultStandIn(
      {
        'files:list': async () => page(0),
        'files:choose': async () => ['/home/me/a.pdf'],
        'files:upload': async ({ paths, context }) => ({
          batchId: `b${++batch}`,
          transfers: paths.map((p, i) => ({
            id: `b${batch}-t${i}`,
            batchId: `b${batch}`,
            kind: 'upload' as const,
            name: p.split('/').pop()!,
            context,
            bytes: 0,
            total: 10,
            state: 'queued' as const,
            error: null,
            token: null,
            target: null,
            renamedFrom: null,
            retryable: true,
            hold: null,
          })),
        }),
      },
      { pathForFile: (file) => (file.name === 'virtual' ? null : `/dropped/${file.name}`) },
    );
    const store = createAppStore();
    store.getState().openFolder('/finance/2026');
    await store.getState().chooseAndUpload();
    await store.getState().dropFiles([new File(['x'], 'b.txt'), new File(['y'], 'virtual')]);
    expect(vault.callsTo('files:upload')).toEqual([
      { paths: ['/home/me/a.pdf'], context: '/finance/2026' },
      { paths: ['/dropped/b.txt'], context: '/finance/2026' },
    ]);
    expect(store.getState().notices.map((n) => n.text)).toEqual([
      '1 dropped item was skipped: only files on disk can be added.',
    ]);
    expect(store.getState().transfers).toHaveLength(2);
  });

  it('opens a new folder as a draft the tree can show, nested under its parents', async () => {
    installVaultStandIn({
      'files:list': async () => page(0),
      'files:contexts': async () => ['/finance'],
    });
    const store = createAppStore();
    await store.getState().loadContexts();
    store.getState().openFolder('/finance/2027/q1');
    const tree = filesSelectors.folderTree(store.getState());
    expect(tree[0]!.children[0]!.children[0]!.path).toBe('/finance/2027/q1');
    expect(store.getState().expandedFolders).toMatchObject({
      '/finance': true,
      '/finance/2027': true,
    });
    expect(filesSelectors.folderTree(store.getState())).toBe(tree);
  });

  it('returns plain words from a failed rename so the dialog can show them', async () => {
    installVaultStandIn({
      'files:list': async () => page(1),
      'files:rename': async () => {
        throw new StandInError({
          message: 'This file no longer exists in the vault. Refresh the list.',
          reason: 'data_token.not_found',
          status: 404,
        });
      },
    });
    const store = createAppStore();
    const failure = await store.getState().renameFile('tok-1', 'new.txt');
    expect(failure).toEqual({
      reason: 'data_token.not_found',
      message: 'This file no longer exists in the vault. Refresh the list.',
    });
  });

  it('selects one, a run (Shift) or one more (Ctrl), extends with Shift+arrows, and takes the page', async () => {
    installVaultStandIn({ 'files:list': async () => page(5) });
    const store = createAppStore();
    await store.getState().loadFiles();
    const tokens = () => store.getState().selectedTokens;
    store.getState().selectFile('tok-1');
    store.getState().selectFile('tok-3', 'range');
    expect(tokens()).toEqual(['tok-1', 'tok-2', 'tok-3']);
    store.getState().selectFile('tok-2', 'toggle');
    expect(tokens()).toEqual(['tok-1', 'tok-3']);
    store.getState().selectFile('tok-0', 'toggle');
    expect(tokens()).toEqual(['tok-0', 'tok-1', 'tok-3']);
    store.getState().selectFile('tok-4');
    store.getState().moveSelection(-1, true);
    store.getState().moveSelection(-1, true);
    expect(tokens()).toEqual(['tok-2', 'tok-3', 'tok-4']);
    expect(store.getState().selectedToken).toBe('tok-2');
    store.getState().selectAll();
    expect(filesSelectors.selectionCount(store.getState())).toBe(5);
    store.getState().clearSelection();
    expect(tokens()).toEqual(['tok-2']);
    // A new folder starts with nothing selected.
    store.getState().openFolder('/elsewhere');
    expect(tokens()).toEqual([]);
  });

  it('acts on several files and says which one failed and why', async () => {
    let count = 3;
    const vault = installVaultStandIn({
      'files:list': async () => page(count),
      'files:contexts': async () => [],
      'files:delete': async ({ token }) => {
        if (token === 'tok-1')
          throw new StandInError({
            message: 'This file no longer exists in the vault. Refresh the list.',
            reason: 'data_token.not_found',
            status: 404,
          });
        count -= 1;
      },
    });
    const store = createAppStore();
    await store.getState().loadFiles();
    const files = filesSelectors.items(store.getState());
    const outcome = await store.getState().deleteFiles(files);
    expect(outcome).toEqual({
      done: 2,
      failed: [
        {
          name: 'file-1.txt',
          message: 'This file no longer exists in the vault. Refresh the list.',
        },
      ],
    });
    expect(vault.callsTo('files:delete')).toHaveLength(3);
  });

  it('renames and deletes the open folder, following it to where it went', async () => {
    const vault = installVaultStandIn({
      'files:list': async () => page(0),
      'files:contexts': async () => ['/archive/2026'],
      'files:renameFolder': async () => ({ files: 2 }),
      'files:deleteFolder': async () => ({ files: 2 }),
    });
    const store = createAppStore();
    store.getState().openFolder('/work/2026');
    expect(await store.getState().renameFolder('/work', '/archive')).toBeNull();
    expect(store.getState().query.context).toBe('/archive/2026');
    expect(await store.getState().deleteFolder('/archive')).toBeNull();
    expect(store.getState().query.context).toBeNull();
    expect(vault.callsTo('files:renameFolder')).toEqual([{ from: '/work', to: '/archive' }]);
    expect(vault.callsTo('files:deleteFolder')).toEqual([{ folder: '/archive' }]);
  });
});
