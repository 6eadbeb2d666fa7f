// The vault's catalogue as the desktop app shows it: list-data-tokens records as file items, the
// set of contexts (folders), and one token's record. The contract lists tokens page by page and
// has no per-token lookup, so the last two walk the pages at the largest page size.

import type { FileItem } from '../../bridge/types.ts';
import { listDataTokens, type DataTokenRecord } from '../endpoints/data-token.ts';
import type { HttpClient } from '../http.ts';
import { PrivicoreError } from '../privicore-error.ts';

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
