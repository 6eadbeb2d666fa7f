import type { StateCreator } from 'zustand';
import type { FileDetails, FileItem, FilePage, FileSort, Transfer } from '../../bridge/types.ts';
import { api } from '../api.ts';
import { buildContextTree } from '../model/context-tree.ts';
import { displayName, shownName } from '../model/display-name.ts';
import { describeError, type PlainError } from '../model/describe-error.ts';
import { describeRenamed } from '../model/renamed-uploads.ts';
import { selectRange, toggleInSelection } from '../model/selection.ts';
import type { AppState } from './app-store.ts';
import { memoizeLast } from './memoize-last.ts';

export const PER_PAGE = 50;
/** The bridge takes at most this many paths per upload call. */
const MAX_PATHS_PER_UPLOAD = 1000;

export type SortOrder = 'asc' | 'desc';
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface FileQuery {
  /** The open folder; null is "All files". */
  context: string | null;
  q: string;
  page: number;
  sort: FileSort;
  order: SortOrder;
}

/** How one action over several files went: what worked, and each file that did not, with why. */
export interface BulkOutcome {
  done: number;
  failed: { name: string; message: string }[];
}

/** How a click or key picks rows: one alone, one more (Ctrl/⌘), or a run from the anchor (Shift). */
export type SelectMode = 'single' | 'toggle' | 'range';

export interface FilesSlice {
  query: FileQuery;
  filePage: FilePage | null;
  filesStatus: LoadStatus;
  filesError: PlainError | null;
  contexts: string[];
  /** Folders opened with "New folder" that hold no file yet; they live until the app closes. */
  draftContexts: string[];
  /** The row with the keyboard's attention (and the details pane's file). */
  selectedToken: string | null;
  /** Every selected row of the page, in list order; the focused one is among them. */
  selectedTokens: string[];
  /** Where a Shift-selection starts. */
  selectionAnchor: string | null;
  details: FileDetails | null;
  detailsStatus: LoadStatus;
  detailsError: PlainError | null;

  enterWorkspace(): void;
  leaveWorkspace(): void;
  loadFiles(): Promise<void>;
  loadContexts(): Promise<void>;
  openFolder(context: string | null): void;
  setSearch(q: string): void;
  sortBy(sort: FileSort): void;
  goToPage(page: number): void;
  selectFile(token: string | null, mode?: SelectMode): void;
  selectAll(): void;
  clearSelection(): void;
  moveSelection(step: number | 'first' | 'last', extend?: boolean): void;
  loadDetails(token: string): Promise<void>;
  renameFile(token: string, fileName: string): Promise<PlainError | null>;
  moveFile(token: string, context: string): Promise<PlainError | null>;
  classifyFile(token: string, fields: Record<string, string>): Promise<PlainError | null>;
  deleteFile(token: string): Promise<PlainError | null>;
  moveFiles(files: readonly FileItem[], context: string): Promise<BulkOutcome>;
  classifyFiles(files: readonly FileItem[], fields: Record<string, string>): Promise<BulkOutcome>;
  deleteFiles(files: readonly FileItem[]): Promise<BulkOutcome>;
  downloadFiles(files: readonly FileItem[]): Promise<void>;
  /** How many files a folder holds with its subfolders; null when the engine didn't answer. */
  countFolder(folder: string): Promise<number | null>;
  renameFolder(from: string, to: string): Promise<PlainError | null>;
  deleteFolder(folder: string): Promise<PlainError | null>;
  chooseAndUpload(kind?: 'files' | 'folders'): Promise<void>;
  uploadPaths(paths: string[]): Promise<void>;
  dropFiles(files: readonly File[]): Promise<void>;
  downloadFile(file: Pick<FileItem, 'token' | 'fileName' | 'extension'>): Promise<void>;
}

const DEFAULT_ORDER: Record<FileSort, SortOrder> = {
  fileName: 'asc',
  size: 'desc',
  createdAt: 'desc',
};

const initialFiles = {
  query: { context: null, q: '', page: 1, sort: 'createdAt', order: 'desc' } as FileQuery,
  filePage: null,
  filesStatus: 'idle' as LoadStatus,
  filesError: null,
  contexts: [] as string[],
  draftContexts: [] as string[],
  selectedToken: null,
  selectedTokens: [] as string[],
  selectionAnchor: null,
  details: null,
  detailsStatus: 'idle' as LoadStatus,
  detailsError: null,
};

const noSelection = { selectedToken: null, selectedTokens: [], selectionAnchor: null };

export const createFilesSlice: StateCreator<AppState, [], [], FilesSlice> = (set, get) => {
  // Answers can come back out of order (typing in search); only the latest request may land.
  let listRequest = 0;
  let detailsRequest = 0;

  const changeQuery = (change: Partial<FileQuery>): void => {
    set((s) => ({ query: { ...s.query, page: 1, ...change }, ...noSelection }));
    void get().loadFiles();
  };

  /** After a change to one file: the list, the folders and, if it is open, its details. */
  const refreshAfterChange = (token: string, { contexts = false } = {}): void => {
    void get().loadFiles();
    if (contexts) void get().loadContexts();
    if (get().selectedToken === token && get().detailsOpen) void get().loadDetails(token);
  };

  const mutate = async (
    token: string,
    run: () => Promise<unknown>,
    contexts = false,
  ): Promise<PlainError | null> => {
    try {
      await run();
      refreshAfterChange(token, { contexts });
      return null;
    } catch (error) {
      return describeError(error);
    }
  };

  /** Runs one call per file, one after another, and says how it went. */
  const eachFile = async (
    files: readonly FileItem[],
    run: (file: FileItem) => Promise<unknown>,
  ): Promise<BulkOutcome> => {
    const outcome: BulkOutcome = { done: 0, failed: [] };
    for (const file of files) {
      try {
        await run(file);
        outcome.done += 1;
      } catch (error) {
        outcome.failed.push({ name: shownName(file), message: describeError(error).message });
      }
    }
    void get().loadFiles();
    return outcome;
  };

  const trackStarted = (started: { batchId: string; transfers: Transfer[] }): void => {
    get().trackBatch(started);
    const renamed = describeRenamed(started.transfers);
    if (renamed) get().notify(renamed, 'info');
  };

  return {
    ...initialFiles,

    enterWorkspace: () => {
      set({ ...initialFiles });
      void get().loadFiles();
      void get().loadContexts();
      void get().loadTransfers();
    },

    leaveWorkspace: () => {
      listRequest += 1;
      detailsRequest += 1;
      set({ ...initialFiles });
      get().resetTransfers();
      get().resetUi();
    },

    loadFiles: async () => {
      const request = ++listRequest;
      const { context, q, page, sort, order } = get().query;
      set({ filesStatus: 'loading', filesError: null });
      try {
        const result = await api.files.list({
          ...(context ? { folder: context } : {}),
          ...(q.trim() ? { q: q.trim() } : {}),
          page,
          perPage: PER_PAGE,
          sort,
          order,
        });
        if (request !== listRequest) return;
        // A delete can empty the last page; step back to the new last one.
        const lastPage = Math.max(1, Math.ceil(result.count / PER_PAGE));
        if (result.items.length === 0 && page > lastPage) {
          set((s) => ({ query: { ...s.query, page: lastPage } }));
          return get().loadFiles();
        }
        const listed = new Set(result.items.map((item) => item.token));
        const selected = get().selectedToken;
        const keep = selected !== null && listed.has(selected);
        set((s) => ({
          filePage: result,
          filesStatus: 'ready',
          selectedTokens: s.selectedTokens.filter((token) => listed.has(token)),
          ...(keep ? {} : { selectedToken: null }),
          ...(s.selectionAnchor && !listed.has(s.selectionAnchor) ? { selectionAnchor: null } : {}),
        }));
        if (!keep && selected !== null) set({ detailsOpen: false, details: null });
      } catch (error) {
        if (request !== listRequest) return;
        set({ filesStatus: 'error', filesError: describeError(error) });
      }
    },

    loadContexts: async () => {
      try {
        const contexts = await api.files.contexts();
        set((s) => ({
          contexts,
          draftContexts: s.draftContexts.filter((draft) => !contexts.includes(draft)),
        }));
      } catch (error) {
        get().notify(`Couldn't load your folders. ${describeError(error).message}`, 'error');
      }
    },

    openFolder: (context) => {
      const folder = context === '/' ? null : context;
      if (folder && !get().contexts.includes(folder) && !get().draftContexts.includes(folder)) {
        set((s) => ({ draftContexts: [...s.draftContexts, folder] }));
      }
      if (folder) get().revealFolder(folder);
      set({ detailsOpen: false, details: null });
      changeQuery({ context: folder });
    },

    setSearch: (q) => {
      if (q === get().query.q) return;
      changeQuery({ q });
    },

    sortBy: (sort) => {
      const { query } = get();
      const order =
        query.sort === sort ? (query.order === 'asc' ? 'desc' : 'asc') : DEFAULT_ORDER[sort];
      changeQuery({ sort, order });
    },

    goToPage: (page) => {
      const count = get().filePage?.count ?? 0;
      const last = Math.max(1, Math.ceil(count / PER_PAGE));
      const target = Math.min(Math.max(1, Math.trunc(page)), last);
      if (target === get().query.page) return;
      set((s) => ({ query: { ...s.query, page: target }, ...noSelection }));
      void get().loadFiles();
    },

    selectFile: (token, mode = 'single') => {
      if (token === null) {
        set({ ...noSelection });
        return;
      }
      const order = (get().filePage?.items ?? []).map((item) => item.token);
      const { selectedTokens, selectionAnchor } = get();
      if (mode === 'toggle') {
        set({
          selectedTokens: toggleInSelection(order, selectedTokens, token),
          selectedToken: token,
          selectionAnchor: token,
        });
      } else if (mode === 'range') {
        set({
          selectedTokens: selectRange(order, selectionAnchor ?? token, token),
          selectedToken: token,
          selectionAnchor: selectionAnchor ?? token,
        });
      } else {
        set({ selectedTokens: [token], selectedToken: token, selectionAnchor: token });
      }
      if (get().detailsOpen) void get().loadDetails(token);
    },

    selectAll: () => {
      const order = (get().filePage?.items ?? []).map((item) => item.token);
      if (order.length === 0) return;
      set((s) => ({
        selectedTokens: order,
        selectedToken: s.selectedToken ?? order[0]!,
        selectionAnchor: s.selectionAnchor ?? order[0]!,
      }));
    },

    clearSelection: () =>
      set((s) => ({
        selectedTokens: s.selectedToken ? [s.selectedToken] : [],
        selectionAnchor: s.selectedToken,
      })),

    moveSelection: (step, extend = false) => {
      const items = get().filePage?.items ?? [];
      if (items.length === 0) return;
      const current = items.findIndex((item) => item.token === get().selectedToken);
      let next: number;
      if (step === 'first') next = 0;
      else if (step === 'last') next = items.length - 1;
      else if (current === -1) next = step > 0 ? 0 : items.length - 1;
      else next = Math.min(items.length - 1, Math.max(0, current + step));
      get().selectFile(items[next]!.token, extend ? 'range' : 'single');
    },

    loadDetails: async (token) => {
      const request = ++detailsRequest;
      set((s) => ({
        detailsStatus: 'loading',
        detailsError: null,
        details: s.details?.token === token ? s.details : null,
      }));
      try {
        const details = await api.files.details({ token });
        if (request !== detailsRequest) return;
        set({ details, detailsStatus: 'ready' });
      } catch (error) {
        if (request !== detailsRequest) return;
        set({ detailsStatus: 'error', detailsError: describeError(error) });
      }
    },

    renameFile: (token, fileName) => mutate(token, () => api.files.rename({ token, fileName })),
    moveFile: (token, context) => mutate(token, () => api.files.move({ token, context }), true),
    classifyFile: (token, fields) => mutate(token, () => api.files.classify({ token, fields })),

    deleteFile: async (token) => {
      try {
        await api.files.delete({ token });
        if (get().selectedToken === token) {
          // The next file takes the selection (the previous at the end), so Delete, Delete works.
          const items = get().filePage?.items ?? [];
          const index = items.findIndex((item) => item.token === token);
          const neighbour = items[index + 1] ?? items[index - 1] ?? null;
          set({
            selectedToken: neighbour?.token ?? null,
            selectedTokens: neighbour ? [neighbour.token] : [],
            selectionAnchor: neighbour?.token ?? null,
            detailsOpen: false,
            details: null,
          });
        }
        void get().loadFiles();
        void get().loadContexts();
        return null;
      } catch (error) {
        return describeError(error);
      }
    },

    moveFiles: async (files, context) => {
      const outcome = await eachFile(files, (file) =>
        api.files.move({ token: file.token, context }),
      );
      void get().loadContexts();
      return outcome;
    },

    classifyFiles: (files, fields) =>
      eachFile(files, (file) => api.files.classify({ token: file.token, fields })),

    deleteFiles: async (files) => {
      const outcome = await eachFile(files, (file) => api.files.delete({ token: file.token }));
      const gone = new Set(files.map((file) => file.token));
      set((s) => ({
        selectedTokens: s.selectedTokens.filter((token) => !gone.has(token)),
        ...(s.selectedToken && gone.has(s.selectedToken)
          ? { selectedToken: null, detailsOpen: false, details: null }
          : {}),
      }));
      void get().loadContexts();
      return outcome;
    },

    downloadFiles: async (files) => {
      if (files.length === 1) return get().downloadFile(files[0]!);
      try {
        const started = await api.files.downloadMany({
          files: files.map((file) => ({ token: file.token, fileName: displayName(file) })),
        });
        if (started) get().trackBatch(started);
      } catch (error) {
        get().notify(
          `Couldn't download the ${files.length} files. ${describeError(error).message}`,
          'error',
        );
      }
    },

    countFolder: async (folder) => {
      try {
        const page = await api.files.list({
          folder,
          page: 1,
          perPage: 1,
          sort: 'createdAt',
          order: 'desc',
        });
        return page.count;
      } catch {
        return null;
      }
    },

    renameFolder: async (from, to) => {
      try {
        await api.files.renameFolder({ from, to });
        set((s) => ({
          draftContexts: s.draftContexts.filter((d) => d !== from && !d.startsWith(`${from}/`)),
        }));
        await get().loadContexts();
        const open = get().query.context;
        if (open && (open === from || open.startsWith(`${from}/`)))
          get().openFolder(`${to}${open.slice(from.length)}`);
        else void get().loadFiles();
        return null;
      } catch (error) {
        return describeError(error);
      }
    },

    deleteFolder: async (folder) => {
      try {
        await api.files.deleteFolder({ folder });
        set((s) => ({
          draftContexts: s.draftContexts.filter((d) => d !== folder && !d.startsWith(`${folder}/`)),
        }));
        await get().loadContexts();
        const open = get().query.context;
        if (open && (open === folder || open.startsWith(`${folder}/`))) {
          const parent = folder.slice(0, folder.lastIndexOf('/'));
          get().openFolder(parent || null);
        } else void get().loadFiles();
        return null;
      } catch (error) {
        return describeError(error);
      }
    },

    chooseAndUpload: async (kind = 'files') => {
      try {
        const paths = await api.files.choose({ kind });
        if (paths.length > 0) await get().uploadPaths(paths);
      } catch (error) {
        get().notify(describeError(error).message, 'error');
      }
    },

    uploadPaths: async (paths) => {
      const context = get().query.context ?? '/';
      for (let start = 0; start < paths.length; start += MAX_PATHS_PER_UPLOAD) {
        try {
          trackStarted(
            await api.files.upload({
              paths: paths.slice(start, start + MAX_PATHS_PER_UPLOAD),
              context,
            }),
          );
        } catch (error) {
          get().notify(`Couldn't start the upload. ${describeError(error).message}`, 'error');
          return;
        }
      }
    },

    dropFiles: async (files) => {
      // Dropped folders have a path too; main uploads them as folders.
      const paths = files
        .map((file) => api.pathForFile(file))
        .filter((path): path is string => path !== null);
      if (paths.length === 0) {
        get().notify(
          "Couldn't read where the dropped items are on disk. Use Add files instead.",
          'error',
        );
        return;
      }
      if (paths.length < files.length) {
        const skipped = files.length - paths.length;
        get().notify(
          `${skipped} dropped ${skipped === 1 ? 'item was' : 'items were'} skipped: only files on disk can be added.`,
          'warning',
        );
      }
      await get().uploadPaths(paths);
    },

    downloadFile: async (file) => {
      const { token } = file;
      // The save dialog suggests this name, so it carries the extension.
      const fileName = displayName(file);
      try {
        const transfer = await api.files.download({ token, fileName });
        if (transfer) get().trackBatch({ batchId: transfer.batchId, transfers: [transfer] });
      } catch (error) {
        get().notify(`Couldn't download ${fileName}. ${describeError(error).message}`, 'error');
      }
    },
  };
};

const NO_FILES: FileItem[] = [];
const folderTree = memoizeLast((contexts: string[], drafts: string[]) =>
  buildContextTree([...contexts, ...drafts]),
);
const selectedFile = memoizeLast((page: FilePage | null, token: string | null) =>
  token ? (page?.items.find((item) => item.token === token) ?? null) : null,
);
const selectedFiles = memoizeLast((page: FilePage | null, tokens: string[]) => {
  const chosen = new Set(tokens);
  return (page?.items ?? NO_FILES).filter((item) => chosen.has(item.token));
});
const selectedSet = memoizeLast((tokens: string[]) => new Set(tokens));

export const filesSelectors = {
  query: (s: AppState) => s.query,
  context: (s: AppState) => s.query.context,
  search: (s: AppState) => s.query.q,
  sort: (s: AppState) => s.query.sort,
  order: (s: AppState) => s.query.order,
  page: (s: AppState) => s.query.page,
  items: (s: AppState) => s.filePage?.items ?? NO_FILES,
  count: (s: AppState) => s.filePage?.count ?? 0,
  pageCount: (s: AppState) => Math.max(1, Math.ceil((s.filePage?.count ?? 0) / PER_PAGE)),
  status: (s: AppState) => s.filesStatus,
  error: (s: AppState) => s.filesError,
  /** True only for the first load of a view, when there is nothing to show yet. */
  showSkeleton: (s: AppState) => s.filesStatus === 'loading' && s.filePage === null,
  isRefreshing: (s: AppState) => s.filesStatus === 'loading' && s.filePage !== null,
  isEmpty: (s: AppState) => s.filesStatus === 'ready' && (s.filePage?.items.length ?? 0) === 0,
  contexts: (s: AppState) => s.contexts,
  folderTree: (s: AppState) => folderTree(s.contexts, s.draftContexts),
  selectedToken: (s: AppState) => s.selectedToken,
  selectedFile: (s: AppState) => selectedFile(s.filePage, s.selectedToken),
  /** The selected rows of the page, in list order. */
  selectedFiles: (s: AppState) => selectedFiles(s.filePage, s.selectedTokens),
  selectedSet: (s: AppState) => selectedSet(s.selectedTokens),
  selectionCount: (s: AppState) => s.selectedTokens.length,
  details: (s: AppState) => s.details,
  detailsStatus: (s: AppState) => s.detailsStatus,
  detailsError: (s: AppState) => s.detailsError,
  /** aria-sort for a column header. */
  ariaSort:
    (sort: FileSort) =>
    (s: AppState): 'ascending' | 'descending' | 'none' =>
      s.query.sort === sort ? (s.query.order === 'asc' ? 'ascending' : 'descending') : 'none',
};
