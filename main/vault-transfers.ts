import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BridgeEvent, BridgeEvents } from '../bridge/channels.ts';
import type { Transfer, UploadStarted } from '../bridge/types.ts';
import { PrivicoreError } from '../client/privicore-error.ts';
import type { VaultSession } from '../client/session.ts';
import { TransferQueue, type TransferJob } from '../client/transfer-queue.ts';
import { findDataToken, findDataTokens, namesInFolder } from '../client/vault/file-catalog.ts';
import { NAME_MAX_BYTES } from '../client/vault/fit-name-bytes.ts';
import { localFileName } from '../client/vault/local-file-name.ts';
import { nameKey, uniqueFileName } from '../client/vault/unique-name.ts';
import { planUploads, type PlannedFile } from '../client/vault/upload-plan.ts';
import type { ProgressListener } from '../client/vault/transfer-progress.ts';
import type { CommandHold } from '../client/vault/vault-context.ts';
import type { Platform } from './platform.ts';
import { UploadJournal, type UploadRecord } from './upload-journal.ts';

export interface VaultTransfersOptions {
  /** Where the journal of unfinished uploads lives (user data folder). */
  journalFile: string;
  platform: Platform;
  /** The signed-in session, or a clear error: read when a transfer starts, not when queued. */
  session(): VaultSession;
  /** The signed-in profile; null when signed out. */
  profileId(): string | null;
  emit<E extends BridgeEvent>(event: E, payload: BridgeEvents[E]): void;
  /** A transfer waits for a vote (contract §11): watch it until the vote ends. */
  watchHold?(hold: CommandHold, operation: 'upload' | 'download', label: string): void;
}

/** Where an upload reads from, so it can be retried (and journaled). */
interface UploadSource {
  profileId: string;
  path: string;
  /** The name the file came with (before any "(2)"). */
  originalName: string;
  context: string;
}

const ACTIVE = new Set<Transfer['state']>(['queued', 'running']);

/**
 * The desktop app's transfers: the queue (client/transfer-queue.ts) plus what only main knows —
 * where uploads read from, which names are being uploaded into which folder (so two batches do
 * not both take "report.pdf"), and the journal that lets an upload cut off by sign-out, quit or
 * crash be offered again. The rules (planning a folder upload, unique names, safe local names)
 * live in client/vault/.
 */
export class VaultTransfers {
  readonly queue: TransferQueue;
  private readonly journal: Promise<UploadJournal>;
  private readonly sources = new Map<string, UploadSource>();
  /** Names (nameKey) being uploaded, per folder, until each upload ends. */
  private readonly inFlight = new Map<string, Map<string, number>>();
  private readonly flightOf = new Map<string, { context: string; key: string }>();

  constructor(private readonly options: VaultTransfersOptions) {
    this.queue = new TransferQueue({ onChange: (transfer) => this.changed(transfer) });
    this.journal = UploadJournal.open(options.journalFile);
  }

  /** Stores files and folders (each folder as a folder of the same name) into `context`. */
  async upload(paths: readonly string[], context: string): Promise<UploadStarted> {
    const session = this.options.session();
    const profileId = this.options.profileId()!;
    const plan = await planUploads(paths, context);
    const taken = new Map<string, Set<string>>();
    for (const folder of new Set(plan.files.map((file) => file.context))) {
      const names = await namesInFolder(session.http, folder);
      for (const key of this.inFlight.get(folder)?.keys() ?? []) names.add(key);
      taken.set(folder, names);
    }
    const planned = plan.files.map((file) => {
      const names = taken.get(file.context)!;
      const name = uniqueFileName(file.name, names);
      names.add(nameKey(name));
      return { file, name };
    });
    const jobs: TransferJob[] = [
      ...planned.map(({ file, name }) => this.uploadJob(file, name)),
      ...plan.problems.map((problem): TransferJob => ({
        kind: 'upload',
        name: problem.name,
        context: problem.context,
        total: 0,
        error: problem.error,
        retryable: problem.error.reason !== 'client.too_many_files',
        run: () => Promise.reject(problem.error),
      })),
    ];
    const started = this.queue.enqueue(jobs);
    const journal = await this.journal;
    started.transfers.forEach((transfer, index) => {
      const source =
        index < planned.length
          ? { path: planned[index]!.file.path, originalName: planned[index]!.file.name }
          : { path: plan.problems[index - planned.length]!.path, originalName: transfer.name };
      this.sources.set(transfer.id, { profileId, context: transfer.context, ...source });
      if (index >= planned.length || !ACTIVE.has(transfer.state)) return;
      this.claimName(transfer);
      journal.put(this.record(transfer, 'queued'));
    });
    return started;
  }

  /**
   * Downloads one file to `target`. `replace`: only a target the save dialog chose (which asked
   * first) may replace an existing file; a path from the window never does.
   */
  async download(
    token: string,
    fileName: string,
    target: string,
    replace: boolean,
  ): Promise<Transfer> {
    const session = this.options.session();
    const item = await findDataToken(session.http, token).catch(() => undefined);
    const { transfers } = this.queue.enqueue([
      this.downloadJob(token, fileName, target, item?.context ?? '/', item?.size ?? 0, replace),
    ]);
    return transfers[0]!;
  }

  /**
   * Downloads several files into a folder the person picks, each under its own name (never
   * overwriting a file there, never outside the folder). Null when the picker was cancelled.
   */
  async downloadMany(files: readonly { token: string; fileName: string }[]) {
    const session = this.options.session();
    const folder = await this.options.platform.chooseDownloadFolder(files.length);
    if (!folder) return null;
    const present = new Set((await readdir(folder).catch(() => [])).map(nameKey));
    const items = await findDataTokens(
      session.http,
      files.map((file) => file.token),
    );
    const jobs = files.map(({ token, fileName }) => {
      const name = uniqueFileName(localFileName(fileName), present, {
        maxBytes: NAME_MAX_BYTES,
      });
      present.add(nameKey(name));
      const item = items.get(token);
      return this.downloadJob(
        token,
        name,
        join(folder, name),
        item?.context ?? '/',
        item?.size ?? 0,
        false,
      );
    });
    return this.queue.enqueue(jobs);
  }

  /** Runs a failed or interrupted transfer again; uploads read the original file again. */
  async retry(id: string): Promise<UploadStarted> {
    this.options.session();
    const transfer = this.queue.get(id);
    if (!transfer || ACTIVE.has(transfer.state) || transfer.state === 'done' || !transfer.retryable)
      throw new PrivicoreError({
        status: 0,
        reason: 'client.not_retryable',
        message: 'That transfer cannot be run again. Start it anew.',
      });
    if (transfer.kind === 'download') return this.queue.retry(id)!;
    const source = this.sources.get(id);
    if (!source)
      throw new PrivicoreError({
        status: 0,
        reason: 'client.not_retryable',
        message: 'Unknown upload.',
      });
    const info = await stat(source.path).catch(() => undefined);
    if (!info) {
      throw new PrivicoreError({
        status: 0,
        reason: 'client.file_missing',
        message: `${source.path} was not found.`,
        details: { path: source.path },
      });
    }
    this.forget([id]);
    // Stored into the same folder, under the name it came with (renamed again if now taken).
    const paths = [source.path];
    return info.isDirectory() ? this.upload(paths, source.context) : this.uploadInto(source);
  }

  /** Shows a finished download in the file manager; the path is main's own, never the renderer's. */
  showInFolder(id: string): void {
    const transfer = this.queue.get(id);
    if (!transfer || transfer.kind !== 'download' || transfer.state !== 'done' || !transfer.target)
      throw new PrivicoreError({
        status: 0,
        reason: 'client.not_downloaded',
        message: 'That file has not been downloaded, so there is nothing to show.',
      });
    this.options.platform.showInFolder(transfer.target);
  }

  /** Drops finished transfers from the list (and interrupted uploads from the journal). */
  forget(ids: readonly string[]): void {
    for (const id of this.queue.forget(ids)) {
      this.sources.delete(id);
      void this.journal.then((journal) => journal.remove(id));
    }
  }

  /**
   * Stops everything (sign-out, quit, a session that ended): uploads are kept as interrupted,
   * for Retry after the next sign-in, and leave this session's list.
   */
  async interruptAll(): Promise<void> {
    await this.queue.interruptAll();
    const ids = this.queue.list().map((transfer) => transfer.id);
    this.queue.forget(ids);
    for (const id of ids) this.sources.delete(id);
    await (await this.journal).flush();
  }

  /** After sign-in: this profile's uploads that were cut off, listed as interrupted. */
  async restore(profileId: string): Promise<void> {
    const records = (await this.journal).interrupted(profileId);
    this.queue.restoreInterrupted(
      records.map((record) => ({
        ...this.uploadJob(
          {
            path: record.path,
            name: record.renamedFrom ?? record.name,
            context: record.context,
            size: record.total,
          },
          record.name,
        ),
        id: record.id,
        batchId: record.batchId,
      })),
    );
    for (const record of records) {
      this.sources.set(record.id, {
        profileId,
        path: record.path,
        originalName: record.renamedFrom ?? record.name,
        context: record.context,
      });
    }
  }

  private async uploadInto(source: UploadSource): Promise<UploadStarted> {
    const session = this.options.session();
    const info = await stat(source.path);
    const names = await namesInFolder(session.http, source.context);
    for (const key of this.inFlight.get(source.context)?.keys() ?? []) names.add(key);
    const file: PlannedFile = {
      path: source.path,
      name: source.originalName,
      context: source.context,
      size: info.size,
    };
    const started = this.queue.enqueue([this.uploadJob(file, uniqueFileName(file.name, names))]);
    const journal = await this.journal;
    for (const transfer of started.transfers) {
      this.sources.set(transfer.id, { ...source, profileId: this.options.profileId()! });
      if (!ACTIVE.has(transfer.state)) continue;
      this.claimName(transfer);
      journal.put(this.record(transfer, 'queued'));
    }
    return started;
  }

  private uploadJob(
    file: Pick<PlannedFile, 'path' | 'name' | 'context' | 'size'>,
    name: string,
  ): TransferJob {
    return {
      kind: 'upload',
      name,
      context: file.context,
      total: file.size,
      ...(name === file.name ? {} : { renamedFrom: file.name }),
      run: async (signal, onProgress) => {
        const stored = await this.options.session().storeFile(file.path, {
          context: file.context,
          name,
          signal,
          onProgress: this.watchingHolds('upload', name, onProgress),
        });
        return { token: stored.token };
      },
    };
  }

  private downloadJob(
    token: string,
    name: string,
    target: string,
    context: string,
    total: number,
    replace: boolean,
  ): TransferJob {
    return {
      kind: 'download',
      name,
      context,
      total,
      target,
      run: async (signal, onProgress) => {
        const retrieved = await this.options.session().retrieveFile(token, target, {
          signal,
          onProgress: this.watchingHolds('download', name, onProgress),
          replace,
        });
        return { target: retrieved.target };
      },
    };
  }

  /** A transfer's progress, with a vote it waits for watched until it ends (contract §11). */
  private watchingHolds(
    operation: 'upload' | 'download',
    label: string,
    onProgress: ProgressListener,
  ): ProgressListener {
    return (progress) => {
      if (progress.phase === 'held' && progress.hold)
        this.options.watchHold?.(progress.hold, operation, label);
      onProgress(progress);
    };
  }

  private record(transfer: Transfer, state: UploadRecord['state']): UploadRecord {
    const source = this.sources.get(transfer.id)!;
    return {
      id: transfer.id,
      batchId: transfer.batchId,
      profileId: source.profileId,
      path: source.path,
      name: transfer.name,
      context: transfer.context,
      total: transfer.total,
      state,
      renamedFrom: transfer.renamedFrom,
    };
  }

  private claimName(transfer: Transfer): void {
    const key = nameKey(transfer.name);
    const names = this.inFlight.get(transfer.context) ?? new Map<string, number>();
    names.set(key, (names.get(key) ?? 0) + 1);
    this.inFlight.set(transfer.context, names);
    this.flightOf.set(transfer.id, { context: transfer.context, key });
  }

  private releaseName(id: string): void {
    const flight = this.flightOf.get(id);
    if (!flight) return;
    this.flightOf.delete(id);
    const names = this.inFlight.get(flight.context);
    const left = (names?.get(flight.key) ?? 1) - 1;
    if (left > 0) names!.set(flight.key, left);
    else names?.delete(flight.key);
    if (names?.size === 0) this.inFlight.delete(flight.context);
  }

  private changed(transfer: Transfer): void {
    this.options.emit('transfer:progress', transfer);
    if (transfer.kind !== 'upload' || ACTIVE.has(transfer.state)) return;
    this.releaseName(transfer.id);
    void this.journal.then((journal) => {
      // Interrupted uploads stay for the next sign-in; every other end is final.
      if (transfer.state === 'interrupted') journal.mark(transfer.id, 'interrupted');
      else journal.remove(transfer.id);
    });
  }
}
