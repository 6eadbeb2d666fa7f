// The vault's catalogue as the desktop app shows it: list-data-tokens records as file items, the
// set of contexts (folders), and one token's record. The contract lists tokens page by page and
// has no per-token lookup, so the last two walk the pages at the largest page size.

import type { FileItem } from '../../bridge/types.ts';
import { listDataTokens, type DataTokenRecord } from '../endpoints/data-token.ts';
import type { HttpClient } from '../http.ts';
import { PrivicoreError } from '../privicore-error.ts';
import { joinFileName } from './file-name.ts';
import { nameKey } from './unique-name.ts';

const PAGE = 500;

export function toFileItem(record: DataTokenRecord): FileItem {
  return {
    token: record.token,
    fileName: record.fileName,
    extension: record.extension,
    size: record.size,
    context: record.context,
    path: record.path,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    classification:
      record.securityRiskMeta && Object.keys(record.securityRiskMeta).length > 0
        ? record.securityRiskMeta
        : null,
  };
}

async function* everyRecord(http: HttpClient): AsyncGenerator<DataTokenRecord> {
  for (let page = 1; ; page++) {
    const list = await listDataTokens(http, {
      page,
      perPage: PAGE,
      sort: 'createdAt',
      order: 'asc',
    });
    yield* list.items;
    if (page * PAGE >= list.meta.count || list.items.length === 0) return;
  }
}

/** Every context in use, sorted. */
export async function listAllContexts(http: HttpClient): Promise<string[]> {
  const contexts = new Set<string>();
  for await (const record of everyRecord(http)) contexts.add(record.context);
  return [...contexts].sort();
}

export async function findDataToken(http: HttpClient, token: string): Promise<FileItem> {
  for await (const record of everyRecord(http))
    if (record.token === token) return toFileItem(record);
  throw new PrivicoreError({
    status: 404,
    reason: 'data_token.not_found',
    message: 'The data token was not found.',
  });
}

/**
 * The names (as nameKey folds them) of the files directly in one folder, not its subfolders;
 * `except` leaves one token out (the file being renamed).
 */
export async function namesInFolder(
  http: HttpClient,
  folder: string,
  except?: string,
): Promise<Set<string>> {
  const names = new Set<string>();
  for (let page = 1; ; page++) {
    const list = await listDataTokens(http, {
      page,
      perPage: PAGE,
      folder,
      // The contract's prefix narrows the list where an engine lacks the folder extension.
      ...(folder === '/' ? {} : { context: folder }),
      sort: 'createdAt',
      order: 'asc',
    });
    for (const record of list.items)
      if (record.context === folder && record.token !== except)
        names.add(nameKey(joinFileName(record.fileName, record.extension)));
    if (page * PAGE >= list.meta.count || list.items.length === 0) return names;
  }
}

/** Every file in a folder and its subfolders. */
export async function filesInFolder(http: HttpClient, folder: string): Promise<FileItem[]> {
  const found: FileItem[] = [];
  for (let page = 1; ; page++) {
    const list = await listDataTokens(http, {
      page,
      perPage: PAGE,
      folder,
      context: folder,
      sort: 'createdAt',
      order: 'asc',
    });
    for (const record of list.items)
      if (record.context === folder || record.context.startsWith(`${folder}/`))
        found.push(toFileItem(record));
    if (page * PAGE >= list.meta.count || list.items.length === 0) return found;
  }
}

/** The records of these tokens, walking the catalogue once; unknown tokens are left out. */
export async function findDataTokens(
  http: HttpClient,
  tokens: readonly string[],
): Promise<Map<string, FileItem>> {
  const wanted = new Set(tokens);
  const found = new Map<string, FileItem>();
  for await (const record of everyRecord(http)) {
    if (wanted.has(record.token)) found.set(record.token, toFileItem(record));
    if (found.size === wanted.size) break;
  }
  return found;
}
